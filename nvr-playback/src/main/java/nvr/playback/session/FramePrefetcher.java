package nvr.playback.session;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import nvr.gb28181.ps.PsRtpPacketizer;
import nvr.storage.FrameCursor;
import nvr.storage.FrameSlice;
import nvr.storage.Store;

/**
 * Reads a session's frames ahead on the disk pool so the event loop never touches the disk.
 * Invariant: at most one read task per session runs at a time ({@code scheduled}); the cursor is only
 * touched by that task. Items carry the seek generation they were read for; stale ones are dropped.
 *
 * <p>The disk thread also lays each frame out as the RTP packets of its PS ({@link PsRtpPacketizer#layOut}):
 * the payload is copied once, from the cursor's read window ({@link FrameCursor#nextSlice}) straight into
 * a pooled direct buffer of finished packets, and the event loop only stamps sequence numbers and times
 * into them and writes them (it used to mux into one buffer and packetize into another: two more copies
 * on the busiest thread). Off-heap, because a frame waits in the read-ahead for up to a couple of seconds:
 * as a heap byte[] it would survive young collections and every GC pause would copy the read-ahead of
 * every session (tens of MB at 64 sessions: pauses of 30-100 ms, i.e. late frames).
 * Ownership: a queued item's packets belong to the queue; {@link #poll} hands them to the caller, who
 * releases (or writes) them; items dropped by a seek or by {@link #close} are released here.
 */
final class FramePrefetcher {
    /**
     * One read-ahead entry: a frame (its RTP packets laid out, unstamped, in a pooled buffer), or the end of
     * the range, or a read error.
     */
    record Item(long generation, long timeMs, boolean keyframe, int streamType, ByteBuf packets, boolean gapBefore,
                boolean end, IOException error) {
        int bytes() {
            return packets == null ? 0 : packets.readableBytes();
        }

        boolean isFrame() {
            return packets != null;
        }

        void release() {
            if (packets != null) {
                packets.release();
            }
        }
    }

    private final Store store;
    private final String camera;
    private final long toMs;
    private final Executor disk;
    private final Executor bulkReadAhead;
    private final long maxQueuedBytes;
    private final Runnable onData;
    private final ByteBufAllocator alloc;
    private final PsRtpPacketizer layout;
    private final FrameMuxer muxer;
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

    /**
     * @param bulkReadAhead non-null for a bulk read (a download): the cursor maps sealed segments and pages
     *     them in ahead on this executor ({@link Store#openCursor(String, long, long, Executor)}); null: plain reads
     * @param muxer frames it does not carry are skipped here
     * @param layout lays frames out into RTP packets (its {@link PsRtpPacketizer#layOut} is thread-safe)
     */
    FramePrefetcher(Store store, String camera, long fromMs, long toMs, Executor disk, Executor bulkReadAhead,
                    long maxQueuedBytes, ByteBufAllocator alloc, FrameMuxer muxer, PsRtpPacketizer layout, Runnable onData) {
        this.bulkReadAhead = bulkReadAhead;
        this.alloc = alloc;
        this.muxer = muxer;
        this.layout = layout;
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

    /** Removes the head item; the caller owns (and releases or writes) its packets. */
    Item poll() {
        Item it = queue.poll();
        if (it != null) {
            queuedBytes.addAndGet(-it.bytes());
            if (queuedBytes.get() < maxQueuedBytes * 3 / 4) {
                request(); // refill early: a thread hand-off can take milliseconds on a busy machine
            }
        }
        return it;
    }

    private void remove(Item it) {
        if (queue.remove(it)) {
            queuedBytes.addAndGet(-it.bytes());
            it.release();
        }
    }

    /** Releases everything queued (after close: nothing will read it). */
    private void drain() {
        for (Item it; (it = queue.poll()) != null; ) {
            queuedBytes.addAndGet(-it.bytes());
            it.release();
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
        drain();
        request(); // the read task closes the cursor on the disk thread (and drains what it raced in)
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
                cursor = bulkReadAhead == null ? store.openCursor(camera, seekFromMs, toMs)
                    : store.openCursor(camera, seekFromMs, toMs, bulkReadAhead);
                cursorGeneration = gen;
                endQueued = false;
            }
            while (!endQueued && !closed && gen == generation && queuedBytes.get() < maxQueuedBytes) {
                FrameSlice f = cursor.nextSlice(); // a view of the cursor's window: copied once, into finished packets
                Item it;
                if (f == null || f.timeMs() >= toMs) {
                    it = new Item(gen, 0, false, 0, null, false, true, null);
                    endQueued = true;
                } else if (!muxer.carries(f.streamType())) {
                    continue;
                } else {
                    ByteBuf payload = Unpooled.wrappedBuffer(f.payload()); // no copy: a view of the window
                    int size = layout.packetizedSize(payload.readableBytes(), f.keyframe());
                    ByteBuf packets = alloc.directBuffer(size, size);
                    try {
                        layout.layOut(f.keyframe(), payload, packets);
                    } catch (RuntimeException e) {
                        packets.release();
                        throw e;
                    }
                    it = new Item(gen, f.timeMs(), f.keyframe(), f.streamType(), packets, cursor.gapBefore(), false, null);
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
            queue.add(new Item(generation, 0, false, 0, null, false, false, io));
            endQueued = true;
            added = true;
        } finally {
            if (closed) {
                closeCursor();
                drain();
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
