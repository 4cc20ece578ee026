package nvr.storage.retention;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import nvr.storage.SegmentInfo;
import nvr.storage.Store;
import nvr.storage.audit.AuditEvent;

/**
 * Decides which segments go and deletes them, oldest first by trusted time. Rules, in order:
 * <ol>
 * <li>a held segment, or a camera's newest (possibly open) segment, is never deleted;</li>
 * <li>a camera with a tier maximum loses every segment older than it, whatever the space;</li>
 * <li>a volume over its high watermark is brought down to its low watermark by deleting segments older
 *     than their camera's minimum;</li>
 * <li>only with policy {@code overwrite-oldest}, if that was not enough, the oldest segments go even
 *     under the minimum, and each such deletion is recorded as a violation.</li>
 * </ol>
 * Ages are {@code trustedNow - trustedTimeOf(segment end)} (see {@link TrustedClock}), never computed from
 * the raw wall clock.
 */
final class RetentionSweeper {
    private static final System.Logger LOG = System.getLogger(RetentionSweeper.class.getName());
    private static final long DAY = SegmentWalk.DAY_MS;

    /** What one sweep did. {@code underMinimum} maps camera -> trusted end of its youngest under-minimum deletion. */
    record Result(long deletedSegments, long deletedBytes, long deletedUnderMinimum, boolean[] stillOverHigh,
                  Map<String, Long> underMinimum, long failures) {
        boolean anyStillOver() {
            for (boolean b : stillOverHigh) {
                if (b) {
                    return true;
                }
            }
            return false;
        }
    }

    private final Store store;
    private final FootageLedger ledger;
    private final TrustedClock clock;
    private final HoldRegistry holds;

    private final java.util.function.Supplier<List<VolumeMeter.Usage>> measure;
    /**
     * Deletes batches while the sweep thread chooses the next ones: two threads, so one batch's lookup and mark
     * (index work) overlap the other's unlinks (file system work); idle threads exit.
     */
    private final java.util.concurrent.ThreadPoolExecutor deleting = new java.util.concurrent.ThreadPoolExecutor(
            Batch.IN_FLIGHT, Batch.IN_FLIGHT,
            5, java.util.concurrent.TimeUnit.SECONDS, new java.util.concurrent.LinkedBlockingQueue<>(), r -> {
                Thread t = new Thread(r, "nvr-retention-delete");
                t.setDaemon(true);
                return t;
            });

    RetentionSweeper(Store store, FootageLedger ledger, TrustedClock clock, HoldRegistry holds,
                     java.util.function.Supplier<List<VolumeMeter.Usage>> measure) {
        this.store = store;
        this.measure = measure;
        this.ledger = ledger;
        this.clock = clock;
        this.holds = holds;
        deleting.allowCoreThreadTimeOut(true);
    }

    Result sweep(RetentionConfig cfg, long now) {
        Batch batch = new Batch(now);
        holds.expire(now);
        for (String cam : ledger.cameraIds()) {
            Tier t = cfg.tierOf(cam);
            if (!t.hasMaximum()) {
                continue;
            }
            long cutoff = now - t.maxDays() * DAY;
            for (SegmentWalk w = new SegmentWalk(store, cam, ledger.days(cam), 0, cutoff); w.hasNext(); ) {
                SegmentInfo s = w.next();
                if (clock.trustedTimeOf(s.endMs()) < cutoff && deletable(s)) {
                    batch.delete(s, "max-days");
                }
            }
        }
        batch.drain(); // usage below must see these deletions
        List<VolumeMeter.Usage> usage = measure.get();
        long[] excess = new long[usage.size()];
        boolean pressure = false;
        for (int i = 0; i < excess.length; i++) {
            excess[i] = usage.get(i).excessOverLow();
            pressure |= excess[i] > 0;
        }
        if (pressure) {
            freeOldestFirst(cfg, now, excess, batch, false);
        }
        boolean[] stillOver = new boolean[usage.size()];
        boolean anyOver = false;
        for (int i = 0; i < usage.size(); i++) {
            VolumeMeter.Usage u = usage.get(i);
            long freed = u.excessOverLow() - Math.max(0, excess[i]);
            stillOver[i] = u.usedBytes() - freed > (long) (u.capacityBytes() * u.config().highWatermark());
            anyOver |= stillOver[i];
        }
        if (anyOver && cfg.policy() == RetentionPolicy.OVERWRITE_OLDEST) {
            batch.drain();
            freeOldestFirst(cfg, now, excess, batch, true);
            for (int i = 0; i < usage.size(); i++) {
                VolumeMeter.Usage u = usage.get(i);
                long freed = u.excessOverLow() - Math.max(0, excess[i]);
                stillOver[i] = u.usedBytes() - freed > (long) (u.capacityBytes() * u.config().highWatermark());
            }
        }
        batch.drain();
        batch.flushAudit();
        return new Result(batch.segments, batch.bytes, batch.underMinCount, stillOver, batch.underMin, batch.failures);
    }

