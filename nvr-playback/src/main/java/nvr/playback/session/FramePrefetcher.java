package nvr.playback.session;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import nvr.gb28181.media.Codec;
import nvr.gb28181.ps.PsRtpPacketizer;
import nvr.storage.FrameCursor;
import nvr.storage.FrameRecord;
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
 *
 * <p><b>Audio.</b> The first read looks for audio in the first {@link #PROBE_MS} of the range (records are stored in
 * arrival order and cameras send audio every 20-40 ms, whatever its timestamps say, so a camera with audio has some
 * there; the look costs one extra read of that second, from the page cache); when the muxer can carry it, the
 * session's packetizer lists it in the PSM and the cursor returns audio records too ({@link Store#openCursorWithAudio}).
 * A camera without audio reads and lays out exactly as before. Audio and video records sit in a segment in arrival
 * order, so an audio record can be a few ms older than the video record before it (or, from a camera whose audio
 * runs ahead, newer than the video after it); the two are merged by time here, as two sorted runs: laid-out frames
 * wait in a small buffer per kind and the older head of the two goes to the queue, so the queue, and with it the PS
 * SCR/PTS, runs in time order. Video never waits longer than {@link #HOLD_MS} for audio (a camera whose audio stops
 * or lags further); audio waits for the video to catch up (storage keeps it within {@link Store#GAP_MS}). Both are
 * flushed at a recording gap and at the end. Audio older than what was already queued, or before the first video
 * frame after a start or seek (the receiver has no PSM for it yet), is dropped.
 */
final class FramePrefetcher {
    /**
     * One read-ahead entry: a frame (its RTP packets laid out, unstamped, in a pooled buffer), or the end of
     * the range, or a read error.
     */
    record Item(long generation, long timeMs, boolean keyframe, int streamType, ByteBuf packets, boolean gapBefore,
                boolean end, IOException error) {
        boolean audio() {
            return FrameRecord.isAudio(streamType);
        }

        Item withGapBefore() {
            return new Item(generation, timeMs, keyframe, streamType, packets, true, end, error);
        }

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

    /** How far into the range (by the times of the records read) the first read looks for audio. */
    static final long PROBE_MS = 1000;
    private static final int PROBE_RECORDS = 512;
    /** Longest a video frame waits for older audio behind it (cameras interleave audio every 20-40 ms). */
    static final long HOLD_MS = 500;
    /** Bound on audio frames waiting for their video (50 a second: 10 s; storage keeps audio within 2 s of video). */
    private static final int MAX_HELD_AUDIO = 512;

    private final Store store;
    private final String camera;
    private final long toMs;
    private final Executor disk;
    private final Executor bulkReadAhead;
    private final long maxQueuedBytes;
    private final Runnable onData;
    private final ByteBufAllocator alloc;
    private final Function<FrameMuxer, PsRtpPacketizer> packetizers;
    /** Set once, by the first read task (after the audio probe); read by the sender once items arrived. */
    private volatile PsRtpPacketizer layout;
    private FrameMuxer muxer;
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
    // audio sessions only: laid-out frames waiting to be merged by time
    private final ArrayDeque<Item> heldVideo = new ArrayDeque<>();
    private final ArrayDeque<Item> heldAudio = new ArrayDeque<>();
    private long newestVideoMs; // of this generation, held or queued
    private long lastQueuedMs = Long.MIN_VALUE; // of this generation
    private long firstVideoMs = Long.MAX_VALUE; // of this generation: audio before it is dropped
    private boolean gapPending; // the cursor flagged a gap: the next item queued carries it

    /**
     * @param bulkReadAhead non-null for a bulk read (a download): the cursor maps sealed segments and pages
     *     them in ahead on this executor ({@link Store#openCursor(String, long, long, Executor)}); null: plain reads
     * @param muxer frames it does not carry are skipped here
     * @param packetizers the session's packetizer for the muxer chosen once the audio probe ran ({@link #packetizer})
     */
    FramePrefetcher(Store store, String camera, long fromMs, long toMs, Executor disk, Executor bulkReadAhead,
                    long maxQueuedBytes, ByteBufAllocator alloc, FrameMuxer muxer,
                    Function<FrameMuxer, PsRtpPacketizer> packetizers, Runnable onData) {
        this.bulkReadAhead = bulkReadAhead;
        this.alloc = alloc;
        this.muxer = muxer;
        this.packetizers = packetizers;
        this.store = store;
        this.camera = camera;
        this.seekFromMs = fromMs;
        this.toMs = toMs;
        this.disk = disk;
        this.maxQueuedBytes = maxQueuedBytes;
        this.onData = onData;
    }

    /**
     * The session's packetizer (lays frames out; its {@link PsRtpPacketizer#layOut} is thread-safe): null until the
     * first read task chose it, always set once an item was handed out.
     */
    PsRtpPacketizer packetizer() {
        return layout;
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
            if (layout == null) {
                int audio = probeAudio();
                if (audio != 0) {
                    muxer = muxer.withAudio(audio);
                }
                layout = packetizers.apply(muxer);
            }
            if (cursorGeneration != gen) {
                closeCursor();
                if (layout.audio() != null) {
                    // audio may be stored up to GAP_MS behind a later video frame: read that far past the end for it
                    cursor = bulkReadAhead == null ? store.openCursorWithAudio(camera, seekFromMs, toMs + Store.GAP_MS)
                        : store.openCursorWithAudio(camera, seekFromMs, toMs + Store.GAP_MS, bulkReadAhead);
                } else {
                    cursor = bulkReadAhead == null ? store.openCursor(camera, seekFromMs, toMs)
                        : store.openCursor(camera, seekFromMs, toMs, bulkReadAhead);
                }
                cursorGeneration = gen;
                endQueued = false;
            }
            boolean withAudio = layout.audio() != null; // audio and video are merged by time
            while (!endQueued && !closed && gen == generation && queuedBytes.get() < maxQueuedBytes) {
                FrameSlice f = cursor.nextSlice(); // a view of the cursor's window: copied once, into finished packets
                if (f != null && f.timeMs() >= toMs && withAudio && FrameRecord.isAudio(f.streamType())) {
                    continue; // audio past the end; video before the end may still follow
                }
                if (f == null || f.timeMs() >= toMs) {
                    added |= merge(true);
                    added |= offer(new Item(gen, 0, false, 0, null, false, true, null));
                    endQueued = true;
                    continue;
                }
                if (!muxer.carries(f.streamType())) {
                    continue;
                }
                boolean audio = FrameRecord.isAudio(f.streamType());
                if (withAudio && cursor.gapBefore()) {
                    added |= merge(true); // everything before the gap goes first
                    gapPending = true;
                }
                if (audio && f.timeMs() < lastQueuedMs) {
                    continue; // older than what is already out: too late
                }
                Codec codec = audio ? layout.audio() : layout.codec();
                ByteBuf payload = Unpooled.wrappedBuffer(f.payload()); // no copy: a view of the window
                int size = layout.packetizedSize(codec, payload.readableBytes(), f.keyframe());
                ByteBuf packets = alloc.directBuffer(size, size);
                try {
                    layout.layOut(codec, f.keyframe(), payload, packets);
                } catch (RuntimeException e) {
                    packets.release();
                    throw e;
                }
                Item it = new Item(gen, f.timeMs(), f.keyframe() && !audio, f.streamType(), packets,
                    !withAudio && cursor.gapBefore(), false, null);
                if (!withAudio) {
                    added |= offer(it);
                } else {
                    if (audio) {
                        if (heldAudio.size() >= MAX_HELD_AUDIO) {
                            heldAudio.poll().release(); // video stopped coming: the oldest waiting audio goes
                        }
                        heldAudio.add(it);
                    } else {
                        heldVideo.add(it);
                        firstVideoMs = Math.min(firstVideoMs, f.timeMs());
                        newestVideoMs = f.timeMs();
                    }
                    added |= merge(false);
                }
            }
        } catch (IOException | RuntimeException | InternalError e) {
            // InternalError: a mapped segment page the disk could not read, reported by the JVM a little after the
            // cursor's read (the cursor skips such files; this ends the session with the error instead of a hang)
            IOException io = e instanceof IOException ioe ? ioe : new IOException(e.toString(), e);
            releaseAllHeld();
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

    /**
     * Queues an item for the sender (with the gap the cursor flagged since the last one queued).
     *
     * @return true when the sender still has to be woken for it (it was not woken here)
     */
    private boolean offer(Item it) {
        if (gapPending && it.isFrame()) {
            it = it.gapBefore() ? it : it.withGapBefore();
            gapPending = false;
        }
        if (it.isFrame()) {
            lastQueuedMs = it.timeMs();
        }
        boolean wasEmpty = queue.isEmpty();
        queuedBytes.addAndGet(it.bytes());
        queue.add(it);
        if (wasEmpty) {
            onData.run(); // the sender may be starving: let it start while we read on
            return false;
        }
        return true;
    }

    /**
     * Queues held frames in time order (video first at equal times): the older of the two heads while both kinds
     * wait; video alone once it waited {@link #HOLD_MS}; everything when {@code flush} (a gap or the end). Audio
     * before the generation's first video frame or older than the last queued frame is dropped.
     *
     * @return true when the sender needs a wake-up
     */
    private boolean merge(boolean flush) {
        boolean added = false;
        while (true) {
            Item v = heldVideo.peek();
            Item a = heldAudio.peek();
            Item next;
            if (v != null && a != null) {
                next = v.timeMs() <= a.timeMs() ? heldVideo.poll() : heldAudio.poll();
            } else if (v != null && (flush || newestVideoMs - v.timeMs() > HOLD_MS)) {
                next = heldVideo.poll();
            } else if (a != null && flush) {
                next = heldAudio.poll();
            } else {
                return added;
            }
            if (next.audio() && (next.timeMs() < firstVideoMs || next.timeMs() < lastQueuedMs)) {
                next.release(); // no PSM has announced it yet, or too late
            } else {
                added |= offer(next);
            }
        }
    }

    private void releaseAllHeld() {
        for (Item it; (it = heldVideo.poll()) != null; ) {
            it.release();
        }
        for (Item it; (it = heldAudio.poll()) != null; ) {
            it.release();
        }
    }

    /** The stream_type of the first audio record in the first {@link #PROBE_MS} of the range, or 0 when none. */
    private int probeAudio() throws IOException {
        try (FrameCursor c = store.openCursorWithAudio(camera, seekFromMs, toMs)) {
            long firstMs = Long.MIN_VALUE;
            int n = 0;
            for (FrameSlice f; n < PROBE_RECORDS && (f = c.nextSlice()) != null && f.timeMs() < toMs; n++) {
                if (FrameRecord.isAudio(f.streamType())) {
                    return f.streamType();
                }
                if (firstMs == Long.MIN_VALUE) {
                    firstMs = f.timeMs();
                } else if (f.timeMs() - firstMs > PROBE_MS) {
                    break;
                }
            }
        }
        return 0;
    }

    private void closeCursor() {
        releaseAllHeld(); // a new generation (or the end) starts with nothing held
        newestVideoMs = 0;
        lastQueuedMs = Long.MIN_VALUE;
        firstVideoMs = Long.MAX_VALUE;
        gapPending = false;
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
