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
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Deletes whole segments crash-safely, thousands per call (retention frees a day of 64 cameras at once):
 * <ol>
 * <li>mark: one synced index batch rewrites every entry as GARBAGE (readers skip it) and writes one
 *     {@code gbatch|<uuid>} meta record naming every key of the batch (recovery's to-do list);</li>
 * <li>unlink the files (by directory; optionally over {@code -Dnvr.storage.unlink.helpers=N} extra threads, off by
 *     default: on the shared 2-core test VM they made tmpfs and ext4 unlinking slower, not faster), then fsync each
 *     directory once;</li>
 * <li>drop: one index batch deletes the entries and the batch record and subtracts the bytes from each root's
 *     usage counter. Not synced: until it is durable the batch record survives a crash and the batch is
 *     finished again (unlinking a missing file is a no-op, the drop is atomic).</li>
 * </ol>
 * A batch left unfinished (crash, failed unlink or index write) is finished by recovery at open and by the next
 * {@link #delete} call. One batch at a time (a lock), so a batch is never finished twice concurrently.
 */
final class SegmentDeleter implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(SegmentDeleter.class.getName());
    static final String BATCH_PREFIX = "gbatch|";
    private static final int RECORD_VERSION = 1;
    /** Below this many files a batch is unlinked by the calling thread alone. */
    private static final int PARALLEL_MIN_FILES = 256;

    private final SegmentIndex index;
    private final Map<UUID, DataRoot> rootsById;
    /** Drops the coverage summaries of changed days; null at recovery (no reader yet: plain index deletes). */
    private final CoverageIndex coverage;
    private final Timer markTimer;
    private final Timer unlinkTimer;
    private final Timer dropTimer;
    /** Helpers that unlink alongside the calling thread (idle ones exit); null unless nvr.storage.unlink.helpers > 0. */
    private final java.util.concurrent.ThreadPoolExecutor unlinkers;
    private final int helpers;
    /** False once a scan found no batch record and none failed since: then no scan is needed (the meta family
     * holds a tombstone per sealed segment's open marker, and a seek there is not free). */
    private boolean mayHavePending = true;

    SegmentDeleter(SegmentIndex index, Map<UUID, DataRoot> rootsById, StorageMetrics metrics, CoverageIndex coverage) {
        this.index = index;
        this.rootsById = rootsById;
        this.coverage = coverage;
        this.markTimer = metrics == null ? null : metrics.deletePhase("mark");
        this.unlinkTimer = metrics == null ? null : metrics.deletePhase("unlink");
        this.dropTimer = metrics == null ? null : metrics.deletePhase("drop");
        this.helpers = Integer.getInteger("nvr.storage.unlink.helpers", 0);
        if (helpers > 0) {
            unlinkers = new java.util.concurrent.ThreadPoolExecutor(helpers, helpers, 5, TimeUnit.SECONDS,
                    new java.util.concurrent.LinkedBlockingQueue<>(), r -> {
                        Thread t = new Thread(r, "nvr-unlink");
                        t.setDaemon(true);
                        return t;
                    });
            unlinkers.allowCoreThreadTimeOut(true); // a store that is closed without close() leaks no thread
        } else {
            unlinkers = null;
        }
    }

    /**
     * Deletes the given entries (found in the index by the caller, none owned by a writer) with the three steps
     * above, after finishing any batch an earlier call left unfinished. Returns the bytes freed per root.
     */
    synchronized Map<UUID, Long> delete(List<SegmentIndex.Segment> found) throws IOException {
        finishPending();
        if (found.isEmpty()) {
            return Map.of();
        }
        String record = BATCH_PREFIX + UUID.randomUUID();
        boolean othersPending = mayHavePending; // records that failed to finish just now
        mayHavePending = true; // until this batch's drop is written
        long t0 = System.nanoTime();
        try (SegmentIndex.Batch b = index.batch()) {
            for (SegmentIndex.Segment f : found) {
                b.putSegment(f.camera(), f.startMs(), f.entry().asGarbage());
            }
            b.putMeta(record, encode(found));
            index.write(b, true); // durable before any file goes: a crash now leaves a to-do list, not lost files
        }
        long t1 = System.nanoTime();
        unlink(found);
        long t2 = System.nanoTime();
        Map<UUID, Long> freed = drop(found, record);
        mayHavePending = othersPending;
        dropDays(found);
        long t3 = System.nanoTime();
        record(markTimer, t1 - t0);
        record(unlinkTimer, t2 - t1);
        record(dropTimer, t3 - t2);
        return freed;
    }

    private static void record(Timer t, long nanos) {
        if (t != null) {
            t.record(nanos, TimeUnit.NANOSECONDS);
        }
    }

    /** Unlinks every file, grouped by directory, then fsyncs each directory once. */
    private void unlink(List<SegmentIndex.Segment> found) throws IOException {
        Map<File, List<String>> byDir = new LinkedHashMap<>();
        Map<String, File> dirs = new HashMap<>(); // root|camera|day -> directory: one path format per day, not per file
        for (SegmentIndex.Segment f : found) {
            DataRoot root = rootsById.get(f.entry().root());
            if (root == null) {
                continue; // root not mounted: the entry goes, the file stays with its unmounted disk
            }
            long day = Math.floorDiv(f.startMs(), CoverageIndex.DAY_MS);
            File dir = dirs.computeIfAbsent(root.uuid + "|" + f.camera() + "|" + day,
                    k -> root.dayDir(f.camera(), f.startMs()).toFile());
            byDir.computeIfAbsent(dir, k -> new ArrayList<>()).add(f.startMs() + ".seg");
        }
        List<Map.Entry<File, List<String>>> tasks = new ArrayList<>(byDir.entrySet());
        if (unlinkers == null || tasks.size() < 2 || found.size() < PARALLEL_MIN_FILES) {
            for (Map.Entry<File, List<String>> t : tasks) {
                unlinkDir(t.getKey(), t.getValue());
            }
            fsyncDirs(tasks);
            return;
        }
        // Directories are handed out one at a time from a shared cursor: the caller works too, helpers join in.
        java.util.concurrent.atomic.AtomicInteger next = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.Callable<Void> worker = () -> {
            for (int i; (i = next.getAndIncrement()) < tasks.size(); ) {
                unlinkDir(tasks.get(i).getKey(), tasks.get(i).getValue());
            }
            return null;
        };
        List<Future<Void>> running = new ArrayList<>();
        for (int i = 0; i < Math.min(helpers, tasks.size() - 1); i++) {
            running.add(unlinkers.submit(worker));
        }
        IOException failed = null;
        try {
            worker.call();
        } catch (IOException e) {
            failed = e;
        } catch (Exception e) {
            failed = new IOException(e.getMessage(), e);
        }
        for (Future<Void> f : running) {
            try {
                f.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                failed = failed != null ? failed : new IOException("interrupted while deleting segment files", e);
            } catch (java.util.concurrent.ExecutionException e) {
                Throwable c = e.getCause();
                failed = failed != null ? failed : c instanceof IOException io ? io : new IOException(c.getMessage(), c);
            }
        }
        if (failed != null) {
            throw failed;
        }
        fsyncDirs(tasks);
    }

    private static void unlinkDir(File dir, List<String> names) throws IOException {
        for (String n : names) {
            File f = new File(dir, n);
            // File.delete is one unlink(2); Files.deleteIfExists is an lstat and an unlink
            if (!f.delete() && f.exists()) {
                throw new IOException("cannot delete " + f + "; check its permissions (the deletion is finished at the"
                        + " next deletion or start)");
            }
        }
    }

    /**
     * One fsync per directory, after every unlink of the batch: on ext4 the first one commits the journal
     * transaction holding all of them and the rest find little left to do (an fsync after each directory's
     * unlinks would commit once per directory).
     */
    private static void fsyncDirs(List<Map.Entry<File, List<String>>> tasks) throws IOException {
        for (Map.Entry<File, List<String>> t : tasks) {
            if (t.getKey().isDirectory()) {
                DataRoot.fsyncDir(t.getKey().toPath());
            }
        }
    }

    /** Drops the entries and the batch record in one atomic batch; returns the bytes freed per root. */
    private Map<UUID, Long> drop(List<SegmentIndex.Segment> found, String record) throws IOException {
        Map<UUID, Long> freed = new HashMap<>();
        try (SegmentIndex.Batch b = index.batch()) {
            for (SegmentIndex.Segment f : found) {
                b.deleteSegment(f.camera(), f.startMs());
                freed.merge(f.entry().root(), f.entry().bytes(), Long::sum);
            }
            // one merge operand per root, not per segment (thousands of operands on one key slow every read of it)
            for (Map.Entry<UUID, Long> e : freed.entrySet()) {
                b.addUsage(e.getKey(), -e.getValue());
            }
            b.deleteMeta(record);
            // Not synced: until durable, the record survives a crash and the batch is finished again.
            index.write(b, false);
        }
        for (Map.Entry<UUID, Long> e : freed.entrySet()) {
            DataRoot r = rootsById.get(e.getKey());
            if (r != null) {
                r.segmentBytes.addAndGet(-e.getValue());
            }
        }
        return freed;
    }

    /**
     * Finishes every recorded batch left unfinished (at open, and before each new batch). A batch that fails
     * again is logged and left for the next try; the others still finish. Returns the segments finished.
     */
    synchronized List<SegmentIndex.Segment> finishPending() {
        List<SegmentIndex.Segment> done = new ArrayList<>();
        if (!mayHavePending) {
            return done;
        }
        mayHavePending = false;
        for (Map.Entry<String, byte[]> r : index.metaScan(BATCH_PREFIX).entrySet()) {
            try {
                done.addAll(finish(r.getKey(), r.getValue()));
            } catch (IOException | RuntimeException e) {
                mayHavePending = true;
                LOG.log(System.Logger.Level.WARNING, "could not finish the interrupted deletion " + r.getKey() + ": "
                        + e.getMessage() + "; retried at the next deletion");
            }
        }
        return done;
    }

    /** Finishes one recorded batch: every key still GARBAGE is unlinked and dropped; the record goes. */
    private List<SegmentIndex.Segment> finish(String record, byte[] keys) throws IOException {
        List<SegmentIndex.Segment> left = new ArrayList<>();
        Map<String, long[]> decoded = decode(keys);
        if (decoded == null) {
            LOG.log(System.Logger.Level.WARNING, "deletion record " + record + " is unreadable; dropped (any entry it"
                    + " named stays marked GARBAGE and hidden; nvr verify lists it)");
        } else {
            for (Map.Entry<String, long[]> e : decoded.entrySet()) {
                for (long start : e.getValue()) {
                    SegmentIndex.Segment s = index.get(e.getKey(), start);
                    if (s != null && s.entry().state() == IndexEntry.State.GARBAGE) {
                        left.add(new SegmentIndex.Segment(e.getKey(), start, s.entry()));
                    }
                }
            }
        }
        unlink(left);
        drop(left, record);
        dropDays(left);
        return left;
    }

    /** Drops the coverage summaries of every camera-day that lost a segment (once per day, not per segment). */
    private void dropDays(List<SegmentIndex.Segment> found) throws IOException {
        Map<String, Set<Long>> days = new LinkedHashMap<>();
        for (SegmentIndex.Segment f : found) {
            days.computeIfAbsent(f.camera(), c -> new java.util.HashSet<>()).add(CoverageIndex.dayOf(f.startMs()));
        }
        if (coverage != null) {
            for (Map.Entry<String, Set<Long>> e : days.entrySet()) {
                coverage.invalidateDays(e.getKey(), e.getValue());
            }
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
     * The batch record: {@code version u8 | (camera-length u16 | camera utf8 | count i32 | count x start i64)*},
     * big-endian, starts of one camera together (8 bytes per segment).
     */
    static byte[] encode(List<SegmentIndex.Segment> found) {
        Map<String, List<Long>> byCamera = new LinkedHashMap<>();
        for (SegmentIndex.Segment f : found) {
            byCamera.computeIfAbsent(f.camera(), c -> new ArrayList<>()).add(f.startMs());
        }
        int size = 1;
        List<byte[]> names = new ArrayList<>();
        for (Map.Entry<String, List<Long>> e : byCamera.entrySet()) {
            byte[] n = e.getKey().getBytes(StandardCharsets.UTF_8);
            names.add(n);
            size += 2 + n.length + 4 + 8 * e.getValue().size();
        }
        ByteBuffer b = ByteBuffer.allocate(size).put((byte) RECORD_VERSION);
        int i = 0;
        for (List<Long> starts : byCamera.values()) {
            byte[] n = names.get(i++);
            b.putShort((short) n.length).put(n).putInt(starts.size());
            for (long s : starts) {
                b.putLong(s);
            }
        }
        return b.array();
    }

    /** camera -> starts, or null when the record is malformed (never allocates more than the record's size). */
    static Map<String, long[]> decode(byte[] v) {
        try {
            ByteBuffer b = ByteBuffer.wrap(v);
            if (b.get() != RECORD_VERSION) {
                return null;
            }
            Map<String, long[]> out = new TreeMap<>();
            while (b.hasRemaining()) {
                int len = Short.toUnsignedInt(b.getShort());
                if (len == 0 || len > b.remaining()) {
                    return null;
                }
                byte[] n = new byte[len];
                b.get(n);
                int count = b.getInt();
                if (count < 0 || count > b.remaining() / 8) {
                    return null;
                }
                long[] starts = new long[count];
                for (int i = 0; i < count; i++) {
                    starts[i] = b.getLong();
                }
                out.merge(new String(n, StandardCharsets.UTF_8), starts, (x, y) -> {
                    long[] m = java.util.Arrays.copyOf(x, x.length + y.length);
                    System.arraycopy(y, 0, m, x.length, y.length);
                    return m;
                });
            }
            return out;
        } catch (java.nio.BufferUnderflowException e) {
            return null;
        }
    }

    @Override
    public void close() {
        if (unlinkers != null) {
            unlinkers.shutdownNow();
        }
    }
}
