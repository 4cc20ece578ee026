package nvr.playback;

/** An INVITE we cannot serve: the SIP status to answer with and a one-line reason for the Warning/phrase. */
public final class PlaybackRejected extends Exception {
    private final int status;
    private final String metricReason;

    public PlaybackRejected(int status, String metricReason, String message) {
        super(message, null, false, false);
        this.status = status;
        this.metricReason = metricReason;
    }

    public int status() {
        return status;
    }

    /** Short tag for the errors counter, e.g. "not-found", "bad-range", "no-footage", "bad-offer". */
    public String metricReason() {
        return metricReason;
    }
}
