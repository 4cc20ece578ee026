package nvr.storage.retention;

import java.nio.file.Path;

/**
 * Watermarks of one data root. The sweeper starts freeing space when usage passes {@code highWatermark}
 * (fraction of capacity) and stops at {@code lowWatermark}.
 *
 * @param capacityBytes 0 to use the file system's size and free space; otherwise a quota: the root may
 *                      hold this many bytes of segments (usage is then the segments' bytes on this root)
 */
public record VolumeConfig(Path root, double highWatermark, double lowWatermark, long capacityBytes) {
    public VolumeConfig {
        if (root == null) {
            throw new IllegalArgumentException("volume root is missing");
        }
        root = root.toAbsolutePath().normalize();
        if (!(lowWatermark > 0 && lowWatermark <= highWatermark && highWatermark < 1.0)) {
            throw new IllegalArgumentException("volume " + root + ": watermarks low " + lowWatermark + " high "
                    + highWatermark + " are invalid; need 0 < low <= high < 1");
        }
        if (capacityBytes < 0) {
            throw new IllegalArgumentException("volume " + root + ": capacity " + capacityBytes + " is negative");
        }
    }

    /** High 90%, low 85% of the file system. */
    public static VolumeConfig of(Path root) {
        return new VolumeConfig(root, 0.90, 0.85, 0);
    }

    public boolean hasQuota() {
        return capacityBytes > 0;
    }
}
