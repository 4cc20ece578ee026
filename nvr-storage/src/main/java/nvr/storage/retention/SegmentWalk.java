package nvr.storage.retention;

import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.NavigableSet;
import java.util.NoSuchElementException;
import nvr.storage.SegmentInfo;
import nvr.storage.Store;

/**
 * A camera's segments starting in {@code [fromMs, toMs)}, oldest first, fetched from the index one hour at
 * a time and only on the days the ledger says hold footage, so a walk never holds more than an hour of
 * entries and a hole of years (footage stamped 2000-01-01 by a reset clock) costs nothing.
 */
final class SegmentWalk implements Iterator<SegmentInfo> {
    static final long DAY_MS = 86_400_000L;
    private static final long CHUNK_MS = 3_600_000L;

    private final Store store;
    private final String camera;
    private final Iterator<Long> days;
    private final long fromMs;
    private final long toMs;
    private final ArrayDeque<SegmentInfo> buffered = new ArrayDeque<>();
    private long dayEndMs = Long.MIN_VALUE;
    private long nextMs;

    /** @param dayHints UTC day numbers (ms / DAY_MS) holding segment starts of this camera, ascending */
    SegmentWalk(Store store, String camera, NavigableSet<Long> dayHints, long fromMs, long toMs) {
        this.store = store;
        this.camera = camera;
        this.fromMs = fromMs;
        this.toMs = toMs;
        long firstDay = Math.floorDiv(fromMs, DAY_MS);
        this.days = dayHints.tailSet(firstDay, true).iterator();
        this.nextMs = fromMs;
    }

    @Override
    public boolean hasNext() {
        while (buffered.isEmpty()) {
            if (nextMs >= dayEndMs) {
                if (!days.hasNext()) {
                    return false;
                }
                long day = days.next();
                long start = day * DAY_MS;
                if (start >= toMs) {
                    return false;
                }
                nextMs = Math.max(start, fromMs);
                dayEndMs = start + DAY_MS;
            }
            long end = Math.min(Math.min(nextMs + CHUNK_MS, dayEndMs), toMs);
            for (SegmentInfo s : store.segments(camera, nextMs, end)) {
                // The index returns overlapping segments; each is taken once, in the chunk holding its start.
                if (s.startMs() >= nextMs && s.startMs() < end) {
                    buffered.add(s);
                }
            }
            nextMs = end >= toMs ? Long.MAX_VALUE : end;
            if (nextMs == Long.MAX_VALUE && buffered.isEmpty()) {
                return false;
            }
        }
        return true;
    }

    /** The next segment without consuming it. */
    SegmentInfo peek() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        return buffered.peekFirst();
    }

    @Override
    public SegmentInfo next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        return buffered.pollFirst();
    }
}