    private boolean deletable(SegmentInfo s) {
        return !ledger.isNewest(s) && !store.isOpenSegment(s) && !holds.isHeld(s.camera(), s.startMs(), s.endMs());
    }

    /**
     * Deletes the oldest segments (by trusted end time, across cameras) on volumes with excess > 0 until
     * the excess is gone. Without {@code ignoreMinimum} only segments past their camera's minimum qualify.
     */
    private void freeOldestFirst(RetentionConfig cfg, long now, long[] excess, Batch batch, boolean ignoreMinimum) {
        record Head(SegmentWalk walk, long trustedEnd, int minDays) {
        }
        PriorityQueue<Head> queue = new PriorityQueue<>((a, b) -> Long.compare(a.trustedEnd(), b.trustedEnd()));
        for (String cam : ledger.cameraIds()) {
            int min = cfg.tierOf(cam).minDays();
            long to = ignoreMinimum ? Long.MAX_VALUE : now - min * DAY;
            SegmentWalk w = new SegmentWalk(store, cam, ledger.days(cam), 0, to);
            if (w.hasNext()) {
                queue.add(new Head(w, clock.trustedTimeOf(w.peek().endMs()), min));
            }
        }
        while (!queue.isEmpty() && anyPositive(excess)) {
            Head h = queue.poll();
            SegmentInfo s = h.walk().next();
            if (h.walk().hasNext()) {
                queue.add(new Head(h.walk(), clock.trustedTimeOf(h.walk().peek().endMs()), h.minDays()));
            }
            boolean pastMinimum = h.trustedEnd() <= now - h.minDays() * DAY;
            int v = ledger.volumeOf(s);
            if (excess[v] <= 0 || !deletable(s) || (!ignoreMinimum && !pastMinimum)) {
                continue;
            }
            if (batch.delete(s, pastMinimum ? "space" : "overwrite-oldest")) {
                excess[v] -= s.bytes();
                if (!pastMinimum) {
                    batch.underMinCount++;
                    batch.underMin.merge(s.camera(), h.trustedEnd(), Math::max);
                }
            }
        }
    }

    private static boolean anyPositive(long[] a) {
        for (long x : a) {
            if (x > 0) {
                return true;
            }
        }
        return false;
    }

    /**
     * Queues deletions and runs them through {@link Store#beginDelete} and {@link Store.Deletion#finish} in
     * batches, on the deleting threads so that choosing the next batch overlaps deleting this one (at most
     * {@value #IN_FLIGHT} batches in flight; {@link #drain} waits for them); writes one audit event per camera and
     * reason for the whole sweep. Byte accounting is optimistic (a segment counts as freed when queued); a batch
     * that fails before its deletion is recorded is logged and retried by the next sweep, one that fails after is
     * finished by the next deletion. Counters are written under this object's lock and read after drain.
     */
    private final class Batch {
        private static final int MAX_BATCH = 4096;
        static final int IN_FLIGHT = 2;
        private final long now;
        long segments;
        long bytes;
        long underMinCount;
        long failures;
        final Map<String, Long> underMin = new HashMap<>();
        private final Map<String, long[]> auditRanges = new HashMap<>();
        private List<SegmentInfo> pending = new ArrayList<>();
        // by identity: Store.deleteSegments returns the very instances it was given (no record hashing of paths)
        private Map<SegmentInfo, String> reasons = new java.util.IdentityHashMap<>();
        /** The reason of every pending segment; null when they differ (then {@link #reasons} has each). */
        private String soleReason;
        private final java.util.ArrayDeque<java.util.concurrent.Future<?>> inFlight = new java.util.ArrayDeque<>();

        Batch(long now) {
            this.now = now;
        }

