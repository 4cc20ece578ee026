package nvr.playback.session;

import java.io.IOException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import nvr.storage.FrameCursor;
import nvr.storage.FrameRecord;
import nvr.storage.Store;

/**
 * Reads a session's frames ahead on the disk pool so the event loop never touches the disk.
 * Invariant: at most one read task per session runs at a time ({@code scheduled}); the cursor is only
 * touched by that task. Items carry the seek generation they were read for; stale ones are dropped.
 */
final class FramePrefetcher {
    /** One read-ahead entry: a frame, or the end of the range, or a read error. */
    record Item(long generation, FrameRecord frame, boolean gapBefore, boolean end, IOException error) {
        int bytes() {
            return frame == null ? 0 : frame.payload().length;
        }
    }

    private final Store store;
    private final String camera;
    private final long toMs;
    private final Executor disk;
    private final long maxQueuedBytes;
    private final Runnable onData;
    private final ConcurrentLinkedQueue<Item> queue = new ConcurrentLinkedQueue<>();
    private final AtomicLong queuedBytes = new AtomicLong();
    private final AtomicBoolean scheduled = new AtomicBoolean();
    private volatile long generation;
    private volatile long seekFromMs;
    private volatile boolean closed;
    // disk-task confined:
    private FrameCursor cursor;
    private long cursorGeneration = -1;
    private boolean endQueued;

    FramePrefetcher(Store store, String camera, long fromMs, long toMs, Executor disk, long maxQueuedBytes,
                    Runnable onData) {
        this.store = store;
        this.camera = camera;
        this.seekFromMs = fromMs;
        this.toMs = toMs;
        this.disk = disk;
        this.maxQueuedBytes = maxQueuedBytes;
        this.onData = onData;
    }

    /** Next item of the current generation, without removing it; null when nothing is read yet. */
    Item peek() {
        Item it;
        while ((it = queue.peek()) != null && it.generation() != generation) {
            remove(it);
        }
        if (it == null) {
            request();
        }
        return it;
    }

    void poll() {
        Item it = queue.poll();
        if (it != null) {
            queuedBytes.addAndGet(-it.bytes());
            if (queuedBytes.get() < maxQueuedBytes * 3 / 4) {
                request(); // refill early: a thread hand-off can take milliseconds on a busy machine
            }
        }
    }

    private void remove(Item it) {
        if (queue.remove(it)) {
            queuedBytes.addAndGet(-it.bytes());
        }
    }

    /** Restarts reading at the keyframe at or before {@code fromMs}. */
    void seek(long fromMs) {
        seekFromMs = fromMs;
        generation++;
        for (Item it; (it = queue.peek()) != null && it.generation() != generation; ) {
            remove(it);
        }
        request();
    }

    long queuedBytes() {
        return queuedBytes.get();
    }

    void close() {
        closed = true;
        request(); // the read task closes the cursor on the disk thread
    }

    void request() {
        if (scheduled.compareAndSet(false, true)) {
            try {
                disk.execute(this::read);
            } catch (RejectedExecutionException e) {
                scheduled.set(false);
            }
        }
    }

    private void read() {
        boolean added = false;
        try {
            if (closed) {
                closeCursor();
                return;
            }
            long gen = generation;
            if (cursorGeneration != gen) {
                closeCursor();
                cursor = store.openCursor(camera, seekFromMs, toMs);
                cursorGeneration = gen;
                endQueued = false;
            }
            while (!endQueued && !closed && gen == generation && queuedBytes.get() < maxQueuedBytes) {
                FrameRecord f = cursor.next();
                Item it;
                if (f == null || f.timeMs() >= toMs) {
                    it = new Item(gen, null, false, true, null);
                    endQueued = true;
                } else {
                    it = new Item(gen, f, cursor.gapBefore(), false, null);
                }
                boolean wasEmpty = queue.isEmpty();
                queuedBytes.addAndGet(it.bytes());
                queue.add(it);
                added = true;
                if (wasEmpty) {
                    onData.run(); // the sender may be starving: let it start while we read on
                    added = false;
                }
            }
        } catch (IOException | RuntimeException e) {
            IOException io = e instanceof IOException ioe ? ioe : new IOException(e.toString(), e);
            queue.add(new Item(generation, null, false, false, io));
            endQueued = true;
            added = true;
        } finally {
            if (closed) {
                closeCursor();
            }
            scheduled.set(false);
        }
        if (added) {
            onData.run();
        }
        // a seek or a poll may have raced with the end of this task: look again
        if (!closed && ((cursorGeneration != generation) || (!endQueued && queuedBytes.get() < maxQueuedBytes * 3 / 4))) {
            request();
        }
    }

    private void closeCursor() {
        if (cursor != null) {
            try {
                cursor.close();
            } catch (RuntimeException ignored) {
                // closing a cursor never fails a session
            }
            cursor = null;
            cursorGeneration = -1;
        }
    }
}
