package nvr.storage;

import java.io.File;
import java.nio.file.Path;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * Frees what deletions moved into the roots' {@link SegmentTrash} directories: one background thread unlinks the
 * files, then removes the emptied directories. A deletion is finished (index dropped, files out of
 * {@code segments/}) before this starts, so the cost of freeing blocks (about 1 ms per 2 MB file on ext4 with
 * {@code discard}) never holds up retention, a reader or ingest. It yields while deletions are running, so on a
 * 2-core box it does not take their CPU. Anything left at close or crash is reaped after the next open.
 */
final class TrashReaper implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(TrashReaper.class.getName());
    /** How long to stay out of the way of running deletions before working anyway (a sweep can run for minutes). */
    private static final long MAX_YIELD_NANOS = TimeUnit.SECONDS.toNanos(2);

    private record Job(SegmentTrash trash, Path dir, long bytes) {
    }

    private final LinkedBlockingQueue<Job> jobs = new LinkedBlockingQueue<>();
    /** True while deletions are running (see {@link SegmentDeleter#active}). */
    private final BooleanSupplier deletionsActive;
    private final Thread thread;
    private volatile boolean closed;
    /** Jobs queued or being reaped (tests and benchmarks wait for 0). */
    private final java.util.concurrent.atomic.AtomicInteger outstanding = new java.util.concurrent.atomic.AtomicInteger();

    TrashReaper(BooleanSupplier deletionsActive) {
        this.deletionsActive = deletionsActive;
        this.thread = new Thread(this::run, "nvr-trash-reaper");
        thread.setDaemon(true);
        thread.start();
    }

    /** Queues one batch directory of trash holding about bytes (counted as pending until unlinked). */
    void submit(SegmentTrash trash, Path dir, long bytes) {
        trash.pendingBytes.addAndGet(bytes);
        outstanding.incrementAndGet();
        jobs.add(new Job(trash, dir, bytes));
    }

    /** Waits until every queued batch is reaped; false on timeout. */
    boolean awaitIdle(long timeoutMs) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        while (outstanding.get() > 0) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(2);
        }
        return true;
    }

    private void run() {
        while (!closed) {
            Job j;
            try {
                j = jobs.poll(1, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                return;
            }
            if (j == null) {
                continue;
            }
            try {
                reap(j);
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "could not free " + j.dir() + ": " + e
                        + "; it is freed after the next start");
            } finally {
                outstanding.decrementAndGet();
            }
        }
    }

    private void reap(Job j) {
        long[] left = {j.bytes()};
        boolean[] failed = {false};
        removeTree(j.dir().toFile(), j.trash(), left, failed);
        j.trash().pendingBytes.addAndGet(-left[0]); // what the file sizes did not account for
        if (failed[0]) {
            LOG.log(System.Logger.Level.WARNING, "could not delete everything in " + j.dir() + "; check its"
                    + " permissions (it is tried again after the next start)");
        }
    }

    /** Depth first: files, then the directory itself. Stops early when closed (the rest waits for the next open). */
    private void removeTree(File d, SegmentTrash trash, long[] left, boolean[] failed) {
        File[] children = d.listFiles();
        if (children != null) {
            for (File c : children) {
                if (closed) {
                    return;
                }
                if (c.isDirectory()) {
                    removeTree(c, trash, left, failed);
                    continue;
                }
                yieldToDeletions();
                long len = c.length();
                if (c.delete()) {
                    long n = Math.min(len, left[0]);
                    left[0] -= n;
                    trash.pendingBytes.addAndGet(-n);
                } else if (c.exists()) {
                    failed[0] = true;
                }
            }
        }
        if (!closed && !d.delete() && d.exists()) {
            failed[0] = true;
        }
    }

    /** After yielding the longest, work this long before yielding again: a long sweep must not starve the reaper. */
    private static final long MIN_WORK_NANOS = TimeUnit.MILLISECONDS.toNanos(500);
    private long workUntil;

    private void yieldToDeletions() {
        long now = System.nanoTime();
        if (now - workUntil < 0) {
            return;
        }
        long until = now + MAX_YIELD_NANOS;
        while (deletionsActive.getAsBoolean() && !closed) {
            if (System.nanoTime() - until > 0) {
                workUntil = System.nanoTime() + MIN_WORK_NANOS;
                return;
            }
            java.util.concurrent.locks.LockSupport.parkNanos(5_000_000L);
        }
    }

    /** Stops the thread (waits for the file being unlinked); what is left stays in the trash for the next open. */
    @Override
    public void close() {
        closed = true;
        thread.interrupt();
        try {
            thread.join(TimeUnit.SECONDS.toMillis(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
