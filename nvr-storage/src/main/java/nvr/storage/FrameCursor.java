package nvr.storage;

import java.io.IOException;

/** Iterates a camera's frames in time order from the keyframe at or before a start time to an end time. */
public interface FrameCursor extends AutoCloseable {
    /** The next frame, or null at the end of the range. */
    FrameRecord next() throws IOException;

    /**
     * The next frame without copying its payload out of the read-ahead window, or null at the end of the range.
     * The slice is valid only until the next call on this cursor; use {@link #next()} (or
     * {@link FrameSlice#toRecord()}) to keep a frame. Same frames, checks and gaps as {@link #next()}.
     */
    default FrameSlice nextSlice() throws IOException {
        FrameRecord f = next();
        return f == null ? null : new FrameSlice(f.timeMs(), f.keyframe(), f.streamType(),
                java.nio.ByteBuffer.wrap(f.payload()).asReadOnlyBuffer());
    }

    /** True when the frame last returned by {@link #next()} follows a recording gap. */
    boolean gapBefore();

    @Override
    void close();
}
