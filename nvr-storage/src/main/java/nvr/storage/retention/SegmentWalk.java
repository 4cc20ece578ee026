package nvr.storage.retention;

import java.util.Iterator;
import java.util.NavigableSet;
import nvr.storage.SegmentRun;
import nvr.storage.Store;

/**
 * A camera's segments starting in {@code [fromMs, toMs)}, oldest first, as runs of up to {@value #CHUNK} read
 * from the index in one pass each ({@link Store#segmentRun}), and only on the days the ledger says hold footage, so
 * a walk never holds more than about a day of entries and a hole of years (footage stamped 2000-01-01 by a reset
 * clock) costs nothing. A run never spans two days.
 */
final class SegmentWalk {
    static final long DAY_MS = 86_400_000L;
    /** Segments per index read: a day of 60 s segments is 1,440 (an iterator costs more with fresh tombstones near). */
    static final int CHUNK = 1024;

    private final Store store;
    private final String camera;
    private final Iterator<Long> days;
    private final long fromMs;
    private final long toMs;
    private final int chunk;
    private long dayEndMs = Long.MIN_VALUE;
    private long nextMs;
    private boolean done;

    /** @param dayHints UTC day numbers (ms / DAY_MS) holding segment starts of this camera, ascending */
    SegmentWalk(Store store, String camera, NavigableSet<Long> dayHints, long fromMs, long toMs) {
        this(store, camera, dayHints, fromMs, toMs, CHUNK);
    }

    SegmentWalk(Store store, String camera, NavigableSet<Long> dayHints, long fromMs, long toMs, int chunk) {
        this.store = store;
        this.camera = camera;
        this.fromMs = fromMs;
        this.toMs = toMs;
        this.chunk = chunk;
        long firstDay = Math.floorDiv(fromMs, DAY_MS);
        this.days = dayHints.tailSet(firstDay, true).iterator();
        this.nextMs = fromMs;
    }

    /** The next non-empty run, oldest first, or null when the walk is done. */
    SegmentRun nextRun() {
        while (!done) {
            if (nextMs >= dayEndMs) {
                if (!days.hasNext()) {
                    done = true;
                    return null;
                }
                long day = days.next();
                long start = day * DAY_MS;
                if (start >= toMs) {
                    done = true;
                    return null;
                }
                nextMs = Math.max(start, fromMs);
                dayEndMs = start + DAY_MS;
            }
            long end = Math.min(dayEndMs, toMs);
            SegmentRun got = store.segmentRun(camera, nextMs, end, chunk);
            // A full run may have more after it in this day; otherwise the day (or the walk) is done.
            nextMs = got.isFull() ? got.resumeFromMs() : end;
            if (nextMs >= toMs) {
                done = true;
            }
            if (got.size() > 0) {
                return got;
            }
        }
        return null;
    }
}
