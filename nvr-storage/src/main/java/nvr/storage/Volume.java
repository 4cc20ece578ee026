package nvr.storage;

import java.nio.file.Path;

/**
 * Usage of one data root.
 *
 * @param segmentBytes bytes of indexed segment data stored on this root
 */
public record Volume(Path root, String uuid, long totalBytes, long usableBytes, long segmentBytes) {
}
