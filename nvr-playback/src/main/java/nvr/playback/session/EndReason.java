package nvr.playback.session;

/** Why a session ended; the service answers END_OF_RANGE with MediaStatus 121 + BYE, failures with BYE. */
public enum EndReason {
    /** Every frame of the range was sent. */
    END_OF_RANGE(null),
    /** The peer sent BYE or TEARDOWN. */
    TORN_DOWN(null),
    /** TCP receiver stopped reading (send buffer full for longer than the stall timeout). */
    RECEIVER_STALLED("receiver-stalled"),
    /** The receiver went away: TCP closed/reset, UDP port unreachable, passive TCP never connected. */
    RECEIVER_GONE("receiver-gone"),
    /** Reading the footage failed. */
    READ_ERROR("read-error"),
    /** The service was shut down. */
    SHUTDOWN(null);

    private final String errorTag;

    EndReason(String errorTag) {
        this.errorTag = errorTag;
    }

    /** Metric tag when this end is an error, else null. */
    public String errorTag() {
        return errorTag;
    }
}
