package nvr.storage.retention;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A legal hold: footage of {@code camera} overlapping {@code [fromMs, toMs)} is never deleted while the
 * hold exists. {@code untilMs} is 0 for a hold that lasts until released.
 * JSON ({@code nvr hold list}): {@link #jsonFields()} gives the contract's names ({@code case}, a Java keyword,
 * is {@code caseId} here).
 */
public record LegalHold(String id, String camera, long fromMs, long toMs, String caseId, long untilMs,
                        long createdMs, String createdBy) {

    public boolean covers(String cam, long segStartMs, long segEndMs) {
        return camera.equals(cam) && segStartMs < toMs && segEndMs >= fromMs;
    }

    public boolean expiredAt(long nowMs) {
        return untilMs != 0 && untilMs <= nowMs;
    }

    /** Fields in the contract's JSON names: id, camera, fromMs, toMs, case, untilMs (null when none). */
    public Map<String, Object> jsonFields() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", id);
        m.put("camera", camera);
        m.put("fromMs", fromMs);
        m.put("toMs", toMs);
        m.put("case", caseId);
        m.put("untilMs", untilMs == 0 ? null : untilMs);
        m.put("createdMs", createdMs);
        m.put("createdBy", createdBy);
        return m;
    }
}
