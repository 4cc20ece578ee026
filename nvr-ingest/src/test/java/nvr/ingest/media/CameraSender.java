package nvr.ingest.media;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.List;
import nvr.gb28181.media.AccessUnit;
import nvr.gb28181.media.Codec;
import nvr.gb28181.ps.PsMuxer;
import nvr.gb28181.rtp.RtpPacketizer;

/** A simulated camera: access units -> PS (the codec module's muxer) -> RTP packets, as GB/T 28181 cameras send. */
final class CameraSender {
    private final Codec codec;
    private final PsMuxer muxer;
    private final RtpPacketizer packetizer;
    private final boolean framed;
    private final long ptsBase;

    CameraSender(Codec codec, long ssrc, int firstSeq, long ptsBase, boolean framed) {
        this(codec, ssrc, firstSeq, ptsBase, framed, RtpPacketizer.DEFAULT_MAX_PAYLOAD);
    }

    CameraSender(Codec codec, long ssrc, int firstSeq, long ptsBase, boolean framed, int maxPayload) {
        this.codec = codec;
        this.muxer = new PsMuxer(codec, null);
        this.packetizer = new RtpPacketizer(ssrc, 96, firstSeq, maxPayload);
        this.framed = framed;
        this.ptsBase = ptsBase;
    }

    /** The RTP packets (RFC 4571 framed when sending over TCP) of frame {@code index}, 25 fps timestamps. */
    List<byte[]> packets(TestClips.Frame f, int index) {
        long pts = (ptsBase + index * 3600L) & 0xFFFFFFFFL;
        ByteBuf ps = Unpooled.buffer(PsMuxer.maxMuxedSize(f.data().length));
        muxer.mux(new AccessUnit(codec, pts, f.keyframe(), f.data()), ps);
        List<byte[]> out = new ArrayList<>();
        packetizer.packetize(ps, pts, framed, ByteBufAllocator.DEFAULT, b -> {
            byte[] bytes = new byte[b.readableBytes()];
            b.readBytes(bytes);
            b.release();
            out.add(bytes);
        });
        return out;
    }
}
