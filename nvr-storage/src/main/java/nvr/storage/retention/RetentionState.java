package nvr.storage.retention;

/** A camera's retention verdict, as printed by {@code nvr retention status}. */
public enum RetentionState {
    /** Its minimum is held and the volumes can keep holding it at the measured bitrate. */
    OK,
    /** Nothing broken yet, but the volumes cannot keep its minimum (or the clock is untrusted). */
    AT_RISK,
    /** Footage under its minimum was deleted, or its new footage is being refused (protect policy). */
    VIOLATED
}
