package nvr.storage.retention;

import java.util.Locale;

/** What the sweeper does when the volumes cannot hold every camera's minimum. */
public enum RetentionPolicy {
    /** Stop accepting the lowest tier's new footage; never delete footage younger than its minimum. */
    PROTECT("protect"),
    /** Ring behaviour: delete the oldest footage even under its minimum, reported as a violation. */
    OVERWRITE_OLDEST("overwrite-oldest");

    private final String configName;

    RetentionPolicy(String configName) {
        this.configName = configName;
    }

    /** The spelling used in {@code nvr.yaml}. */
    public String configName() {
        return configName;
    }

    public static RetentionPolicy parse(String s) {
        for (RetentionPolicy p : values()) {
            if (p.configName.equals(s == null ? "" : s.trim().toLowerCase(Locale.ROOT))) {
                return p;
            }
        }
        throw new IllegalArgumentException("retention policy \"" + s + "\" is unknown; use protect or overwrite-oldest");
    }
}
