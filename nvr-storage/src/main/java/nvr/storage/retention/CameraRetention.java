package nvr.storage.retention;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One row of {@code nvr retention status}. Component names are the contract's JSON names
 * (camera, tier, minDays, oldestMs, newestMs, projectedDays, status, reason) plus extras.
 *
 * @param oldestMs first recorded frame time, 0 when the camera has no footage (likewise newestMs)
 * @param recordedDays recorded time (sum of segment durations) in days
 * @param gapsMs time between oldest and newest footage with no recording
 * @param projectedDays days of footage the volumes can hold for this camera at its measured bitrate
 * @param reason one line saying why the status is not OK (empty when OK)
 */
public record CameraRetention(String camera, String tier, int minDays, int maxDays, long oldestMs, long newestMs,
                              double recordedDays, long gapsMs, double bitrateBps, double projectedDays,
                              RetentionState status, String reason) {

    public Map<String, Object> jsonFields() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("camera", camera);
        m.put("tier", tier);
        m.put("minDays", minDays);
        m.put("maxDays", maxDays == 0 ? null : maxDays);
        m.put("oldestMs", oldestMs);
        m.put("newestMs", newestMs);
        m.put("recordedDays", recordedDays);
        m.put("gapsMs", gapsMs);
        m.put("bitrateBps", bitrateBps);
        m.put("projectedDays", projectedDays);
        m.put("status", status.name());
        m.put("reason", reason);
        return m;
    }
}
