package nvr.storage;

import java.nio.file.Path;

/** Index entry of one segment file. {@code endMs} is the time of its last durable frame. */
public record SegmentInfo(String camera, long startMs, long endMs, Path file, long bytes, long frames,
                          int streamType) {
}
