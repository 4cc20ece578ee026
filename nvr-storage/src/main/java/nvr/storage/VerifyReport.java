package nvr.storage;

import java.util.List;

/** Result of checking every segment's CRCs against the index. */
public record VerifyReport(long segments, long frames, List<Problem> errors) {
    public record Problem(String file, long offset, String problem) {
    }
}
