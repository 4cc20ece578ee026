package nvr.playback.session;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/** Turns one stored frame into the bytes of one RTP frame payload (PS for GB/T 28181). One per stream. */
public interface FrameMuxer {
    /** False for frames this stream does not carry (e.g. audio on a video-only stream): they are skipped. */
    boolean carries(int streamType);

    /**
     * The PS bytes for a stored frame whose access unit is {@code payload}'s readable bytes (not consumed,
     * not released), with PTS {@code pts90k}; the caller releases the returned buffer.
     */
    ByteBuf mux(int streamType, boolean keyframe, ByteBuf payload, long pts90k, ByteBufAllocator alloc);
}
