package nvr.bench.load;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.socket.DatagramPacket;
import java.net.InetSocketAddress;
import java.util.List;
import nvr.gb28181.media.AccessUnit;
import nvr.gb28181.ps.PsMuxer;
import nvr.gb28181.rtp.RtpPacketizer;

/** One simulated GB/T 28181 camera: loops the clip as PS over RTP/UDP, a frame every 40 ms, with its own SSRC. */
final class SimulatedCamera {
    private final List<AccessUnit> clip;
    private final InetSocketAddress target;
    private final PsMuxer muxer;
    private final RtpPacketizer packetizer;
    private final long ptsBase;
    long frames;
    long packets;

    SimulatedCamera(List<AccessUnit> clip, InetSocketAddress target, long ssrc, int firstSeq, long ptsBase) {
        this.clip = clip;
        this.target = target;
        this.muxer = new PsMuxer(clip.get(0).codec(), null);
        this.packetizer = new RtpPacketizer(ssrc, 96, firstSeq);
        this.ptsBase = ptsBase;
    }

    /** Writes the next frame's packets to {@code ch} (the caller flushes: one sendmmsg per frame with epoll). */
    void sendNext(Channel ch, ByteBufAllocator alloc) {
        AccessUnit src = clip.get((int) (frames % clip.size()));
        long pts = (ptsBase + frames * 3600) & 0xFFFFFFFFL;
        ByteBuf ps = alloc.buffer(PsMuxer.maxMuxedSize(src.data().length));
        try {
            muxer.mux(new AccessUnit(src.codec(), pts, src.keyframe(), src.data()), ps);
            packetizer.packetize(ps, pts, false, alloc, pkt -> {
                packets++;
                ch.write(new DatagramPacket(pkt, target), ch.voidPromise());
            });
        } finally {
            ps.release();
        }
        frames++;
    }
}
