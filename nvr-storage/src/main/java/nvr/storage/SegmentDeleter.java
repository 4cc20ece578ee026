package nvr.storage;

import io.micrometer.core.instrument.Timer;
import java.io.File;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * Deletes whole segments crash-safely, thousands per call (retention frees a day of 64 cameras at once):
 * <ol>
 * <li>mark: the batch's keys join the index's {@link DeletingSet} (every reader skips them from then on) and
 *     one synced {@code gbatch|<uuid>} meta record names every key with its bytes: the durable to-do list. The
 *     entries themselves are not rewritten (that cost as much as the unlinks);</li>
 * <li>move the files into the root's {@link SegmentTrash} (a day directory the batch empties in one rename, else
 *     file by file; a rename costs a directory entry, an unlink the file's blocks), fsync the directories;</li>
 * <li>drop: one index batch deletes the entries and the batch record and subtracts the bytes from each root's
 *     usage counter; then the keys leave the deleting set. Not synced: until it is durable the batch record
 *     survives a crash and the batch is finished again (moving a missing file is a no-op, the drop is atomic,
 *     so usage is subtracted exactly once). The {@link TrashReaper} then unlinks the trash in the background.</li>
 * </ol>
 * Marks are serialized (lookup + mark under one lock, so a key is claimed by one batch only); moves and drops of
 * different batches run concurrently, so one batch's index work overlaps another's file work. A batch left
 * unfinished (crash, failed move or index write) is finished by recovery at open (before any reader exists) and
 * by the next {@link #mark} call; its keys stay hidden meanwhile.
 */
final class SegmentDeleter implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(SegmentDeleter.class.getName());
    static final String BATCH_PREFIX = "gbatch|";
    /** Version 1: starts only, entries marked GARBAGE; version 2: start and bytes per key, entries untouched. */
    private static final int RECORD_V1 = 1;
    private static final int RECORD_VERSION = 2;
    /**
     * Range tombstones in the mutable memtable slow every new iterator (RocksDB fragments them per read: +1-2 ms
     * per seek with ~1,500 there, measured); flushed to an SST they cost nothing noticeable. Flush at this many.
     */
    private static final int FLUSH_RANGES = 512;
    /**
     * Fewer than this many are left for the memtable's own flush: a flush is not free (it writes the memtable and
     * starts a compaction, 0.1-0.2 s of RocksDB background CPU per 1-day sweep when every gap between two batches
     * flushed) and a few dozen tombstones cost a read little.
     */
    private static final int FLUSH_MIN_RANGES = 64;
    private final java.util.concurrent.atomic.AtomicInteger rangesSinceFlush = new java.util.concurrent.atomic.AtomicInteger();

    private final SegmentIndex index;
    private final Map<UUID, DataRoot> rootsById;
    /** Drops the coverage summaries of changed days; null at recovery (no reader yet: plain index deletes). */
    private final CoverageIndex coverage;
    /** The segments writers own; null at recovery (no writer yet; drops use point deletes). */
    private final OpenSegmentSet openSegments;
    private final Timer markTimer;
    private final Timer trashTimer;
    private final StorageMetrics metrics;
    private final Timer dropTimer;
    /** Frees the trash once a batch is dropped; null at recovery (the store reaps what recovery left). */
    private final TrashReaper reaper;
    /** When the last batch finished (see {@link #active}). */
    private volatile long lastFinishedNanos = System.nanoTime();
    /** Orders lookups, marks and scans for unfinished batches. */
    private final Object markLock = new Object();
    /** Batch records some thread is working on: a scan for unfinished batches leaves them alone. */
    private final Set<String> inFlight = java.util.concurrent.ConcurrentHashMap.newKeySet();
    /** Batch records whose keys this process hides (in flight, or failed and waiting to be finished). */
    private final Map<String, Map<String, long[]>> hiddenByRecord = new java.util.concurrent.ConcurrentHashMap<>();
    /** False once a scan found no batch record and none failed since: then no scan is needed (the meta family
     * holds a tombstone per sealed segment's open marker, and a seek there is not free). */
    private volatile boolean mayHavePending = true;

    SegmentDeleter(SegmentIndex index, Map<UUID, DataRoot> rootsById, StorageMetrics metrics, CoverageIndex coverage,
                   OpenSegmentSet openSegments) {
        this(index, rootsById, metrics, coverage, openSegments, null);
    }

    SegmentDeleter(SegmentIndex index, Map<UUID, DataRoot> rootsById, StorageMetrics metrics, CoverageIndex coverage,
                   OpenSegmentSet openSegments, TrashReaper reaper) {
        this.reaper = reaper;
        this.index = index;
        this.openSegments = openSegments;
        this.rootsById = rootsById;
        this.coverage = coverage;
        this.markTimer = metrics == null ? null : metrics.deletePhase("mark");
        this.metrics = metrics;
        this.trashTimer = metrics == null ? null : metrics.deletePhase("trash");
        this.dropTimer = metrics == null ? null : metrics.deletePhase("drop");
    }

    /**
     * True while a batch is being deleted or one finished within the last 200 ms (a sweep's batches come in bursts
     * with short gaps): the reaper stays out of their way.
     */
    boolean active() {
        return !inFlight.isEmpty() || System.nanoTime() - lastFinishedNanos < 200_000_000L;
    }

    /**
     * What a lookup found: the entries (grouped by camera, in key order), and per camera its runs as pairs (first,
     * last start) of found entries with no other key between them when the index was read (every found entry lies
     * in exactly one run; null or missing: point deletes), and {@link OpenSegmentSet#sequence} read before the index.
     */
    record Found(List<SegmentIndex.Segment> segments, Map<String, long[]> runs, long sealSeq, Prepared prepared) {
        Found(List<SegmentIndex.Segment> segments, Map<String, long[]> runs, long sealSeq) {
            this(segments, runs, sealSeq, null);
        }
    }

    /**
     * What mark would otherwise derive from the found entries in passes of its own, built by a lookup while it
     * claims them (retention's runs): camera -> claimed starts ascending, camera -> days (see {@link CoverageIndex#dayOf})
     * that lose a segment, and the batch record ({@link #encode}).
     */
    record Prepared(Map<String, long[]> starts, Map<String, Set<Long>> days, byte[] record) {
    }

    /** A batch whose deletion is recorded and hidden from readers; {@link #finish} moves its files to the trash and drops it. */
    final class Marked {
        final List<SegmentIndex.Segment> found;
        private final String record;
        private final Map<String, long[]> starts;
        private final Found lookup;

        private Marked(Found lookup, String record, Map<String, long[]> starts) {
            this.found = lookup.segments();
            this.lookup = lookup;
            this.record = record;
            this.starts = starts;
        }

        /**
         * Unlinks and drops the batch; returns the bytes freed per root. On failure the record stays, the keys stay
         * hidden, and the next {@link #mark} (or recovery) finishes it.
         */
        Map<UUID, Long> finish() throws IOException {
            boolean ok = false;
            try {
                long t0 = System.nanoTime();
                List<Trashed> trashed = moveToTrash(found, record);
                long t1 = System.nanoTime();
                Map<UUID, Long> freed = drop(found, record, lookup, starts);
                record(trashTimer, t1 - t0);
                record(dropTimer, System.nanoTime() - t1);
                reap(trashed);
                retire(starts);
                hiddenByRecord.remove(record);
                ok = true;
                return freed;
            } finally {
                lastFinishedNanos = System.nanoTime();
                inFlight.remove(record);
                if (inFlight.isEmpty() && !retiring.isEmpty()) {
                    settleRetiring(); // the last batch of a burst shows what the others left hidden
                }
                // The last batch of a burst (or every few thousand ranges) moves the range tombstones into an SST.
                int ranges = rangesSinceFlush.get();
                if (ranges >= FLUSH_RANGES || (inFlight.isEmpty() && ranges >= FLUSH_MIN_RANGES)) {
                    rangesSinceFlush.set(0);
                    index.flushSegmentsSoon();
                }
                if (!ok) {
                    mayHavePending = true; // after the removal above: a scan that missed it runs again
                }
            }
        }
    }

    /**
     * Step 1 (mark) for the entries found by lookup (which runs under the mark lock, sees no key of a batch in flight,
     * and must return none owned by a writer), after finishing any batch an earlier call left unfinished: null when
     * lookup found nothing. The caller must {@link Marked#finish} it (move to the trash, drop: returns the bytes freed per root).
     */
    Marked mark(java.util.function.Supplier<Found> lookup) throws IOException {
        synchronized (markLock) {
            retireDue();
            finishPending();
            Found got = lookup.get();
            List<SegmentIndex.Segment> found = got.segments();
            if (found.isEmpty()) {
                return null;
            }
            long t0 = System.nanoTime();
            String record = BATCH_PREFIX + UUID.randomUUID();
            Prepared prep = got.prepared();
            Map<String, long[]> starts = prep != null ? prep.starts() : startsByCamera(found);
            Map<String, Set<Long>> days = prep != null ? prep.days() : daysOf(found);
            inFlight.add(record);
            hiddenByRecord.put(record, starts);
            index.deleting.add(starts); // hidden before the record exists: no reader starts on a doomed file
            try (SegmentIndex.Batch b = index.batch()) {
                // coverage summaries of these days are rebuilt from entries that no longer show the batch
                dropDays(days);
                b.putMeta(record, prep != null ? prep.record() : encode(found));
                index.write(b, true); // durable before any file goes: a crash now leaves a to-do list, not lost files
            } catch (IOException | RuntimeException e) {
                index.deleting.remove(starts); // not written: the entries stay
                hiddenByRecord.remove(record);
                inFlight.remove(record);
                mayHavePending = true; // in case it was written after all
                try {
                    dropDays(days); // a summary rebuilt meanwhile left them out
                } catch (IOException | RuntimeException ignored) {
                    // the cache is only stale until its day changes again; the failure above is what matters
                }
                throw e;
            }
            record(markTimer, System.nanoTime() - t0);
            return new Marked(got, record, starts);
        }
    }

    /** Dropped batches still hidden: (starts, read ticket taken after their drop). */
    private final java.util.concurrent.ConcurrentLinkedQueue<Object[]> retiring = new java.util.concurrent.ConcurrentLinkedQueue<>();

    /**
     * Shows a dropped batch's keys again once no reader can see its entries: an iterator created before the drop
     * still holds them (it reads a snapshot), so they stay hidden until every segment read started before the
     * drop has finished. Waits up to 20 ms for that (reads are short), else leaves it to a later call.
     */
    private void retire(Map<String, long[]> starts) {
        long ticket = index.readTicket();
        if (inFlight.size() > 1 && !index.readsStartedBy(ticket)) {
            // Another batch is still finishing: it shows these keys with its own once their readers are gone, so
            // this thread does not wait (a sweep's candidate reads run all the time and would hold it up).
            retiring.add(new Object[] {starts, ticket});
            return;
        }
        long deadline = System.nanoTime() + 20_000_000L;
        while (!index.readsStartedBy(ticket)) {
            if (System.nanoTime() > deadline) {
                retiring.add(new Object[] {starts, ticket});
                return;
            }
            java.util.concurrent.locks.LockSupport.parkNanos(100_000);
        }
        index.deleting.remove(starts);
        retireDue();
    }

    /** Waits up to 20 ms for the readers of every retiring batch to finish, then shows what it can. */
    private void settleRetiring() {
        long last = Long.MIN_VALUE;
        for (Object[] r : retiring) {
            last = Math.max(last, (Long) r[1]);
        }
        long deadline = System.nanoTime() + 20_000_000L;
        while (!index.readsStartedBy(last) && System.nanoTime() < deadline) {
            java.util.concurrent.locks.LockSupport.parkNanos(100_000);
        }
        retireDue();
    }

    /** Shows the keys of every retiring batch whose readers are gone. */
    @SuppressWarnings("unchecked")
    private void retireDue() {
        for (java.util.Iterator<Object[]> it = retiring.iterator(); it.hasNext(); ) {
            Object[] r = it.next();
            if (index.readsStartedBy((Long) r[1])) {
                index.deleting.remove((Map<String, long[]>) r[0]);
                it.remove();
            }
        }
    }

    /** camera -> its starts ascending, the shape {@link DeletingSet} holds. */
    private static Map<String, long[]> startsByCamera(List<SegmentIndex.Segment> found) {
        Map<String, long[]> out = new HashMap<>();
        forEachCamera(found, (camera, from, to) -> {
            long[] a = new long[to - from];
            for (int i = from; i < to; i++) {
                a[i - from] = found.get(i).startMs();
            }
            long[] old = out.get(camera); // a camera listed in two places (not from a lookup): merged
            if (old != null) {
                a = java.util.Arrays.copyOf(old, old.length + a.length);
                for (int i = from; i < to; i++) {
                    a[old.length + i - from] = found.get(i).startMs();
                }
            }
            java.util.Arrays.sort(a); // in key order already when it comes from a lookup: a linear pass
            out.put(camera, a);
        });
        return out;
    }

    private interface CameraRun {
        void accept(String camera, int from, int to);
    }

    /** Calls action for each run [from, to) of consecutive entries of one camera (lookups group them so). */
    private static void forEachCamera(List<SegmentIndex.Segment> found, CameraRun action) {
        int from = 0;
        for (int i = 1; i <= found.size(); i++) {
            if (i == found.size() || !found.get(i).camera().equals(found.get(from).camera())) {
                action.accept(found.get(from).camera(), from, i);
                from = i;
            }
        }
    }

    private static void record(Timer t, long nanos) {
        if (t != null) {
            t.record(nanos, TimeUnit.NANOSECONDS);
        }
    }

    /** One day directory's share of a batch: the starts of its files. */
    private static final class DirFiles {
        final File dir;
        final DataRoot root;
        final String camera;
        long[] starts = new long[64];
        int n;

        DirFiles(File dir, DataRoot root, String camera) {
            this.dir = dir;
            this.root = root;
            this.camera = camera;
        }

        void add(long start) {
            if (n == starts.length) {
                starts = java.util.Arrays.copyOf(starts, n * 2);
            }
            starts[n++] = start;
        }
    }

    private record DirKey(UUID root, String camera, long day) {
    }

    /** What a batch moved into one root's trash, and the bytes of its entries there. */
    private record Trashed(SegmentTrash trash, SegmentTrash.Batch batch, long bytes) {
    }

    /**
     * Moves every file of the batch into its root's trash (see {@link SegmentTrash}), a whole day directory at a time
     * where the batch holds all of it, then fsyncs the changed directories and removes day directories it emptied
     * file by file. A file already gone (a batch finished again) is skipped.
     */
    private List<Trashed> moveToTrash(List<SegmentIndex.Segment> found, String record) throws IOException {
        String id = record.substring(BATCH_PREFIX.length());
        Map<DirKey, DirFiles> byDir = new LinkedHashMap<>();
        Map<UUID, long[]> bytes = new HashMap<>();
        DirFiles last = null; // entries come in key order: runs of one camera-day share a directory
        long[] lastBytes = null;
        UUID lastRoot = null;
        String lastCamera = null;
        long lastDay = Long.MIN_VALUE;
        for (SegmentIndex.Segment f : found) {
            UUID rootId = f.entry().root();
            long day = Math.floorDiv(f.startMs(), CoverageIndex.DAY_MS);
            if (last == null || day != lastDay || !f.camera().equals(lastCamera) || !rootId.equals(lastRoot)) {
                DataRoot root = rootsById.get(rootId);
                if (root == null) {
                    continue; // root not mounted: the entry goes, the file stays with its unmounted disk
                }
                lastRoot = rootId;
                lastCamera = f.camera();
                lastDay = day;
                last = byDir.computeIfAbsent(new DirKey(rootId, f.camera(), day),
                        k -> new DirFiles(root.dayDir(f.camera(), f.startMs()).toFile(), root, f.camera()));
                lastBytes = bytes.computeIfAbsent(rootId, k -> new long[1]);
            }
            last.add(f.startMs());
            lastBytes[0] += f.entry().bytes();
        }
        Map<UUID, SegmentTrash.Batch> batches = new LinkedHashMap<>();
        List<DirFiles> fileByFile = new ArrayList<>();
        for (DirFiles d : byDir.values()) {
            SegmentTrash.Batch b = batches.computeIfAbsent(d.root.uuid, k -> d.root.trash.batch(id));
            java.util.Arrays.sort(d.starts, 0, d.n);
            if (b.moveDay(d.camera, d.dir.toPath(), d.starts, d.n, openSegments)) {
                if (metrics != null) {
                    metrics.trashedByDay.increment(d.n);
                }
                continue;
            }
            if (metrics != null) {
                metrics.trashedByFile.increment(d.n);
            }
            fileByFile.add(d);
            StringBuilder name = new StringBuilder(24);
            for (int i = 0; i < d.n; i++) {
                name.setLength(0);
                b.moveFile(d.camera, d.dir.toPath(), name.append(d.starts[i]).append(".seg").toString());
            }
        }
        // One fsync per directory after every move of the batch: on ext4 the first commits the journal transaction
        // holding all of them and the rest find little left to do.
        for (SegmentTrash.Batch b : batches.values()) {
            b.sync();
        }
        removeEmptied(fileByFile);
        List<Trashed> out = new ArrayList<>();
        for (Map.Entry<UUID, SegmentTrash.Batch> e : batches.entrySet()) {
            if (e.getValue().used()) {
                out.add(new Trashed(rootsById.get(e.getKey()).trash, e.getValue(), bytes.get(e.getKey())[0]));
            }
        }
        return out;
    }

    /** Hands a dropped batch's trash to the reaper (at recovery there is none: the store reaps it after open). */
    private void reap(List<Trashed> trashed) {
        if (reaper == null) {
            return;
        }
        for (Trashed t : trashed) {
            reaper.submit(t.trash(), t.batch().dir, t.bytes());
        }
    }

    /**
     * Removes the day directories this batch emptied (rmdir fails on any other: ENOTEMPTY, one cheap syscall per
     * directory). A writer that still meant to create a file there recreates the directory (SegmentWriter.create);
     * a removal lost in a crash leaves an empty directory, which harms nothing.
     */
    private static void removeEmptied(List<DirFiles> tasks) {
        for (DirFiles t : tasks) {
            if (t.dir.delete()) { // rmdir of an empty directory (java.io.File.delete: remove(3))
                t.root.forget(t.dir.toPath());
            }
        }
    }

    /**
     * Drops the entries and the batch record in one atomic batch; returns the bytes freed per root. A camera's runs
     * (see {@link Found}) go as range tombstones (64 per day of a camera instead of 1,440 point deletes) when no
     * entry can have been added inside them since the lookup: none of the camera's segments is open within them,
     * and none stopped being open since (a writer's entry is committed while its segment is listed open). That
     * check and the write happen with every other index write held off ({@link SegmentIndex#writeAlone}).
     */
    private Map<UUID, Long> drop(List<SegmentIndex.Segment> found, String record, Found lookup,
                                 Map<String, long[]> starts) throws IOException {
        Map<UUID, Long> freed = new HashMap<>();
        for (SegmentIndex.Segment f : found) { // runs of one root: one map operation each
            freed.merge(f.entry().root(), f.entry().bytes(), Long::sum);
        }
        index.writeAlone(b -> {
            String camera = null;
            byte[] prefix = null;
            boolean ranged = false;
            for (SegmentIndex.Segment f : found) {
                if (!f.camera().equals(camera)) { // entries come grouped by camera
                    camera = f.camera();
                    prefix = SegmentIndex.prefix(camera);
                    long[] runs = lookup == null || lookup.runs() == null ? null : lookup.runs().get(camera);
                    ranged = runs != null && rangesSafe(camera, runs, lookup.sealSeq());
                    if (ranged) {
                        for (int i = 0; i < runs.length; i += 2) {
                            if (runs[i] == runs[i + 1]) {
                                b.deleteSegmentKey(SegmentIndex.key(prefix, runs[i]));
                            } else {
                                b.deleteSegmentRange(prefix, runs[i], runs[i + 1]);
                                rangesSinceFlush.incrementAndGet();
                            }
                        }
                    }
                }
                if (!ranged) {
                    b.deleteSegmentKey(SegmentIndex.key(prefix, f.startMs()));
                }
            }
            // one merge operand per root, not per segment (thousands of operands on one key slow every read of it)
            for (Map.Entry<UUID, Long> e : freed.entrySet()) {
                b.addUsage(e.getKey(), -e.getValue());
            }
            b.deleteMeta(record);
            // Not synced: until durable, the record survives a crash and the batch is finished again.
        }, false);
        for (Map.Entry<UUID, Long> e : freed.entrySet()) {
            DataRoot r = rootsById.get(e.getKey());
            if (r != null) {
                r.segmentBytes.addAndGet(-e.getValue());
            }
        }
        // Before the keys leave the deleting set: a run read earlier and claimed later sees the drop (SegmentRun).
        Map<String, long[]> ranges = new HashMap<>();
        if (starts != null) { // each camera's starts ascending: first and last
            for (Map.Entry<String, long[]> e : starts.entrySet()) {
                long[] a = e.getValue();
                if (a.length > 0) {
                    ranges.put(e.getKey(), new long[] {a[0], a[a.length - 1]});
                }
            }
        }
        for (SegmentIndex.Segment f : starts != null ? List.<SegmentIndex.Segment>of() : found) {
            long[] r = ranges.get(f.camera());
            if (r == null) {
                ranges.put(f.camera(), new long[] {f.startMs(), f.startMs()});
            } else {
                r[0] = Math.min(r[0], f.startMs());
                r[1] = Math.max(r[1], f.startMs());
            }
        }
        if (!ranges.isEmpty()) {
            index.deleting.dropped(ranges);
        }
        return freed;
    }

    /** True when no entry of camera can have been committed inside its runs since the lookup (see drop). */
    private boolean rangesSafe(String camera, long[] runs, long sealSeq) {
        if (openSegments == null || openSegments.sealedSince(camera, sealSeq)) {
            return false;
        }
        return !openSegments.anyOpenWithin(camera, runs[0], runs[runs.length - 1]);
    }

    /**
     * Finishes every recorded batch left unfinished (at open, and before each new mark) except those a thread is
     * working on. A batch that fails again is logged and left for the next try; the others still finish. Returns
     * the segments finished.
     */
    List<SegmentIndex.Segment> finishPending() {
        List<SegmentIndex.Segment> done = new ArrayList<>();
        synchronized (markLock) {
            if (!mayHavePending) {
                return done;
            }
            mayHavePending = false;
            for (Map.Entry<String, byte[]> r : index.metaScan(BATCH_PREFIX).entrySet()) {
                String record = r.getKey();
                if (!inFlight.add(record)) {
                    continue; // its own thread finishes it
                }
                try {
                    // Re-read after claiming it: a thread that just finished it dropped the record before letting go.
                    byte[] keys = index.metaGet(record);
                    if (keys != null) {
                        done.addAll(finish(record, keys));
                    }
                } catch (IOException | RuntimeException e) {
                    mayHavePending = true;
                    LOG.log(System.Logger.Level.WARNING, "could not finish the interrupted deletion " + record + ": "
                            + e.getMessage() + "; retried at the next deletion");
                } finally {
                    inFlight.remove(record);
                }
            }
        }
        return done;
    }

    /**
     * Finishes one recorded batch: every named entry that is still the one recorded (version 2: same bytes and not
     * open; version 1: marked GARBAGE) is hidden, moved to the trash and dropped; the record goes.
     */
    private List<SegmentIndex.Segment> finish(String record, byte[] keys) throws IOException {
        List<SegmentIndex.Segment> left = new ArrayList<>();
        Map<String, long[][]> decoded = decode(keys);
        if (decoded == null) {
            LOG.log(System.Logger.Level.WARNING, "deletion record " + record + " is unreadable; dropped (an entry it"
                    + " named whose file is gone shows in nvr verify as a missing file)");
        } else {
            for (Map.Entry<String, long[][]> e : decoded.entrySet()) {
                long[] starts = e.getValue()[0];
                long[] bytes = e.getValue()[1];
                for (int i = 0; i < starts.length; i++) {
                    SegmentIndex.Segment s = index.get(e.getKey(), starts[i]);
                    if (s == null) {
                        continue;
                    }
                    IndexEntry.State st = s.entry().state();
                    boolean same = bytes == null ? st == IndexEntry.State.GARBAGE
                            : st != IndexEntry.State.OPEN && s.entry().bytes() == bytes[i];
                    if (same) {
                        left.add(new SegmentIndex.Segment(e.getKey(), starts[i], s.entry()));
                    }
                }
            }
        }
        Map<String, long[]> hidden = hiddenByRecord.get(record);
        Map<String, long[]> starts = hidden != null ? null : startsByCamera(left);
        if (starts != null) {
            index.deleting.add(starts); // a live store: nobody starts reading a file this moves
        }
        boolean dropped = false;
        try {
            dropDays(daysOf(left));
            List<Trashed> trashed = moveToTrash(left, record);
            drop(left, record, null, null);
            dropped = true;
            reap(trashed);
        } finally {
            if (starts != null) {
                if (dropped) {
                    retire(starts);
                } else {
                    index.deleting.remove(starts); // not dropped: visible again until the next try
                }
            }
        }
        if (hidden != null) {
            retire(hidden);
            hiddenByRecord.remove(record);
        }
        return left;
    }

    /** camera -> the days (see {@link CoverageIndex#dayOf}) of its found entries. */
    private static Map<String, Set<Long>> daysOf(List<SegmentIndex.Segment> found) {
        Map<String, Set<Long>> days = new LinkedHashMap<>();
        String lastCamera = null;
        long lastDay = Long.MIN_VALUE;
        for (SegmentIndex.Segment f : found) {
            long day = CoverageIndex.dayOf(f.startMs());
            if (day != lastDay || !f.camera().equals(lastCamera)) { // runs of one camera-day: one set operation
                days.computeIfAbsent(f.camera(), c -> new java.util.HashSet<>()).add(day);
                lastCamera = f.camera();
                lastDay = day;
            }
        }
        return days;
    }

    /** Drops the coverage summaries of every camera-day that lost a segment (once per day, not per segment). */
    private void dropDays(Map<String, Set<Long>> days) throws IOException {
        if (coverage != null) {
            coverage.invalidateDays(days); // one index write for every camera of the batch
            return;
        }
        try (SegmentIndex.Batch b = index.batch()) {
            for (Map.Entry<String, Set<Long>> e : days.entrySet()) {
                for (long d : e.getValue()) {
                    b.deleteDay(e.getKey(), d);
                }
            }
            if (b.count() > 0) {
                index.write(b, false);
            }
        }
    }

    /**
     * The batch record: {@code version u8 = 2 | (camera-length u16 | camera utf8 | count i32 | count x (start i64,
     * bytes i64))*}, big-endian, the keys of one camera together (16 bytes per segment). The bytes let a later
     * finish tell the recorded entry from a new one written under the same key. Version 1 records (starts only)
     * named entries marked GARBAGE.
     */
    static byte[] encode(List<SegmentIndex.Segment> found) {
        List<int[]> runs = new ArrayList<>(); // (from, to) per camera run
        List<byte[]> names = new ArrayList<>();
        forEachCamera(found, (camera, from, to) -> {
            runs.add(new int[] {from, to});
            names.add(camera.getBytes(StandardCharsets.UTF_8));
        });
        int size = 1;
        for (int i = 0; i < runs.size(); i++) {
            size += 2 + names.get(i).length + 4 + 16 * (runs.get(i)[1] - runs.get(i)[0]);
        }
        ByteBuffer b = ByteBuffer.allocate(size).put((byte) RECORD_VERSION);
        for (int r = 0; r < runs.size(); r++) {
            byte[] n = names.get(r);
            b.putShort((short) n.length).put(n).putInt(runs.get(r)[1] - runs.get(r)[0]);
            for (int i = runs.get(r)[0]; i < runs.get(r)[1]; i++) {
                SegmentIndex.Segment s = found.get(i);
                b.putLong(s.startMs()).putLong(s.entry().bytes());
            }
        }
        return b.array();
    }

    /** {@link #encode} from per-camera arrays: starts.get(c)[0..counts[c]) with bytes.get(c) alike. */
    static byte[] encode(List<String> cameras, List<long[]> starts, List<long[]> bytes, int[] counts) {
        List<byte[]> names = new ArrayList<>(cameras.size());
        int size = 1;
        for (int c = 0; c < cameras.size(); c++) {
            byte[] n = cameras.get(c).getBytes(StandardCharsets.UTF_8);
            names.add(n);
            size += 2 + n.length + 4 + 16 * counts[c];
        }
        ByteBuffer b = ByteBuffer.allocate(size).put((byte) RECORD_VERSION);
        for (int c = 0; c < cameras.size(); c++) {
            b.putShort((short) names.get(c).length).put(names.get(c)).putInt(counts[c]);
            long[] st = starts.get(c);
            long[] by = bytes.get(c);
            for (int i = 0; i < counts[c]; i++) {
                b.putLong(st[i]).putLong(by[i]);
            }
        }
        return b.array();
    }

    /**
     * camera -> {starts, bytes (null for a version 1 record)}, or null when the record is malformed (never
     * allocates more than the record's size).
     */
    static Map<String, long[][]> decode(byte[] v) {
        try {
            ByteBuffer b = ByteBuffer.wrap(v);
            int version = b.get();
            if (version != RECORD_V1 && version != RECORD_VERSION) {
                return null;
            }
            int per = version == RECORD_V1 ? 8 : 16;
            Map<String, long[][]> out = new TreeMap<>();
            while (b.hasRemaining()) {
                int len = Short.toUnsignedInt(b.getShort());
                if (len == 0 || len > b.remaining()) {
                    return null;
                }
                byte[] n = new byte[len];
                b.get(n);
                int count = b.getInt();
                if (count < 0 || count > b.remaining() / per) {
                    return null;
                }
                long[] starts = new long[count];
                long[] bytes = version == RECORD_V1 ? null : new long[count];
                for (int i = 0; i < count; i++) {
                    starts[i] = b.getLong();
                    if (bytes != null) {
                        bytes[i] = b.getLong();
                    }
                }
                long[][] got = {starts, bytes};
                out.merge(new String(n, StandardCharsets.UTF_8), got, (x, y) -> new long[][] {concat(x[0], y[0]),
                        x[1] == null || y[1] == null ? null : concat(x[1], y[1])});
            }
            return out;
        } catch (java.nio.BufferUnderflowException e) {
            return null;
        }
    }

    private static long[] concat(long[] x, long[] y) {
        long[] m = java.util.Arrays.copyOf(x, x.length + y.length);
        System.arraycopy(y, 0, m, x.length, y.length);
        return m;
    }

    @Override
    public void close() {
        // nothing of its own to release: the reaper belongs to the store
    }
}
