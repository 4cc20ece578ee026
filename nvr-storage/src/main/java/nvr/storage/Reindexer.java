package nvr.storage;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Indexes, on a background thread, the segment files on the data roots that a new index does not list: the index
 * lives in the first root, so when that disk is replaced the other roots still hold footage nobody can play back
 * or retention can delete. The store opens and records at once (recovery leaves these files alone); this indexes
 * them, each camera's newest day first (what is asked for most), reading every record's CRC: a day of footage
 * takes seconds to minutes, months hours.
 *
 * <p>Each file is claimed as a writer claims a new segment (listed in the {@link OpenSegmentSet} while its entry is
 * written, stamped when it leaves), so a deletion that read the index before never covers the new entry with a
 * range drop. Retention does not sweep until this is complete ({@link Store#reindexing}), then recounts its ledger.
 */
final class Reindexer implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(Reindexer.class.getName());

    /** Index meta key present while footage is left to index: a restart resumes. */
    static final String PENDING = "reindex|pending";
    private final java.util.Map<UUID, DataRoot> rootsById;
    private final List<DataRoot> roots;
    private final SegmentIndex index;
    private final OpenSegmentSet open;
    private final Thread thread;
    private final CountDownLatch done = new CountDownLatch(1);
    private volatile boolean closed;
    /** Every day is indexed (false while running, and after a failure or an early close). */
    private volatile boolean complete;
    private long files;
    private long bytes;

    Reindexer(SegmentIndex index, java.util.Map<UUID, DataRoot> rootsById, List<DataRoot> roots, OpenSegmentSet open) {
        this.rootsById = rootsById;
        this.roots = roots;
        this.index = index;
        this.open = open;
        this.thread = new Thread(this::run, "nvr-reindex");
        thread.setDaemon(true);
    }

    /** True when some root holds a camera day directory. */
    static boolean needed(List<DataRoot> roots) throws IOException {
        for (DataRoot r : roots) {
            for (Path camDir : Recovery.subdirs(r.segmentsDir())) {
                if (!Recovery.subdirs(camDir).isEmpty()) {
                    return true;
                }
            }
        }
        return false;
    }

    void start() throws IOException {
        try (SegmentIndex.Batch b = index.batch()) {
            b.putMeta(PENDING, new byte[0]);
            index.write(b, true);
        }
        LOG.log(System.Logger.Level.WARNING, "the index does not list the footage on the data roots (a new first"
                + " root?): indexing it in the background, newest first; recording goes on, and that footage plays back"
                + " as it is indexed");
        thread.start();
    }

    boolean complete() {
        return complete;
    }

    /** Waits until the thread is done (complete, failed or closed); false on timeout. */
    boolean await(long timeoutMs) throws InterruptedException {
        return done.await(timeoutMs, TimeUnit.MILLISECONDS);
    }

    private void run() {
        try {
            for (DataRoot r : roots) {
                for (Path camDir : Recovery.subdirs(r.segmentsDir())) {
                    String camera = camDir.getFileName().toString();
                    if (!DataRoot.validCameraId(camera)) {
                        continue;
                    }
                    List<Path> days = new java.util.ArrayList<>(Recovery.subdirs(camDir));
                    java.util.Collections.reverse(days); // newest first
                    for (Path day : days) {
                        if (closed) {
                            return;
                        }
                        indexDay(r, camera, day);
                    }
                }
            }
            try (SegmentIndex.Batch b = index.batch()) {
                b.deleteMeta(PENDING);
                index.write(b, true);
            }
            complete = true;
            LOG.log(System.Logger.Level.WARNING, "indexed " + files + " segment files (" + bytes
                    + " bytes) the index did not list");
        } catch (IOException | RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR, "indexing the footage the new index did not list stopped after "
                    + files + " files: " + e + "; restart the NVR to resume it");
        } finally {
            done.countDown();
        }
    }

    private void indexDay(DataRoot root, String camera, Path day) throws IOException {
        Recovery recovery = new Recovery(index, rootsById, roots); // per day: its report of every file is dropped
        List<Path> segs;
        try {
            segs = Recovery.segmentFiles(day);
        } catch (java.nio.file.NoSuchFileException e) {
            return; // gone meanwhile (a deletion moved it): nothing to index
        }
        for (Path f : segs) {
            Long start = Recovery.startOf(f);
            if (closed || start == null) {
                continue;
            }
            String key = RootWriter.segmentKey(camera, start);
            if (!open.add(key)) {
                continue; // a writer's segment
            }
            try {
                if (index.get(camera, start) == null && Files.exists(f)) {
                    long n = recovery.indexStray(root, camera, start, f);
                    root.segmentBytes.addAndGet(n);
                    files += n > 0 ? 1 : 0;
                    bytes += n;
                }
            } finally {
                open.remove(key); // stamps the camera: a deletion that read the index before reads it again
            }
        }
    }

    /** Stops after the file being indexed; what is left is indexed again after the next open (still unlisted). */
    @Override
    public void close() {
        closed = true;
        try {
            thread.join(TimeUnit.SECONDS.toMillis(30));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
