package nvr.storage;

/** A range [startMs, endMs) with no recording inside a queried interval. */
public record Gap(long startMs, long endMs) {
}
