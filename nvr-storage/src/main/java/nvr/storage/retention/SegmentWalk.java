package nvr.storage.retention;

import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.List;
import java.util.NavigableSet;
import java.util.NoSuchElementException;
import nvr.storage.SegmentInfo;
import nvr.storage.Store;

/**
 * A camera's segments starting in {@code [fromMs, toMs)}, oldest first, fetched from the index {@value #CHUNK}
 * at a time and only on the days the ledger says hold footage, so a walk never holds more than a few hours of
 * entries and a hole of years (footage stamped 2000-01-01 by a reset clock) costs nothing.
 */
final class SegmentWalk implements Iterator<SegmentInfo> {
    static final long DAY_MS = 86_400_000L;
    /** Segments per index read: a few hours of 60 s segments. */
    static final int CHUNK = 256;

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
            long end = Math.min(dayEndMs, toMs);
            List<SegmentInfo> got = store.segmentsStarting(camera, nextMs, end, CHUNK);
            buffered.addAll(got);
            // A full chunk may have more after it in this day; otherwise the day (or the walk) is done.
            nextMs = got.size() == CHUNK ? got.get(got.size() - 1).startMs() + 1 : end;
            if (nextMs >= toMs) {
                nextMs = Long.MAX_VALUE;
                if (buffered.isEmpty()) {
                    return false;
                }
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
