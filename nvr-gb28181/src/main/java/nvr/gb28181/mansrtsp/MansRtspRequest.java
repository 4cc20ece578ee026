package nvr.gb28181.mansrtsp;

/**
 * One parsed MANSRTSP request.
 *
 * @param scale speed factor from {@code Scale:}, or NaN when absent (keep the current speed)
 * @param range {@code Range:} of a PLAY, or null when absent (resume where paused)
 * @param pauseNow true when a PAUSE carried {@code PauseTime: now} (or no PauseTime: now is implied)
 */
public record MansRtspRequest(MansRtspMethod method, int cseq, double scale, NptRange range, boolean pauseNow) {
    public boolean hasScale() {
        return !Double.isNaN(scale);
    }
}
