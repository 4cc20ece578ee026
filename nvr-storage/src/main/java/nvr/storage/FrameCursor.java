package nvr.storage;

import java.io.IOException;

/** Iterates a camera's frames in time order from the keyframe at or before a start time to an end time. */
public interface FrameCursor extends AutoCloseable {
    /** The next frame, or null at the end of the range. */
    FrameRecord next() throws IOException;

    /** True when the frame last returned by {@link #next()} follows a recording gap. */
    boolean gapBefore();

    @Override
    void close();
}