        boolean delete(SegmentInfo s, String reason) {
            if (pending.isEmpty()) {
                soleReason = reason;
            } else if (soleReason != null && !soleReason.equals(reason)) { // mixed: one reason per segment from now
                for (SegmentInfo p : pending) {
                    reasons.put(p, soleReason);
                }
                soleReason = null;
            }
            pending.add(s);
            if (soleReason == null) {
                reasons.put(s, reason);
            }
            if (pending.size() >= MAX_BATCH) {
                flushDeletes();
            }
            return true;
        }

        /** Hands the queued segments to the deleting thread once the batch before them is done. */
        void flushDeletes() {
            if (pending.isEmpty()) {
                return;
            }
            List<SegmentInfo> work = pending;
            String sole = soleReason;
            Map<SegmentInfo, String> why = sole != null ? Map.of() : reasons;
            pending = new ArrayList<>();
            reasons = new java.util.IdentityHashMap<>();
            soleReason = null;
            while (inFlight.size() >= IN_FLIGHT) {
                awaitOldest();
            }
            inFlight.add(deleting.submit(() -> deleteNow(work, sole, why)));
        }

        /** Deletes everything queued and waits for it. */
        void drain() {
            flushDeletes();
            while (!inFlight.isEmpty()) {
                awaitOldest();
            }
        }

        private void awaitOldest() {
            try {
                inFlight.poll().get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (java.util.concurrent.ExecutionException e) {
                LOG.log(System.Logger.Level.WARNING, "retention deletion failed: " + e.getCause());
            }
        }

        private void deleteNow(List<SegmentInfo> work, String sole, Map<SegmentInfo, String> why) {
            Store.Deletion d;
            try {
                synchronized (holds.lock) {
                    // Re-checked under the lock until the deletion is recorded: a hold created since the segment was
                    // chosen wins; one created after it finds the segment gone.
                    work.removeIf(s -> holds.isHeld(s.camera(), s.startMs(), s.endMs()));
                    d = store.beginDelete(work);
                }
            } catch (IOException | RuntimeException e) {
                synchronized (this) {
                    failures += work.size();
                }
                LOG.log(System.Logger.Level.WARNING, "retention could not delete " + work.size() + " segments (first "
                        + (work.isEmpty() ? "-" : work.get(0).file()) + "): " + e.getMessage()
                        + "; they are retried on the next sweep");
                return;
            }
            List<SegmentInfo> done = d.segments();
            ledger.removed(done);
            account(done, sole, why);
            try {
                d.finish();
            } catch (IOException | RuntimeException e) {
                synchronized (this) {
                    failures += done.size();
                }
                LOG.log(System.Logger.Level.WARNING, "retention recorded the deletion of " + done.size() + " segments"
                        + " but could not finish it (first " + (done.isEmpty() ? "-" : done.get(0).file()) + "): "
                        + e.getMessage() + "; the next deletion finishes it");
            }
        }

        private synchronized void account(List<SegmentInfo> done, String sole, Map<SegmentInfo, String> why) {
            long[] r = null;
            String rCamera = null;
            String rReason = null;
            for (SegmentInfo s : done) {
                segments++;
                bytes += s.bytes();
                String reason = sole != null ? sole : why.get(s);
                if (r == null || !s.camera().equals(rCamera) || !reason.equals(rReason)) { // runs share one key
                    rCamera = s.camera();
                    rReason = reason;
                    r = auditRanges.computeIfAbsent(rCamera + "\u0000" + rReason,
                            k -> new long[]{Long.MAX_VALUE, Long.MIN_VALUE, 0, 0});
                }
                r[0] = Math.min(r[0], s.startMs());
                r[1] = Math.max(r[1], s.endMs());
                r[2]++;
                r[3] += s.bytes();
            }
        }

        void flushAudit() {
            List<String> keys = new ArrayList<>(auditRanges.keySet());
            keys.sort(null);
            for (String k : keys) {
                long[] r = auditRanges.get(k);
                String[] camReason = k.split("\u0000", 2);
                try {
                    store.audit(new AuditEvent(now, "retention", "retention-delete", camReason[0], r[0], r[1],
                            "reason=" + camReason[1] + " segments=" + r[2] + " bytes=" + r[3]));
                } catch (RuntimeException e) {
                    LOG.log(System.Logger.Level.WARNING, "cannot audit retention deletions of camera " + camReason[0]
                            + ": " + e.getMessage());
                }
            }
        }
    }
}
