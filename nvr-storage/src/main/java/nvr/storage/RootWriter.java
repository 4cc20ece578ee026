package nvr.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * The single writer thread of one data root. Producers {@link #offer} frames into a queue bounded in bytes
 * (never blocking); the thread appends them to each camera's {@link SegmentWriter} and group-commits every
 * fsync-ms: fsync every file with new data, then one synced index batch. Invariant: every segment starts
 * with a keyframe, so a reader positioned at any segment start can decode.
 */
final class RootWriter implements Runnable {
    private static final System.Logger LOG = System.getLogger(RootWriter.class.getName());
    private static final long DISK_RETRY_MS = 1000;
    /** A segment with no frame for this long is sealed: the next frame would start a new one anyway. */
    private static final long IDLE_SEAL_NANOS = TimeUnit.MILLISECONDS.toNanos(2 * Store.GAP_MS);
    /**
     * Sealed segments waiting for the group commit keep their file open (it is fsynced there): commit early when
     * this many are waiting, so a burst of rolls (many cameras, a backfill) cannot run out of file descriptors.
     */
    private static final int MAX_SEALED_PENDING = 256;
    /** Longest the writer naps between queue checks while frames flow (see {@link #run}). */
    private static final long IDLE_NAP_NANOS = TimeUnit.MILLISECONDS.toNanos(5);
    /** fsyncs in flight at once per group commit; they wait on the disk, not on a core. */
    private static final int FSYNC_THREADS = 8;

    /** A queued frame; {@code state} is its camera's writer-thread state, looked up once per camera, not per frame. */
    record QueuedFrame(CameraState state, long timeMs, boolean keyframe, int streamType, byte[] payload) {
        String camera() {
            return state.camera;
        }
    }

    private record Barrier(CompletableFuture<Void> done) {
    }

    private static final Object STOP = new Object();

    /** Writer-thread state of one camera: created by any thread ({@link #stateOf}), its fields touched only by the writer thread. */
    static final class CameraState {
        final String camera;
        SegmentWriter segment;
        long lastMs = Long.MIN_VALUE; // of the last video frame: the timeline segments are cut on
        long lastAudioMs = Long.MIN_VALUE;
        long lastArrivalNanos;
        long retryAfterNanos;

        CameraState(String camera) {
            this.camera = camera;
        }
    }

    final DataRoot root;
    private final SegmentIndex index;
    private final SegmentFileIo io;
    private final StorageMetrics metrics;
    private final Set<String> openSegments;
    private final AuditLog audit;
    private final CoverageIndex coverage;
    private final long maxSegmentMs;
    private final long maxSegmentBytes;
    private final long hardMaxSegmentBytes;
    private final long fsyncMs;
    private final long queueLimitBytes;
    /** Frames, barriers and STOP: many producers (event loops), this root's writer thread takes them. */
    private final WriterInbox inbox = new WriterInbox();
    /**
     * Bytes of queued frames, the bound producers check. Producers add per frame; the writer subtracts what it took
     * in batches (when it caught up, or every {@link #RELEASE_BATCH_BYTES}), not per frame, so the counter's cache
     * line does not move between cores twice per frame: the bound errs by at most one batch on the safe side.
     */
    private final AtomicLong queuedBytes = new AtomicLong();
    private static final long RELEASE_BATCH_BYTES = 1 << 20;
    /** Every camera this root has written for; added to by producers' {@link #stateOf}, iterated by the writer. */
    private final Map<String, CameraState> cameras = new ConcurrentHashMap<>();
    private final List<SegmentWriter> sealing = new ArrayList<>();
    /** Sealed segments whose directory fsync failed: not indexed or closed yet, retried by the next commit. */
    private final List<SegmentWriter> unnamedSealed = new ArrayList<>();
    /** Staging buffers of closed segments, reused by new ones (writer thread only). */
    private final ArrayDeque<ByteBuffer> stagingPool = new ArrayDeque<>();
    private final Thread thread;
    /** Runs the fsyncs of a group commit side by side; the writer thread waits for all before the index batch. */
    private final ExecutorService fsyncPool;
    private volatile boolean stopping;

    RootWriter(DataRoot root, SegmentIndex index, SegmentFileIo io, StoreConfig config, StorageMetrics metrics,
               Set<String> openSegments, AuditLog audit, CoverageIndex coverage) {
        this.coverage = coverage;
        this.root = root;
        this.index = index;
        this.io = io;
        this.metrics = metrics;
        this.openSegments = openSegments;
        this.audit = audit;
        this.maxSegmentMs = config.segmentMaxSeconds() * 1000L;
        this.maxSegmentBytes = config.segmentMaxBytes();
        this.hardMaxSegmentBytes = Math.min(Integer.MAX_VALUE - (long) FrameRecordCodec.MAX_PAYLOAD,
                config.segmentMaxBytes() * 2);
        this.fsyncMs = config.fsyncMs();
        this.queueLimitBytes = config.writerQueueBytes();
        this.thread = new Thread(this, "nvr-storage-writer-" + root.path.getFileName());
        thread.setDaemon(true);
        inbox.consumer(thread);
        metrics.queue(this::queuedBytes);
        AtomicInteger fsyncThreads = new AtomicInteger();
        this.fsyncPool = Executors.newFixedThreadPool(FSYNC_THREADS, r -> {
            Thread t = new Thread(r, "nvr-storage-fsync-" + root.path.getFileName() + "-" + fsyncThreads.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    static String segmentKey(String camera, long startMs) {
        return camera + "|" + startMs;
    }

    void start() {
        thread.start();
    }

    /** The writer-thread state of a camera, created on first use; a camera writer keeps it for all its frames. */
    CameraState stateOf(String camera) {
        return cameras.computeIfAbsent(camera, CameraState::new);
    }

    /** Bytes of frames queued and not yet taken by the writer (up to one release batch more): the queue gauge. */
    long queuedBytes() {
        return queuedBytes.get();
    }

    private void enqueue(Object item) {
        inbox.offer(item);
    }

    /** Queues a frame unless the byte bound would be exceeded. Never blocks. */
    boolean offer(QueuedFrame f) {
        long len = f.payload().length + FrameRecordCodec.HEADER_BYTES;
        if (stopping || queuedBytes.addAndGet(len) > queueLimitBytes) {
            if (!stopping) {
                queuedBytes.addAndGet(-len);
            }
            return false;
        }
        enqueue(f);
        return true;
    }

    /** Completes once everything queued before it is fsynced and indexed. */
    CompletableFuture<Void> flush() {
        CompletableFuture<Void> f = new CompletableFuture<>();
        if (stopping || !thread.isAlive()) {
            f.completeExceptionally(new IOException("store is closed"));
        } else {
            enqueue(new Barrier(f));
        }
        return f;
    }

    /** Drains the queue, seals every open segment, commits, and ends the thread. */
    void stop() throws InterruptedException {
        stopping = true;
        enqueue(STOP);
        try {
            thread.join();
        } finally {
            fsyncPool.shutdown();
        }
    }

    @Override
    public void run() {
        long nextCommit = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(fsyncMs);
        boolean busy = false; // an item arrived since the last nap
        long taken = 0; // bytes of frames taken since the last release to queuedBytes
        while (true) {
            Object item = inbox.poll();
            long wait = nextCommit - System.nanoTime();
            if (item == null && taken > 0) {
                queuedBytes.addAndGet(-taken); // caught up: give producers the room before napping
                taken = 0;
            }
            if (item != null) {
                busy = true;
            } else if (wait > 0 && busy) {
                // Frames are flowing: nap instead of blocking, so producers (ingest event loops) do not pay a thread
                // wake-up per frame; what arrives meanwhile is drained in one go. Adds at most IDLE_NAP_NANOS to a write.
                busy = false;
                nap(Math.min(wait, IDLE_NAP_NANOS));
                item = Thread.interrupted() ? STOP : null;
                if (item == null) {
                    continue;
                }
            } else if (wait > 0) {
                // Nothing came during a whole nap: sleep until the next frame or commit, costing nothing while idle.
                inbox.sleep(wait);
                item = Thread.interrupted() ? STOP : inbox.poll();
                busy = item != null;
            }
            try {
                if (item instanceof QueuedFrame f) {
                    taken += f.payload().length + FrameRecordCodec.HEADER_BYTES;
                    if (taken >= RELEASE_BATCH_BYTES) {
                        queuedBytes.addAndGet(-taken);
                        taken = 0;
                    }
                    handle(f);
                } else if (item instanceof Barrier b) {
                    commit();
                    b.done().complete(null);
                } else if (item == STOP) {
                    for (CameraState cs : cameras.values()) {
                        seal(cs);
                    }
                    commit();
                    failPendingBarriers();
                    return;
                }
                if (System.nanoTime() - nextCommit >= 0 || sealing.size() >= MAX_SEALED_PENDING) {
                    commit();
                    nextCommit = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(fsyncMs);
                }
            } catch (RuntimeException | Error e) { // a bug, or e.g. out of file descriptors, must not end recording
                metrics.writeErrors.increment();
                try {
                    LOG.log(System.Logger.Level.ERROR, "storage writer for " + root.path + " hit an unexpected error", e);
                } catch (RuntimeException | Error logFailed) {
                    // logging itself can fail the same way (it opens files too); the counter above still shows it
                }
                if (item instanceof Barrier b) {
                    b.done().completeExceptionally(e);
                }
            }
        }
    }

    /** Parks for the whole of {@code nanos}: a stale permit (an unpark that came after a wake-up) does not cut it short. */
    private static void nap(long nanos) {
        long end = System.nanoTime() + nanos;
        for (long left = nanos; left > 0 && !Thread.currentThread().isInterrupted(); left = end - System.nanoTime()) {
            LockSupport.parkNanos(left);
        }
    }

    private void failPendingBarriers() {
        for (Object o; (o = inbox.poll()) != null; ) {
            if (o instanceof Barrier b) {
                b.done().completeExceptionally(new IOException("store is closed"));
            }
        }
    }

    private void handle(QueuedFrame f) {
        CameraState cs = f.state();
        cs.lastArrivalNanos = System.nanoTime();
        if (FrameRecord.isAudio(f.streamType())) {
            handleAudio(cs, f);
            return;
        }
        long ts = f.timeMs();
        if (cs.lastMs != Long.MIN_VALUE && ts < cs.lastMs) {
            ts = cs.lastMs; // keeps records in time order inside a segment
            metrics.clampedTimes.increment();
        }
        long recordBytes = FrameRecordCodec.HEADER_BYTES + (long) f.payload().length;
        SegmentWriter seg = cs.segment;
        if (seg != null) {
            boolean discontinuity = ts - cs.lastMs > Store.GAP_MS;
            boolean due = ts - seg.startMs >= maxSegmentMs || seg.writtenBytes() + recordBytes > maxSegmentBytes;
            if (discontinuity || (f.keyframe() && due) || seg.writtenBytes() + recordBytes > hardMaxSegmentBytes) {
                seal(cs);
                seg = null;
            }
        }
        cs.lastMs = ts;
        if (seg == null) {
            if (!f.keyframe()) {
                metrics.dropped(f.camera(), "no-keyframe");
                return;
            }
            if (System.nanoTime() - cs.retryAfterNanos < 0) {
                metrics.dropped(f.camera(), "disk");
                return;
            }
            String intended = segmentKey(f.camera(), ts);
            openSegments.add(intended); // before the file exists, so verify never sees it as a stray
            try {
                seg = SegmentWriter.create(root, io, f.camera(), ts, metrics, stagingPool);
            } catch (IOException e) {
                openSegments.remove(intended);
                onWriteError(cs, null, f.camera(), e);
                metrics.dropped(f.camera(), "disk");
                return;
            }
            openSegments.add(segmentKey(seg.camera, seg.startMs));
            if (seg.startMs != ts) {
                openSegments.remove(intended);
            }
            cs.segment = seg;
            metrics.segmentsCreated.increment();
            metrics.openSegments.incrementAndGet();
        }
        try {
            seg.append(ts, f.keyframe(), f.streamType(), f.payload()); // counted as written once in the file
        } catch (IOException e) {
            onWriteError(cs, seg, f.camera(), e);
            metrics.dropped(f.camera(), "disk");
        }
    }

    /**
     * Audio joins the segment video opened: it never opens, cuts or seals one, and its times never move the video
     * timeline (a camera whose audio runs ahead of its video must not shift or hide video frames). Its own times are
     * kept in order; audio more than {@link Store#GAP_MS} away from the last video frame is dropped, not mistimed.
     */
    private void handleAudio(CameraState cs, QueuedFrame f) {
        SegmentWriter seg = cs.segment;
        long ts = Math.max(f.timeMs(), cs.lastAudioMs);
        long recordBytes = FrameRecordCodec.HEADER_BYTES + (long) f.payload().length;
        if (seg == null || seg.writtenBytes() + recordBytes > hardMaxSegmentBytes) {
            return; // before the first keyframe (or at a full segment's end): the video decides where segments are
        }
        if (Math.abs(ts - cs.lastMs) > Store.GAP_MS) {
            metrics.dropped(f.camera(), "audio-out-of-sync");
            return;
        }
        cs.lastAudioMs = ts;
        try {
            seg.append(ts, false, f.streamType(), f.payload());
        } catch (IOException e) {
            onWriteError(cs, seg, f.camera(), e);
            metrics.dropped(f.camera(), "disk");
        }
    }

    static boolean isNoSpace(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            String m = t.getMessage();
            if (m != null && (m.contains("No space left") || m.contains("ENOSPC") || m.contains("Disk quota"))) {
                return true;
            }
        }
        return false;
    }

    /** Closes the segment cleanly at its last good record; the camera resumes at a keyframe after a pause. */
    private void onWriteError(CameraState cs, SegmentWriter seg, String camera, IOException e) {
        boolean full = isNoSpace(e);
        (full ? metrics.diskFullErrors : metrics.writeErrors).increment();
        LOG.log(System.Logger.Level.ERROR, (full ? "disk full" : "write failed") + " on data root " + root.path
                + " recording camera " + camera + ": " + e.getMessage() + "; its segment was closed at the last "
                + "good frame and recording resumes at the next keyframe once the write succeeds"
                + (full ? " (free space or let retention delete old footage)" : ""));
        if (seg != null) {
            seg.recoverAfterError();
            seal(cs);
        }
        cs.retryAfterNanos = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(DISK_RETRY_MS);
    }

    /** Ends the camera's segment: its staged records go to the file now and its staging buffer back to the pool. */
    private void seal(CameraState cs) {
        SegmentWriter s = cs.segment;
        if (s != null) {
            cs.segment = null;
            try {
                s.writeStaged();
            } catch (IOException e) {
                (isNoSpace(e) ? metrics.diskFullErrors : metrics.writeErrors).increment();
                s.recoverAfterError(); // the staged records are dropped and counted; the synced prefix stays
            }
            s.releaseStaging();
            sealing.add(s);
        }
    }

    /**
     * Group commit: fsync the data of every file with new records and the directory of every new file, then one
     * synced index batch naming them, then close the sealed files.
     */
    private void commit() {
        // Split into steps of one loop each: this runs every fsync-ms over every camera, so C2 compiles it (and OSR
        // variants of its loops) early; as one 170-line method each C2 compile took 2.7-2.8 s of a compiler thread
        // at 256 cameras (JFR, the largest JIT item inside the benchmark window after the first segment roll).
        sealing.addAll(unnamedSealed);
        unnamedSealed.clear();
        GroupCommit c = new GroupCommit(collectOpen());
        c.startSyncs();
        c.awaitDataSyncs();
        c.awaitDirSyncs();
        c.holdBackUnlinked();
        if (c.auditSync != null) {
            await(c.auditSync);
        }
        List<SegmentWriter> emptySealed = new ArrayList<>();
        if (!writeIndex(c.open, emptySealed)) {
            return;
        }
        afterIndex(c.open);
        closeSealed();
        removeEmpty(emptySealed);
        sealing.clear();
    }

    /** Seals idle cameras' segments; returns the open segments with something to sync or index. */
    private List<SegmentWriter> collectOpen() {
        List<SegmentWriter> open = new ArrayList<>();
        long now = System.nanoTime();
        for (CameraState cs : cameras.values()) {
            if (cs.segment != null && now - cs.lastArrivalNanos > IDLE_SEAL_NANOS) {
                seal(cs); // camera stopped sending: close its file so retention can delete it later
            }
            SegmentWriter s = cs.segment;
            if (s != null && (s.hasUnsynced() || s.indexStale)) {
                open.add(s);
            }
        }
        return open;
    }

    /** The fsync part of one group commit: what was issued, what failed. */
    private final class GroupCommit {
        final List<SegmentWriter> open;
        final Map<SegmentWriter, Future<IOException>> dataSyncs = new IdentityHashMap<>();
        final Map<SegmentWriter, IOException> writeFailures = new IdentityHashMap<>();
        final Map<Path, Future<IOException>> dirSyncs = new HashMap<>();
        final Set<SegmentWriter> failed = Collections.newSetFromMap(new IdentityHashMap<>());
        final Set<Path> failedDirs = new HashSet<>();
        Set<Path> newDirParents;
        Future<IOException> auditSync;

        GroupCommit(List<SegmentWriter> open) {
            this.open = open;
        }

        /**
         * Issues every fsync at once from {@link #fsyncPool}: the file system folds concurrent fsyncs into few journal
         * commits, where one after another each waits for its own (64 cameras: 64 journal commits per group commit).
         */
        void startSyncs() {
            newDirParents = root.unsyncedDirs(); // new camera/day directories: a file under them needs these
            for (Path d : newDirParents) {
                dirSyncs.put(d, fsyncPool.submit(() -> fsyncDir(d)));
            }
            startSyncs(open);
            startSyncs(sealing);
            auditSync = audit == null ? null : fsyncPool.submit(() -> {
                audit.sync(); // logs its own failure: the audit log never holds up recording
                return null;
            });
        }

        private void startSyncs(List<SegmentWriter> list) {
            for (SegmentWriter s : list) {
                if (s.hasUnsynced()) {
                    try {
                        s.writeStaged();
                        dataSyncs.put(s, fsyncPool.submit(() -> timedForce(s)));
                    } catch (IOException ex) {
                        writeFailures.put(s, ex);
                    }
                }
                if (!s.dirSynced) {
                    dirSyncs.computeIfAbsent(s.file.getParent(), d -> fsyncPool.submit(() -> fsyncDir(d)));
                }
            }
        }

        void awaitDataSyncs() {
            for (SegmentWriter s : List.copyOf(open)) {
                Future<IOException> sync = dataSyncs.get(s);
                IOException ex = sync == null ? writeFailures.get(s) : await(sync);
                if (ex == null) {
                    if (sync != null) {
                        s.markSynced();
                    }
                } else {
                    open.remove(s);
                    failed.add(s);
                    onWriteError(cameras.get(s.camera), s, s.camera, ex); // seals it: indexed below with what is durable
                }
            }
            for (SegmentWriter s : sealing) {
                Future<IOException> sync = dataSyncs.get(s);
                IOException ex = sync == null ? writeFailures.get(s) : await(sync);
                if (ex == null) {
                    if (sync != null) {
                        s.markSynced();
                    }
                } else if (!failed.contains(s)) {
                    (isNoSpace(ex) ? metrics.diskFullErrors : metrics.writeErrors).increment();
                    s.recoverAfterError();
                }
            }
        }

        void awaitDirSyncs() {
            for (Map.Entry<Path, Future<IOException>> d : dirSyncs.entrySet()) {
                IOException ex = await(d.getValue());
                if (ex == null) {
                    root.dirSynced(d.getKey());
                } else {
                    failedDirs.add(d.getKey());
                    metrics.writeErrors.increment();
                    LOG.log(System.Logger.Level.ERROR, "fsync of directory " + d.getKey() + " failed: " + ex.getMessage()
                            + "; new segments are indexed at a later group commit once it succeeds");
                }
            }
        }

        /** A segment whose directory entry is not durable yet is not named by the index yet. */
        void holdBackUnlinked() {
            boolean parentsDurable = Collections.disjoint(failedDirs, newDirParents);
            List<SegmentWriter> unlinked = new ArrayList<>();
            unlinked(open, parentsDurable, unlinked);
            unlinked(sealing, parentsDurable, unlinked);
            open.removeAll(unlinked);
            for (SegmentWriter s : unlinked) {
                if (sealing.remove(s)) {
                    unnamedSealed.add(s); // retried at the next commit, never closed unnamed
                }
            }
        }

        private void unlinked(List<SegmentWriter> list, boolean parentsDurable, List<SegmentWriter> unlinked) {
            for (SegmentWriter s : list) {
                if (!s.dirSynced) {
                    if (parentsDurable && !failedDirs.contains(s.file.getParent())) {
                        s.dirSynced = true;
                    } else {
                        unlinked.add(s);
                    }
                }
            }
        }
    }

    /** One synced index batch naming what is durable now; false when it failed (retried at the next commit). */
    private boolean writeIndex(List<SegmentWriter> open, List<SegmentWriter> emptySealed) {
        try (SegmentIndex.Batch b = index.batch()) {
            for (SegmentWriter s : open) {
                b.putSegment(s.camera, s.startMs, s.entry(IndexEntry.State.OPEN));
                b.addUsage(root.uuid, s.syncedBytes() - s.indexedBytes);
                if (!s.indexed) {
                    b.putMeta(SegmentIndex.openMarker(s.camera, s.startMs), new byte[0]);
                }
            }
            for (SegmentWriter s : sealing) {
                if (s.syncedFrames() == 0) {
                    emptySealed.add(s);
                    if (s.indexed) {
                        b.deleteSegment(s.camera, s.startMs);
                        b.addUsage(root.uuid, -s.indexedBytes);
                    }
                } else {
                    b.putSegment(s.camera, s.startMs, s.entry(IndexEntry.State.SEALED));
                    b.addUsage(root.uuid, s.syncedBytes() - s.indexedBytes);
                }
                if (s.indexed) {
                    b.deleteMeta(SegmentIndex.openMarker(s.camera, s.startMs));
                }
            }
            if (b.count() > 0) {
                long t0 = System.nanoTime();
                index.write(b, true);
                metrics.indexCommit.record(System.nanoTime() - t0, TimeUnit.NANOSECONDS);
            }
            return true;
        } catch (IOException e) {
            metrics.writeErrors.increment();
            LOG.log(System.Logger.Level.ERROR, "index commit for data root " + root.path + " failed: "
                    + e.getMessage() + "; retrying at the next group commit");
            return false;
        }
    }

    private void afterIndex(List<SegmentWriter> open) {
        for (SegmentWriter s : open) {
            account(s);
            s.indexed = true;
            s.indexStale = false;
        }
        long wallNow = System.currentTimeMillis();
        for (SegmentWriter s : open) {
            lateWrite(s, wallNow);
        }
    }

    /** Sealed segments are indexed: close their files. */
    private void closeSealed() {
        long wallNow = System.currentTimeMillis();
        for (SegmentWriter s : sealing) {
            lateWrite(s, wallNow);
            if (s.syncedFrames() == 0) { // removed below, never indexed again
                root.segmentBytes.addAndGet(-s.indexedBytes);
                s.indexedBytes = 0;
            } else {
                account(s);
            }
            s.close();
            openSegments.remove(segmentKey(s.camera, s.startMs));
            metrics.openSegments.decrementAndGet();
        }
    }

    private static void removeEmpty(List<SegmentWriter> emptySealed) {
        for (SegmentWriter s : emptySealed) {
            try {
                Files.deleteIfExists(s.file);
                DataRoot.fsyncDir(s.file.getParent());
            } catch (IOException e) {
                LOG.log(System.Logger.Level.WARNING, "could not remove empty segment " + s.file + ": "
                        + e.getMessage() + " (recovery removes it at the next start)");
            }
        }
    }

    /** Waits for an fsync task, never giving up on an interrupt (the index must not run ahead of the data). */
    private static IOException await(Future<IOException> f) {
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return f.get();
                } catch (InterruptedException e) {
                    interrupted = true;
                } catch (ExecutionException e) {
                    return e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private IOException timedForce(SegmentWriter s) {
        long t0 = System.nanoTime();
        try {
            s.forceData();
        } catch (IOException e) {
            return e;
        }
        metrics.fsync.record(System.nanoTime() - t0, TimeUnit.NANOSECONDS);
        return null;
    }

    private static IOException fsyncDir(Path dir) {
        try {
            DataRoot.fsyncDir(dir);
            return null;
        } catch (IOException e) {
            return e;
        }
    }

    /** A write into a day that coverage may have summarized already (clock jumped back): drop the summary. */
    private void lateWrite(SegmentWriter s, long nowMs) {
        if (coverage.isClosed(CoverageIndex.dayOf(s.startMs), nowMs)) {
            try {
                coverage.invalidate(s.camera, s.startMs);
            } catch (IOException e) {
                LOG.log(System.Logger.Level.WARNING, "could not drop the coverage summary of " + s.camera
                        + " for the day of " + s.startMs + ": " + e.getMessage());
            }
        }
    }

    private void account(SegmentWriter s) {
        long delta = s.syncedBytes() - s.indexedBytes;
        root.segmentBytes.addAndGet(delta);
        s.indexedBytes = s.syncedBytes();
    }
}
