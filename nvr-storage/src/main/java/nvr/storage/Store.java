package nvr.storage;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.function.Predicate;
import nvr.storage.audit.AuditEvent;

/**
 * Entry point of the storage engine: segment files on one or more data roots, indexed in one RocksDB
 * instance on the first root (see package-info for the formats). Thread-safe. Writes never block callers;
 * reads see what the last group commit made durable.
 */
public final class Store implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(Store.class.getName());
    /** Frames further apart than this are a recording gap (coverage, cursor gapBefore, segment cut). */
    public static final long GAP_MS = 2000;

    final StorageMetrics metrics;
    private final StoreConfig config;
    private final List<DataRoot> roots;
    private final Map<UUID, DataRoot> rootsById = new HashMap<>();
    private final SegmentIndex index;
    private final CoverageIndex coverageIndex;
    private final AuditLog auditLog;
    private final List<RootWriter> rootWriters = new ArrayList<>();
    private final Map<String, QueuedCameraWriter> writers = new ConcurrentHashMap<>();
    /** Keys (camera|start) of segments a writer still owns; they are never deleted. */
    private final OpenSegmentSet openSegments = new OpenSegmentSet();
    private final List<VerifyReport.Problem> recoveryProblems;
    private volatile Predicate<String> writeGate = c -> true;
    private volatile boolean closed;
    /** Created on first deletion. */
    private volatile SegmentDeleter deleter;
    /** Frees deleted files' blocks in the background: created with the deleter, or at open when trash is left. */
    private TrashReaper reaper;
    /** Indexes the footage on the roots a new index does not list; null when there is none. */
    private Reindexer reindexer;

    private Store(StoreConfig config, StorageMetrics metrics, List<DataRoot> roots, SegmentIndex index,
                  AuditLog auditLog, SegmentFileIo io) throws IOException {
        this.config = config;
        this.metrics = metrics;
        this.roots = roots;
        this.index = index;
        this.auditLog = auditLog;
        this.coverageIndex = new CoverageIndex(index, config.segmentMaxSeconds() * 1000L);
        for (DataRoot r : roots) {
            rootsById.put(r.uuid, r);
        }
        // an index that lost its entries (new: the first root was replaced; or still re-indexing after a restart)
        boolean reindex = index.metaScan("root|").isEmpty() || index.metaGet(Reindexer.PENDING) != null;
        checkRootIdentity();
        this.recoveryProblems = List.copyOf(new Recovery(index, rootsById, roots).run(!reindex));
        loadUsage();
        metrics.reclaiming(() -> {
            long sum = 0;
            for (DataRoot r : roots) {
                sum += r.trash.pendingBytes.get();
            }
            return sum;
        });
        for (DataRoot r : roots) {
            for (Path left : r.trash.leftovers()) { // after recovery: it may have moved files back out of the trash
                reaper().submit(r.trash, left, SegmentTrash.measure(left));
            }
        }
        for (int i = 0; i < roots.size(); i++) {
            rootWriters.add(new RootWriter(roots.get(i), index, io, config, metrics, openSegments,
                    i == 0 ? auditLog : null, coverageIndex));
        }
        rootWriters.forEach(RootWriter::start);
        if (reindex && Reindexer.needed(roots)) {
            reindexer = new Reindexer(index, rootsById, roots, openSegments);
            reindexer.start();
        }
    }

    /**
     * Waits until footage the index did not list at open (every root's files, for a new index, see
     * {@link Reindexer}) is indexed; true at once when there was none.
     */
    public boolean awaitReindexed(long timeoutMs) throws InterruptedException {
        Reindexer r = reindexer;
        return r == null || (r.await(timeoutMs) && r.complete());
    }

    /**
     * True until footage a new index did not list is all indexed (also after that failed: the index misses some
     * of the oldest days until a restart finishes it).
     */
    public boolean reindexing() {
        Reindexer r = reindexer;
        return r != null && !r.complete();
    }

    /**
     * Per-root usage comes from counters kept in the index (updated in the same batches as the entries), so
     * opening a store never scans every entry; a root without a counter is counted once and gets one.
     */
    private void loadUsage() throws IOException {
        boolean missing = false;
        for (DataRoot r : roots) {
            long u = index.usage(r.uuid);
            missing |= u < 0;
            r.segmentBytes.set(Math.max(0, u));
        }
        if (!missing) {
            return;
        }
        Map<UUID, long[]> sums = new HashMap<>();
        index.forEach(s -> sums.computeIfAbsent(s.entry().root(), k -> new long[1])[0] += s.entry().bytes());
        try (SegmentIndex.Batch b = index.batch()) {
            for (DataRoot r : roots) {
                if (index.usage(r.uuid) < 0) {
                    long sum = sums.getOrDefault(r.uuid, new long[1])[0];
                    b.putMeta("usage|" + r.uuid, java.nio.ByteBuffer.allocate(8)
                            .order(java.nio.ByteOrder.LITTLE_ENDIAN).putLong(sum).array());
                    r.segmentBytes.set(sum);
                }
            }
            index.write(b, true);
        }
    }

    public static Store open(StoreConfig config, MeterRegistry meters) throws IOException {
        return open(config, meters, SegmentFileIo.DEFAULT);
    }

    /** Opens with a given way to create segment files (tests inject disk-full failures through it). */
    static Store open(StoreConfig config, MeterRegistry meters, SegmentFileIo io) throws IOException {
        validate(config);
        List<DataRoot> roots = new ArrayList<>();
        SegmentIndex index = null;
        AuditLog audit = null;
        try {
            for (Path p : config.roots()) {
                roots.add(DataRoot.open(p));
            }
            index = SegmentIndex.open(roots.get(0).path.resolve("index"));
            audit = new AuditLog(roots.get(0).path.resolve("audit"));
            return new Store(config, new StorageMetrics(meters == null ? new SimpleMeterRegistry() : meters),
                    roots, index, audit, io);
        } catch (IOException | RuntimeException e) {
            if (audit != null) {
                audit.close();
            }
            if (index != null) {
                index.close();
            }
            for (DataRoot r : roots) {
                r.close();
            }
            throw e;
        }
    }

    private static void validate(StoreConfig c) {
        if (c.roots() == null || c.roots().isEmpty()) {
            throw new IllegalArgumentException("storage.roots is empty; configure at least one data root");
        }
        if (c.segmentMaxSeconds() < 1 || c.segmentMaxSeconds() > 3600) {
            throw new IllegalArgumentException("segment-max-seconds must be 1..3600, got " + c.segmentMaxSeconds());
        }
        if (c.segmentMaxBytes() < (1 << 16) || c.segmentMaxBytes() > (1L << 30)) {
            throw new IllegalArgumentException("segment-max-bytes must be 64 KiB..1 GiB, got " + c.segmentMaxBytes());
        }
        if (c.fsyncMs() < 1 || c.fsyncMs() > 60_000) {
            throw new IllegalArgumentException("fsync-ms must be 1..60000, got " + c.fsyncMs());
        }
        if (c.writerQueueBytes() < (1 << 20)) {
            throw new IllegalArgumentException("writer queue must be at least 1 MiB, got " + c.writerQueueBytes());
        }
    }

    /** Every configured root must be one this index knows (or a fresh one): catches a wrongly mounted disk. */
    private void checkRootIdentity() throws IOException {
        Map<String, byte[]> known = index.metaScan("root|");
        try (SegmentIndex.Batch b = index.batch()) {
            for (DataRoot r : roots) {
                String k = "root|" + r.uuid;
                if (!known.containsKey(k)) {
                    if (!known.isEmpty() && hasSegments(r)) {
                        throw new IOException("data root " + r.path + " (uuid " + r.uuid + ") holds segments but "
                                + "is not a root of the index at " + roots.get(0).path.resolve("index")
                                + "; is the right disk mounted there?");
                    }
                    b.putMeta(k, SegmentIndex.bytes(r.path.toString()));
                }
            }
            if (b.count() > 0) {
                index.write(b, true);
            }
        }
        Set<String> configured = new TreeSet<>();
        roots.forEach(r -> configured.add("root|" + r.uuid));
        for (String k : known.keySet()) {
            if (!configured.contains(k)) {
                LOG.log(System.Logger.Level.WARNING, "the index names data root " + k.substring(5) + " (last at "
                        + new String(known.get(k), java.nio.charset.StandardCharsets.UTF_8)
                        + ") which is not configured; its footage is unavailable until it is mounted again");
            }
        }
    }

    private static boolean hasSegments(DataRoot r) throws IOException {
        if (!Files.isDirectory(r.segmentsDir())) {
            return false;
        }
        try (var s = Files.list(r.segmentsDir())) {
            return s.findAny().isPresent();
        }
    }

    boolean isClosed() {
        return closed;
    }

    boolean gateAccepts(String camera) {
        return writeGate.test(camera);
    }

    /**
     * Sets which cameras may record (e.g. retention's "protect" policy refuses new footage when old footage
     * must be kept); refused frames are counted as dropped with reason "gate". Default: all.
     */
    public void setWriteGate(Predicate<String> acceptsCamera) {
        this.writeGate = acceptsCamera == null ? c -> true : acceptsCamera;
    }

    /** The file a segment entry names (under a placeholder path when its root is not configured). */
    Path fileOf(SegmentIndex.Segment s) {
        DataRoot r = rootsById.get(s.entry().root());
        if (r == null) {
            return Path.of("/nonexistent-root-" + s.entry().root()).resolve(s.camera()).resolve(s.startMs() + ".seg");
        }
        return r.segmentFile(s.camera(), s.startMs());
    }

    SegmentInfo info(SegmentIndex.Segment s) {
        IndexEntry e = s.entry();
        return new SegmentInfo(s.camera(), s.startMs(), e.endMs(), fileOf(s), e.bytes(), e.frames(), e.streamType());
    }

    /** The writer for a camera, created on first use. Camera ids are 1-64 chars of [A-Za-z0-9_.-]. */
    public CameraWriter writer(String cameraId) {
        if (!DataRoot.validCameraId(cameraId)) {
            throw new IllegalArgumentException("camera id '" + cameraId + "' is not 1-64 characters of A-Z a-z 0-9 _ . -");
        }
        return writers.computeIfAbsent(cameraId, c -> new QueuedCameraWriter(c, rootFor(c), this));
    }

    /** A camera keeps recording on the root of its newest segment; a new camera goes to the emptiest root. */
    private RootWriter rootFor(String camera) {
        SegmentIndex.Segment last = index.floor(camera, Long.MAX_VALUE);
        if (last != null) {
            for (RootWriter w : rootWriters) {
                if (w.root.uuid.equals(last.entry().root())) {
                    return w;
                }
            }
        }
        RootWriter best = null;
        long bestFree = -1;
        long bestCameras = Long.MAX_VALUE;
        for (RootWriter w : rootWriters) { // most free space; on a tie (same file system) fewest cameras
            long free = w.root.path.toFile().getUsableSpace();
            long cams = writers.values().stream().filter(q -> q.root() == w).count();
            if (free > bestFree || (free == bestFree && cams < bestCameras)) {
                best = w;
                bestFree = free;
                bestCameras = cams;
            }
        }
        return best;
    }

    /**
     * Frames of a camera from the last keyframe at or before fromMs up to (excluding) toMs. Never throws on
     * corrupt data: unreadable parts are skipped and show as gaps.
     */
    public FrameCursor openCursor(String cameraId, long fromMs, long toMs) throws IOException {
        ensureOpen();
        return new StoreCursor(this, index, cameraId, fromMs, toMs);
    }

    /**
     * As {@link #openCursor(String, long, long)}, also returning the stored audio records (stream_type audio, see
     * {@link FrameRecord#isAudio(int)}) interleaved with the video in time order.
     */
    public FrameCursor openCursorWithAudio(String cameraId, long fromMs, long toMs) throws IOException {
        ensureOpen();
        return new StoreCursor(this, index, cameraId, fromMs, toMs).includeAudio();
    }

    /**
     * As {@link #openCursor(String, long, long)}, for a bulk sequential read (a download): sealed segments are
     * read through read-only mappings (no copy out of the page cache) and paged in ahead of the cursor on
     * {@code readAhead}, so the disk works while the caller processes frames. Slices stay valid only until the
     * cursor's next call; close the cursor (it releases the mappings) when done, also when stopping early.
     */
    public FrameCursor openCursor(String cameraId, long fromMs, long toMs, java.util.concurrent.Executor readAhead)
            throws IOException {
        ensureOpen();
        return openCursor(cameraId, fromMs, toMs, readAhead, SequentialReadAhead.CHUNK, SequentialReadAhead.AHEAD);
    }

    /**
     * As {@link #openCursor(String, long, long, java.util.concurrent.Executor)} (a bulk read: mapped segments paged in
     * ahead), also returning the stored audio records as {@link #openCursorWithAudio(String, long, long)} does.
     */
    public FrameCursor openCursorWithAudio(String cameraId, long fromMs, long toMs, java.util.concurrent.Executor readAhead)
            throws IOException {
        ensureOpen();
        return new StoreCursor(this, index, cameraId, fromMs, toMs, readAhead, SequentialReadAhead.CHUNK,
            SequentialReadAhead.AHEAD).includeAudio();
    }

    /** As above with the read-ahead's chunk and distance given (tests use small ones). */
    FrameCursor openCursor(String cameraId, long fromMs, long toMs, java.util.concurrent.Executor readAhead, int chunkBytes,
                           long aheadBytes) throws IOException {
        ensureOpen();
        return new StoreCursor(this, index, cameraId, fromMs, toMs, readAhead, chunkBytes, aheadBytes);
    }

    /**
     * Recorded spans of a camera in [fromMs, toMs), clipped to it, and the gaps between them. Segments closer
     * than {@link #GAP_MS} join into one span; a span ends 1 ms after its last frame so [start, end) holds every
     * frame. Span bytes/frames count whole segments that overlap the interval.
     */
    public Coverage coverage(String cameraId, long fromMs, long toMs) {
        ensureOpenUnchecked();
        try {
            return coverageIndex.coverage(cameraId, fromMs, toMs);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("coverage query failed: " + e.getMessage(), e);
        }
    }

    /** Segments overlapping [fromMs, toMs), oldest first. */
    public List<SegmentInfo> segments(String cameraId, long fromMs, long toMs) {
        ensureOpenUnchecked();
        List<SegmentInfo> out = new ArrayList<>();
        index.scan(cameraId, fromMs, toMs, false, s -> out.add(info(s)));
        return out;
    }

    /**
     * Where reading camera at timeMs starts: the segment covering timeMs (seekForPrev on the index) and the
     * offset of its last keyframe at or before timeMs (from the entry's keyframe table, no file read).
     * Null when no segment covers timeMs.
     */
    public FramePosition locate(String cameraId, long timeMs) {
        ensureOpenUnchecked();
        SegmentIndex.Segment s = index.floor(cameraId, timeMs);
        if (s == null || s.entry().endMs() < timeMs || s.entry().state() == IndexEntry.State.GARBAGE) {
            return null;
        }
        IndexEntry e = s.entry();
        int k = e.keyframeIndexAtOrBefore(s.startMs(), timeMs);
        long offset = k < 0 ? SegmentReader.FILE_HEADER_BYTES : e.keyframeOffsets()[k];
        long kfMs = k < 0 ? s.startMs() : s.startMs() + e.keyframeDeltas()[k];
        return new FramePosition(info(s), offset, kfMs);
    }

    /** True while a writer owns the segment (it cannot be deleted yet). */
    public boolean isOpenSegment(SegmentInfo segment) {
        return openSegments.contains(RootWriter.segmentKey(segment.camera(), segment.startMs()));
    }

    /** True while a writer owns a segment of the camera starting at startMs. */
    public boolean isOpenSegment(String camera, long startMs) {
        return openSegments.contains(RootWriter.segmentKey(camera, startMs));
    }

    /** True while a writer owns a segment of the camera starting in [fromStartMs, toStartMs]. */
    public boolean anyOpenSegment(String camera, long fromStartMs, long toStartMs) {
        return openSegments.anyOpenWithin(camera, fromStartMs, toStartMs);
    }

    /** Every camera that has at least one segment, or is registered in the cameras table. */
    public List<String> cameraIds() {
        ensureOpenUnchecked();
        TreeSet<String> ids = new TreeSet<>(index.cameras());
        ids.addAll(table("cameras").scan("").keySet());
        return new ArrayList<>(ids);
    }

    /**
     * Deletes a whole segment: record the deletion in the index, move the file to the trash, fsync, drop the entry
     * (the protocol of {@link #deleteSegments}). Refuses (IOException) a segment that is still being recorded.
     */
    public void deleteSegment(SegmentInfo segment) throws IOException {
        ensureOpen();
        if (openSegments.contains(RootWriter.segmentKey(segment.camera(), segment.startMs()))) {
            throw new IOException("segment " + segment.file() + " is still being recorded; delete it after it is sealed");
        }
        deleteSegments(List.of(segment));
    }

    /** The deleter, created on first use (a store that never deletes starts no thread). */
    private SegmentDeleter deleter() {
        SegmentDeleter d = deleter;
        if (d == null) {
            synchronized (this) {
                if (deleter == null) {
                    deleter = new SegmentDeleter(index, rootsById, metrics, coverageIndex, openSegments, reaper());
                }
                d = deleter;
            }
        }
        return d;
    }

    /**
     * Deletes many whole segments crash-safely (see {@link SegmentDeleter}): their keys are hidden from every reader
     * and one synced to-do record names them, the files are moved into the root's trash (a whole day directory in
     * one rename where the batch holds all of it) with one fsync per changed directory, one index batch drops them,
     * and a background reaper frees their blocks afterwards; a batch an earlier call left unfinished is finished first. Entries are read with
     * one index iterator per camera over the batch's range instead of one point read each. Segments still being
     * recorded, already gone or being deleted by another call are skipped. Returns the segments it deleted.
     */
    public List<SegmentInfo> deleteSegments(List<SegmentInfo> batch) throws IOException {
        Deletion d = beginDelete(batch);
        d.finish();
        return d.segments();
    }

    /**
     * A deletion whose first step is done: its segments are hidden from every reader and recorded durably (after a
     * crash the next open finishes it). {@link #finish} moves the files to the trash and drops the entries; call it
     * exactly once. Several deletions may be finishing at once (retention overlaps one batch's file work with the
     * next batch's index work).
     */
    public final class Deletion {
        private final SegmentDeleter.Marked marked;
        private List<SegmentInfo> segments;
        private final List<SegmentRun> runs;

        private Deletion(SegmentDeleter.Marked marked, List<SegmentInfo> segments, List<SegmentRun> runs) {
            this.marked = marked;
            this.segments = segments;
            this.runs = runs;
        }

        /**
         * The segments being deleted: the very instances given to {@link #beginDelete}, minus those skipped (for
         * runs: built on first call from the entries {@link SegmentRun#isDeleted}).
         */
        public List<SegmentInfo> segments() {
            if (segments == null) {
                List<SegmentInfo> out = new ArrayList<>();
                for (SegmentRun r : runs) {
                    for (int i = 0; i < r.size; i++) {
                        if (r.isDeleted(i)) {
                            out.add(r.info(i));
                        }
                    }
                }
                segments = out;
            }
            return segments;
        }

        /**
         * Unlinks and drops. On IOException the deletion stays recorded and hidden and is finished by the next
         * deletion (or at the next open).
         */
        public void finish() throws IOException {
            if (marked != null) {
                marked.finish();
            }
        }
    }

    /**
     * The first step of {@link #deleteSegments}: looks the segments up and records their deletion (one synced index
     * write); from its return no reader sees them. The caller must {@link Deletion#finish} the result.
     */
    public Deletion beginDelete(List<SegmentInfo> batch) throws IOException {
        ensureOpen();
        Map<String, List<SegmentInfo>> byCamera = new java.util.LinkedHashMap<>();
        for (SegmentInfo si : batch) {
            byCamera.computeIfAbsent(si.camera(), c -> new ArrayList<>()).add(si);
        }
        Map<String, Set<Long>> open = openStarts(byCamera.keySet());
        List<SegmentInfo[]> wanted = new ArrayList<>();
        for (Map.Entry<String, List<SegmentInfo>> e : byCamera.entrySet()) {
            Set<Long> o = open.getOrDefault(e.getKey(), Set.of());
            List<SegmentInfo> l = e.getValue();
            SegmentInfo[] w = (o.isEmpty() ? l : l.stream().filter(si -> !o.contains(si.startMs())).toList())
                    .toArray(new SegmentInfo[0]);
            if (!sortedByStart(w)) { // retention hands them over oldest first already
                java.util.Arrays.sort(w, java.util.Comparator.comparingLong(SegmentInfo::startMs));
            }
            if (w.length > 0) {
                wanted.add(w);
            }
        }
        List<SegmentInfo> deleted = new ArrayList<>();
        // The lookup runs under the deleter's mark lock: a key another deletion has claimed is hidden, so it is
        // skipped here, and no segment is deleted (and its bytes subtracted) twice.
        SegmentDeleter.Marked m;
        try {
            m = deleter().mark(() -> {
                long t0 = System.nanoTime();
                long sealSeq = openSegments.sequence(); // before the index is read: see SegmentDeleter's drop
                List<SegmentIndex.Segment> found = new ArrayList<>();
                Map<String, long[]> runs = new HashMap<>();
                deleted.clear();
                try {
                    for (SegmentInfo[] w : wanted) {
                        lookUp(w, found, deleted, runs);
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                metrics.deletePhase("lookup").record(System.nanoTime() - t0, java.util.concurrent.TimeUnit.NANOSECONDS);
                return new SegmentDeleter.Found(found, runs, sealSeq);
            });
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        metrics.segmentsDeleted.increment(deleted.size());
        return new Deletion(m, deleted, null);
    }

    /**
     * Up to limit entries of a camera whose start lies in [fromStartMs, toStartMs), oldest first, read in one pass
     * as arrays: retention's bulk candidates, to be {@link SegmentRun#select selected} and passed to
     * {@link #beginDeleteRuns}.
     */
    public SegmentRun segmentRun(String cameraId, long fromStartMs, long toStartMs, int limit) {
        ensureOpenUnchecked();
        // the stamps come before the read (see SegmentRun)
        SegmentRun run = new SegmentRun(cameraId, openSegments.sequence(), index.deleting.dropStamp(), rootsById,
                Math.min(limit, 256));
        index.readRun(run, fromStartMs, toStartMs, limit);
        return run;
    }

    /**
     * {@link #beginDelete(List) beginDelete} for the selected entries of runs read by {@link #segmentRun}: they are
     * claimed as read, without reading the index again, unless their camera changed since the read (a segment
     * sealed, or another deletion dropped keys in the run's range): those are looked up again. Skipped as by the
     * other form: open segments, those another call is deleting, those gone. Afterwards {@link SegmentRun#isDeleted}
     * tells which entries this deletion took.
     */
    public Deletion beginDeleteRuns(List<SegmentRun> runs) throws IOException {
        ensureOpen();
        Map<String, List<SegmentRun>> byCamera = new java.util.LinkedHashMap<>();
        int total = 0;
        for (SegmentRun r : runs) {
            if (r.selectedCount() > 0) {
                byCamera.computeIfAbsent(r.camera, c -> new ArrayList<>()).add(r);
                total += r.selectedCount();
            }
        }
        for (List<SegmentRun> l : byCamera.values()) {
            l.sort(java.util.Comparator.comparingLong(SegmentRun::firstStart)); // found must be in key order
        }
        Map<String, Set<Long>> open = openStarts(byCamera.keySet());
        int expected = total;
        int[] count = {0};
        SegmentDeleter.Marked m;
        try {
            m = deleter().mark(() -> {
                long t0 = System.nanoTime();
                long sealSeq = openSegments.sequence(); // for entries read again here
                List<SegmentIndex.Segment> found = new ArrayList<>(expected);
                Map<String, long[]> ranges = new HashMap<>();
                // what mark needs besides the entries, one pass per camera instead of one per use
                List<String> cameras = new ArrayList<>();
                List<long[]> starts = new ArrayList<>();
                List<long[]> bytes = new ArrayList<>();
                Map<String, long[]> startsByCamera = new HashMap<>();
                Map<String, Set<Long>> days = new java.util.LinkedHashMap<>();
                count[0] = 0;
                try {
                    for (Map.Entry<String, List<SegmentRun>> e : byCamera.entrySet()) {
                        String camera = e.getKey();
                        boolean reread = false;
                        for (SegmentRun r : e.getValue()) {
                            r.deleted = new boolean[r.size];
                            sealSeq = Math.min(sealSeq, r.sealStamp);
                            reread |= openSegments.sealedSince(camera, r.sealStamp)
                                    || index.deleting.droppedSince(camera, r.dropStamp, r.firstStart(), r.lastStart());
                        }
                        Set<Long> o = open.getOrDefault(camera, Set.of());
                        int from = found.size();
                        count[0] += reread ? lookUpAgain(e.getValue(), o, found, ranges)
                                : claimAsRead(e.getValue(), o, found, ranges);
                        int n = found.size() - from;
                        if (n == 0) {
                            continue;
                        }
                        long[] st = new long[n];
                        long[] by = new long[n];
                        Set<Long> d = new java.util.HashSet<>();
                        long lastDay = Long.MIN_VALUE;
                        for (int k = 0; k < n; k++) { // found in key order
                            SegmentIndex.Segment f = found.get(from + k);
                            st[k] = f.startMs();
                            by[k] = f.entry().bytes();
                            long day = CoverageIndex.dayOf(st[k]);
                            if (day != lastDay) {
                                d.add(day);
                                lastDay = day;
                            }
                        }
                        cameras.add(camera);
                        starts.add(st);
                        bytes.add(by);
                        startsByCamera.put(camera, st);
                        days.put(camera, d);
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                int[] counts = new int[starts.size()];
                for (int c = 0; c < counts.length; c++) {
                    counts[c] = starts.get(c).length;
                }
                metrics.deletePhase("lookup").record(System.nanoTime() - t0, java.util.concurrent.TimeUnit.NANOSECONDS);
                return new SegmentDeleter.Found(found, ranges, sealSeq, new SegmentDeleter.Prepared(startsByCamera, days,
                        SegmentDeleter.encode(cameras, starts, bytes, counts)));
            });
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        metrics.segmentsDeleted.increment(count[0]);
        return new Deletion(m, null, runs);
    }

    /**
     * Claims the selected entries of one camera's runs as they were read (see SegmentRun): all but open ones and
     * those another deletion holds; adjacent claimed entries make one range (pairs first, last start). Returns how
     * many it claimed.
     */
    private int claimAsRead(List<SegmentRun> runs, Set<Long> open, List<SegmentIndex.Segment> found,
                            Map<String, long[]> ranges) {
        String camera = runs.get(0).camera;
        long[] out = new long[16];
        int n = 0;
        int claimed = 0;
        long lastStart = Long.MIN_VALUE; // runs come sorted by first start: overlapping ones name a key twice
        for (SegmentRun r : runs) {
            int last = -2; // index in r of the last claimed entry
            for (int i = 0; i < r.size; i++) {
                if (!r.isSelected(i)) {
                    continue;
                }
                long start = r.starts[i];
                if (start <= lastStart || (!open.isEmpty() && open.contains(start)) || index.isDeleting(camera, start)) {
                    continue;
                }
                lastStart = start;
                found.add(new SegmentIndex.Segment(camera, start, new IndexEntry(IndexEntry.State.SEALED, r.roots[i],
                        r.ends[i], r.bytes[i], 0, 0, SegmentRun.NONE, SegmentRun.NONE)));
                r.deleted[i] = true;
                claimed++;
                if (last == i - 1 && r.adjacent[i]) {
                    out[n - 1] = start; // extends the open range
                } else {
                    if (n + 2 > out.length) {
                        out = java.util.Arrays.copyOf(out, out.length * 2);
                    }
                    out[n++] = start;
                    out[n++] = start;
                }
                last = i;
            }
        }
        if (n > 0) {
            ranges.put(camera, java.util.Arrays.copyOf(out, n));
        }
        return claimed;
    }

    /** Claims one camera's selected entries after reading the index again ({@link #lookUp}). Returns how many. */
    private int lookUpAgain(List<SegmentRun> runs, Set<Long> open, List<SegmentIndex.Segment> found,
                            Map<String, long[]> ranges) throws IOException {
        String camera = runs.get(0).camera;
        List<SegmentInfo> wanted = new ArrayList<>();
        Map<Long, int[]> where = new HashMap<>(); // start -> (run, entry)
        for (int ri = 0; ri < runs.size(); ri++) {
            SegmentRun r = runs.get(ri);
            for (int i = 0; i < r.size; i++) {
                if (r.isSelected(i) && !open.contains(r.starts[i])) {
                    wanted.add(new SegmentInfo(camera, r.starts[i], r.ends[i], null, r.bytes[i], 0, 0));
                    where.put(r.starts[i], new int[] {ri, i});
                }
            }
        }
        if (wanted.isEmpty()) {
            return 0;
        }
        SegmentInfo[] w = wanted.toArray(new SegmentInfo[0]);
        if (!sortedByStart(w)) { // overlapping runs
            java.util.Arrays.sort(w, java.util.Comparator.comparingLong(SegmentInfo::startMs));
        }
        List<SegmentInfo> got = new ArrayList<>();
        lookUp(w, found, got, ranges);
        for (SegmentInfo si : got) {
            int[] at = where.get(si.startMs());
            runs.get(at[0]).deleted[at[1]] = true;
        }
        return got.size();
    }

    private static boolean sortedByStart(SegmentInfo[] w) {
        for (int i = 1; i < w.length; i++) {
            if (w[i - 1].startMs() > w[i].startMs()) {
                return false;
            }
        }
        return true;
    }

    /** Starts of the segments writers own, for the given cameras (one pass over the few open segments). */
    private Map<String, Set<Long>> openStarts(Set<String> cameras) {
        Map<String, Set<Long>> out = new HashMap<>();
        for (String k : openSegments) {
            int bar = k.lastIndexOf('|');
            String camera = k.substring(0, bar);
            if (cameras.contains(camera)) {
                out.computeIfAbsent(camera, c -> new java.util.HashSet<>()).add(Long.parseLong(k.substring(bar + 1)));
            }
        }
        return out;
    }

    /**
     * Finds the index entries of one camera's wanted segments (sorted by start, distinct starts kept once): one
     * iterator bounded to their range, falling back to point reads when the range holds many entries that are not
     * wanted (a long held span). Adds the camera's runs to runs: pairs (first, last start) of found entries with no
     * other key between them in the index (a held, open or other batch's entry ends a run), so the drop can delete
     * a run with one range tombstone.
     */
    private void lookUp(SegmentInfo[] wanted, List<SegmentIndex.Segment> found, List<SegmentInfo> deleted,
                        Map<String, long[]> runs) throws IOException {
        String camera = wanted[0].camera();
        int[] next = {0}; // first wanted index not yet matched or passed
        int[] visited = {0};
        int limit = 2 * wanted.length + 64;
        boolean[] complete = {true};
        long[][] out = {new long[16]};
        int[] n = {0};
        long[] run = {-1, -1}; // open run (first, last), first < 0 when none
        index.scanKeysWithin(camera, wanted[0].startMs(), wanted[wanted.length - 1].startMs() + 1, (start, s) -> {
            int i = next[0];
            while (i < wanted.length && wanted[i].startMs() < start) {
                i++; // gone, or being deleted by another call
            }
            if (s != null && i < wanted.length && wanted[i].startMs() == start) {
                found.add(s);
                deleted.add(wanted[i]);
                while (i < wanted.length && wanted[i].startMs() == start) {
                    i++; // the same segment named twice goes once
                }
                if (run[0] < 0) {
                    run[0] = start;
                }
                run[1] = start;
            } else if (run[0] >= 0) { // a key that stays ends the run
                addRun(out, n, run);
            }
            next[0] = i;
            if (++visited[0] >= limit && i < wanted.length) {
                complete[0] = false;
                return false;
            }
            return i < wanted.length;
        });
        if (run[0] >= 0) {
            addRun(out, n, run);
        }
        if (!complete[0]) {
            // The iterator saw every entry before wanted[next]; the wanted ones from there on are read one by one.
            long last = Long.MIN_VALUE;
            for (int i = next[0]; i < wanted.length; i++) {
                SegmentInfo si = wanted[i];
                if (si.startMs() == last) {
                    continue;
                }
                last = si.startMs();
                if (index.isDeleting(camera, si.startMs())) {
                    continue; // checked before the read: a key shown again was dropped before it
                }
                SegmentIndex.Segment s = index.get(camera, si.startMs());
                if (s != null && s.entry().state() != IndexEntry.State.GARBAGE) {
                    found.add(s);
                    deleted.add(si);
                    addRun(out, n, new long[] {si.startMs(), si.startMs()}); // adjacency unknown: a point delete
                }
            }
        }
        if (n[0] > 0) {
            runs.put(camera, java.util.Arrays.copyOf(out[0], n[0]));
        }
    }

    private static void addRun(long[][] out, int[] n, long[] run) {
        if (n[0] + 2 > out[0].length) {
            out[0] = java.util.Arrays.copyOf(out[0], out[0].length * 2);
        }
        out[0][n[0]++] = run[0];
        out[0][n[0]++] = run[1];
        run[0] = -1;
        run[1] = -1;
    }

    /**
     * Up to limit segments of a camera whose start lies in [fromStartMs, toStartMs), oldest first: retention's
     * candidate walk. Unlike {@link #segments} it never includes an earlier segment overlapping the range, reads
     * on an iterator bounded to the range (a sweep walks next to the tombstones of what it just deleted) and
     * builds each day directory's path once.
     */
    public List<SegmentInfo> segmentsStarting(String cameraId, long fromStartMs, long toStartMs, int limit) {
        ensureOpenUnchecked();
        List<SegmentInfo> out = new ArrayList<>();
        Map<Long, Path> dirs = new HashMap<>(); // day -> directory (entries of one camera share a root but not always)
        UUID[] dirRoot = {null};
        index.scanStartsWithin(cameraId, fromStartMs, toStartMs, s -> {
            IndexEntry e = s.entry();
            DataRoot r = rootsById.get(e.root());
            Path file;
            if (r == null) {
                file = fileOf(s);
            } else {
                if (!e.root().equals(dirRoot[0])) {
                    dirs.clear();
                    dirRoot[0] = e.root();
                }
                file = dirs.computeIfAbsent(Math.floorDiv(s.startMs(), CoverageIndex.DAY_MS),
                        d -> r.dayDir(cameraId, s.startMs())).resolve(s.startMs() + ".seg");
            }
            out.add(new SegmentInfo(cameraId, s.startMs(), e.endMs(), file, e.bytes(), e.frames(), e.streamType()));
            return out.size() < limit;
        });
        return out;
    }

    /** A registry table: "cameras", "devices" or "holds". */
    public KeyValueTable table(String name) {
        ensureOpenUnchecked();
        return index.table(name);
    }

    /**
     * Appends an event to the audit log (durable with the next group commit).
     *
     * @throws UncheckedIOException when the log cannot be written: callers should refuse the audited access
     */
    public void audit(AuditEvent event) {
        ensureOpenUnchecked();
        try {
            auditLog.append(event);
        } catch (IOException e) {
            metrics.writeErrors.increment();
            throw new UncheckedIOException("cannot write the audit log in " + roots.get(0).path.resolve("audit")
                    + ": " + e.getMessage(), e);
        }
    }

    /** Audit events with fromMs <= atMs < toMs, oldest first. */
    public List<AuditEvent> auditEvents(long fromMs, long toMs) throws IOException {
        ensureOpen();
        return auditLog.read(fromMs, toMs);
    }

    /** Usage of every configured data root. */
    public List<Volume> volumes() throws IOException {
        List<Volume> out = new ArrayList<>();
        for (DataRoot r : roots) {
            out.add(r.volume());
        }
        return out;
    }

    /** Problems found and repaired (or quarantined) by recovery when this store was opened. */
    public List<VerifyReport.Problem> recoveryReport() {
        return recoveryProblems;
    }

    public VerifyReport verify() {
        ensureOpenUnchecked();
        return new Verifier(index, this, roots, Collections.unmodifiableSet(openSegments)).run();
    }

    /** Group-commits now: fsync data of every open segment, then write the index batch. */
    public void flush() throws IOException {
        ensureOpen();
        List<CompletableFuture<Void>> fs = new ArrayList<>();
        for (RootWriter w : rootWriters) {
            fs.add(w.flush());
        }
        for (CompletableFuture<Void> f : fs) {
            try {
                f.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while flushing", e);
            } catch (ExecutionException e) {
                throw new IOException("flush failed: " + e.getCause().getMessage(), e.getCause());
            }
        }
    }

    private void ensureOpen() throws IOException {
        if (closed) {
            throw new IOException("store is closed");
        }
    }

    private void ensureOpenUnchecked() {
        if (closed) {
            throw new IllegalStateException("store is closed");
        }
    }

    private synchronized TrashReaper reaper() {
        if (reaper == null) {
            reaper = new TrashReaper(() -> {
                SegmentDeleter d = deleter;
                return d != null && d.active();
            });
        }
        return reaper;
    }

    /**
     * Waits until the blocks of every deleted segment are freed (deletion returns once the files are out of
     * {@code segments/} and the index; the file system frees their space in the background, see
     * {@link Volume#reclaimingBytes}). False when that took longer than timeoutMs.
     */
    public boolean awaitSpaceReclaimed(long timeoutMs) throws InterruptedException {
        TrashReaper r;
        synchronized (this) {
            r = reaper;
        }
        return r == null || r.awaitIdle(timeoutMs);
    }

    /** Writes everything queued, seals open segments, and releases the index and root locks. */
    @Override
    public synchronized void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        if (reindexer != null) {
            reindexer.close();
        }
        try {
            for (RootWriter w : rootWriters) {
                w.stop();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (reaper != null) {
            reaper.close(); // what it has not freed yet stays in the trash and is freed after the next open
        }
        IOException first = null;
        try {
            auditLog.close();
        } catch (IOException e) {
            first = e;
        }
        index.close();
        metrics.close();
        for (DataRoot r : roots) {
            try {
                r.close();
            } catch (IOException e) {
                first = first == null ? e : first;
            }
        }
        if (first != null) {
            throw first;
        }
    }
}
