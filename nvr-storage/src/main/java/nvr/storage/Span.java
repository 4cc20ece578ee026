package nvr.storage;

/** A continuous recorded range [startMs, endMs) of one camera. */
public record Span(long startMs, long endMs, long bytes, long frames) {
}
