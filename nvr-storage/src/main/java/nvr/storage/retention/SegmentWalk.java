package nvr.storage.retention;

import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.NoSuchElementException;
import nvr.storage.SegmentInfo;
import nvr.storage.Store;

/**
 * A camera's segments starting in {@code [fromMs, toMs)}, oldest first, fetched from the index one time
 * chunk at a time so a walk over years of footage never holds more than a day of entries. Empty chunks
 * double in length, so a hole of years (footage stamped 2000-01-01 by a reset clock) costs a few seeks.
 */
final class SegmentWalk implements Iterator<SegmentInfo> {
    static final long DAY_MS = 86_400_000L;
    private static final long MAX_CHUNK_MS = 4096 * DAY_MS;

    private final Store store;
    private final String camera;
    private final long toMs;
    private final ArrayDeque<SegmentInfo> buffered = new ArrayDeque<>();
    private long nextMs;
    private final long firstChunkMs;
    private long chunkMs;

    SegmentWalk(Store store, String camera, long fromMs, long toMs) {
        this(store, camera, fromMs, toMs, DAY_MS);
    }

    /** @param firstChunkMs length of the time chunk fetched per index query while segments are found */
    SegmentWalk(Store store, String camera, long fromMs, long toMs, long firstChunkMs) {
        this.store = store;
        this.camera = camera;
        this.nextMs = fromMs;
        this.toMs = toMs;
        this.firstChunkMs = firstChunkMs;
        this.chunkMs = firstChunkMs;
    }

    @Override
    public boolean hasNext() {
        while (buffered.isEmpty() && nextMs < toMs) {
            long end = toMs - nextMs <= chunkMs ? toMs : nextMs + chunkMs;
            for (SegmentInfo s : store.segments(camera, nextMs, end)) {
                // The index returns overlapping segments; each is taken once, in the chunk holding its start.
                if (s.startMs() >= nextMs && s.startMs() < end) {
                    buffered.add(s);
                }
            }
            chunkMs = buffered.isEmpty() ? Math.min(chunkMs * 2, MAX_CHUNK_MS) : firstChunkMs;
            nextMs = end;
        }
        return !buffered.isEmpty();
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
