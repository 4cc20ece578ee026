package nvr.storage;

import java.nio.file.Path;

/**
 * Usage of one data root.
 *
 * @param segmentBytes bytes of indexed segment data stored on this root
 * @param reclaimingBytes bytes of deleted segments the file system still counts as used, freed shortly by the
 *                        store's background reaper (see {@code SegmentTrash})
 */
public record Volume(Path root, String uuid, long totalBytes, long usableBytes, long segmentBytes,
                     long reclaimingBytes) {
    public Volume(Path root, String uuid, long totalBytes, long usableBytes, long segmentBytes) {
        this(root, uuid, totalBytes, usableBytes, segmentBytes, 0);
    }

    /** Bytes in use once the deleted segments are freed. */
    public long usedBytes() {
        return Math.max(0, totalBytes - usableBytes - reclaimingBytes);
    }
}
