package nvr.storage.retention;

import java.nio.file.Path;
import java.util.List;

/**
 * {@code nvr retention plan}: the disk every camera's tier needs at its measured bitrate beside what the
 * volumes can hold (each up to its high watermark).
 *
 * @param feasible every minimum fits in {@code usableBytes}
 * @param horizonDays the common age back to which footage is kept when it fits (each camera keeps
 *                    {@code max(minDays, horizonDays)}); 0 when it does not fit
 */
public record RetentionPlan(List<CameraNeed> cameras, List<Volume> volumes, long requiredBytes, long usableBytes,
                            boolean feasible, double horizonDays) {

    /** @param requiredBytes bytesPerDay x minDays; storedBytes what the camera holds now */
    public record CameraNeed(String camera, String tier, int minDays, double bitrateBps, long bytesPerDay,
                             long requiredBytes, long storedBytes, double projectedDays) {
    }

    /**
     * @param capacityBytes file-system size, or the configured quota
     * @param usedBytes all bytes in use (for a quota volume: the segments' bytes)
     * @param footageBytes bytes of segments on this volume
     * @param usableBytes bytes footage may use: capacity x high watermark minus what is not footage
     */
    public record Volume(Path root, long capacityBytes, long usedBytes, long footageBytes, double highWatermark,
                         double lowWatermark, long usableBytes, boolean quota) {
    }
}
