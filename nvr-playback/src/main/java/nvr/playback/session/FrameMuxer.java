package nvr.playback.session;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import nvr.storage.FrameRecord;

/** Turns one stored frame into the bytes of one RTP frame payload (PS for GB/T 28181). One per stream. */
public interface FrameMuxer {
    /** False for frames this stream does not carry (e.g. audio on a video-only stream): they are skipped. */
    boolean carries(FrameRecord frame);

    /** The PS bytes for {@code frame} with PTS {@code pts90k}; the caller releases the buffer. */
    ByteBuf mux(FrameRecord frame, long pts90k, ByteBufAllocator alloc);
}
