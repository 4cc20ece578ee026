package nvr.gb28181.mansrtsp;

/**
 * A {@code Range: npt=} value: seconds from the start of the requested playback range.
 *
 * @param startSeconds seek target, or NaN for {@code npt=now-} (continue from the current position)
 * @param endSeconds end, or NaN when open ({@code npt=10-})
 */
public record NptRange(double startSeconds, double endSeconds) {
    public boolean startIsNow() {
        return Double.isNaN(startSeconds);
    }
}
