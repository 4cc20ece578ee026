package nvr.storage;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Pages a cursor's mapped segments in ahead of it on another thread, so the disk works while the cursor's
 * thread checks and hands out what is already in memory (a bulk read, e.g. a download of old, uncached
 * footage, otherwise alternates: wait for the disk, then spend CPU, never both at once). No byte is copied:
 * {@link SegmentMapping#load} has the kernel read a chunk into the page cache (sendfile to /dev/null).
 *
 * <p>Ranges are queued in the order the cursor will read them and numbered by one running "stream"
 * position across segments; the loader stays at most {@link #AHEAD} bytes ahead of the position the cursor
 * reported (the cursor queues the next segment once it is within that distance of its end). Invariants: at most one loader task runs at a time ({@code running}); each queued range holds
 * one reference on its mapping, released once it is loaded, or dropped at {@link #close}; the cursor thread
 * alone calls {@link #add}, {@link #advanced} and {@link #close}.
 */
final class SequentialReadAhead {
    /** Bytes asked of the kernel at once: large enough to keep several requests in flight on the device. */
    static final int CHUNK = 8 << 20;
    /** How far the loader runs ahead of the cursor (bounds the page cache one bulk reader fills early). */
    static final long AHEAD = 32 << 20;

    private record Range(SegmentMapping mapping, long from, long to, long streamStart) {
    }

    private final Executor executor;
    private final int chunk;
    private final long ahead;
    private final ConcurrentLinkedQueue<Range> pending = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean running = new AtomicBoolean();
    private volatile long consumed;
    private volatile boolean closed;
    /** Cursor-confined: stream position just after the last range queued. */
    private long queuedEnd;
    // loader-confined (one task at a time; volatile for the hand-over between consecutive tasks):
    private volatile Range current;
    private volatile long currentPos;

    SequentialReadAhead(Executor executor) {
        this(executor, CHUNK, AHEAD);
    }

    /** chunk, ahead: see {@link #CHUNK}, {@link #AHEAD} (tests use small ones). */
    SequentialReadAhead(Executor executor, int chunk, long ahead) {
        this.executor = executor;
        this.chunk = chunk;
        this.ahead = ahead;
    }

    /** How far the loader runs ahead of the cursor. */
    long ahead() {
        return ahead;
    }

    /**
     * Queues [from, to) of mapping (taking a reference) after everything queued so far; returns the stream
     * position of {@code from} (a reader at file offset o is at stream position result + o - from).
     */
    long add(SegmentMapping mapping, long from, long to) {
        long start = queuedEnd;
        if (to > from && !closed && mapping.retain()) {
            queuedEnd += to - from;
            pending.add(new Range(mapping, from, to, start));
            kick();
        }
        return start;
    }

    /** The cursor has read everything before stream position pos. */
    void advanced(long pos) {
        consumed = pos;
        if (!running.get() && hasWork()) {
            kick();
        }
    }

    /** Drops whatever is not loaded yet; a running load finishes its chunk and stops. */
    void close() {
        closed = true;
        for (Range r; (r = pending.poll()) != null; ) {
            r.mapping().release();
        }
        kick(); // releases the loader's current range (on the loader's side, never under its feet)
    }

    private boolean hasWork() {
        Range r = current;
        long next = r != null ? r.streamStart() + currentPos - r.from() : nextQueuedStart();
        return next >= 0 && next < consumed + ahead;
    }

    private long nextQueuedStart() {
        Range r = pending.peek();
        return r == null ? -1 : r.streamStart();
    }

    private void kick() {
        if (running.compareAndSet(false, true)) {
            try {
                executor.execute(this::load);
            } catch (RejectedExecutionException e) { // shutting down: no read-ahead, and nothing may leak
                closed = true;
                load();
            }
        }
    }

    private void load() {
        try {
            while (!closed) {
                Range r = current;
                if (r == null) {
                    r = pending.poll();
                    if (r == null) {
                        break;
                    }
                    current = r;
                    currentPos = r.from();
                }
                long pos = currentPos;
                if (r.streamStart() + pos - r.from() >= consumed + ahead) {
                    break; // far enough ahead: advanced() calls again
                }
                long end = Math.min(r.to(), pos + chunk);
                r.mapping().load(pos, end);
                currentPos = end;
                if (end >= r.to()) {
                    current = null;
                    r.mapping().release();
                }
            }
        } catch (java.io.IOException | RuntimeException e) {
            closed = true; // read-ahead is an optimization: the cursor reads (and reports) the data itself
        } finally {
            if (closed) {
                Range r = current;
                current = null;
                if (r != null) {
                    r.mapping().release();
                }
                for (Range q; (q = pending.poll()) != null; ) {
                    q.mapping().release();
                }
            }
            running.set(false);
        }
        // close() or advanced() may have raced with the end of this task: look again
        if (closed ? current != null || !pending.isEmpty() : hasWork()) {
            kick();
        }
    }
}
