package nvr.cli.admin;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.DoubleConsumer;

/**
 * What the admin API can ask of the running recorder. Results are plain maps/lists in DESIGN.md's JSON
 * shapes (times in epoch ms). Bad input is reported with {@link AdminException}.
 */
public interface AdminBackend {
    List<Map<String, Object>> cameras();

    Map<String, Object> recordings(String camera, long fromMs, long toMs);

    List<Map<String, Object>> retentionStatus();

    Map<String, Object> retentionPlan();

    List<Map<String, Object>> holds();

    /** Returns the new hold's id. */
    String createHold(String camera, long fromMs, long toMs, String caseId, long untilMs, String who);

    void releaseHold(String id, String who);

    /** Writes an MP4 (+ manifest) and returns a summary; {@code progress} gets 0..1. */
    Map<String, Object> export(String camera, long fromMs, long toMs, Path out, String who, DoubleConsumer progress);

    Map<String, Object> verify();

    /** True once storage, ingest and SIP are up. */
    boolean ready();

    /** Thrown for requests the server refuses: {@code exit} 2 for bad input, 1 for failed operations. */
    final class AdminException extends RuntimeException {
        private final int exit;

        public AdminException(int exit, String message) {
            super(message, null, false, false);
            this.exit = exit;
        }

        public int exit() {
            return exit;
        }
    }
}
