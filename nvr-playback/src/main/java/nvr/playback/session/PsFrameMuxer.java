package nvr.playback.session;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import nvr.gb28181.media.Codec;
import nvr.gb28181.ps.PsMuxer;

/** Stored frames -> MPEG-PS with {@link PsMuxer} (pack header per frame, system header + PSM before keyframes). */
public final class PsFrameMuxer implements FrameMuxer {
    private final Codec video;
    private final PsMuxer muxer;

    private PsFrameMuxer(Codec video) {
        this.video = video;
        this.muxer = new PsMuxer(video, null);
    }

    /** A video-only PS muxer for stored stream_type 0x1B (H.264) or 0x24 (H.265). */
    public static PsFrameMuxer forStreamType(int streamType) {
        Codec c = Codec.fromStreamType(streamType);
        if (c == null || !c.isVideo()) {
            throw new IllegalArgumentException("not a video stream_type: 0x" + Integer.toHexString(streamType));
        }
        return new PsFrameMuxer(c);
    }

    @Override
    public boolean carries(int streamType) {
        return streamType == video.streamType();
    }

    @Override
    public ByteBuf mux(int streamType, boolean keyframe, ByteBuf payload, long pts90k, ByteBufAllocator alloc) {
        ByteBuf out = alloc.directBuffer(PsMuxer.maxMuxedSize(payload.readableBytes()));
        muxer.mux(video, pts90k, keyframe, payload, out);
        return out;
    }
}
