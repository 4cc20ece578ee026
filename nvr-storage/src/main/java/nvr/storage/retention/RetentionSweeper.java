package nvr.storage.retention;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import nvr.storage.SegmentRun;
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
            FootageLedger.Newest newest = ledger.newest(cam);
            SegmentWalk w = new SegmentWalk(store, cam, ledger.days(cam), 0, cutoff);
            for (SegmentRun r; (r = w.nextRun()) != null; ) {
                Exclusions x = new Exclusions(r, newest);
                for (int i = 0; i < r.size(); i++) {
                    if (clock.trustedTimeOf(r.endMs(i)) < cutoff && x.deletable(i)) {
                        r.select(i);
                    }
                }
                batch.add(r, "max-days", null);
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

    /**
     * Rule 1 for the entries of one run, checked once per run where it can be: the camera's newest segments (from
     * a ledger snapshot), then holds and open segments only when one touches the run at all.
     */
    private final class Exclusions {
        private final SegmentRun run;
        private final FootageLedger.Newest newest;
        private final boolean anyHeld;
        private final boolean anyOpen;

        Exclusions(SegmentRun run, FootageLedger.Newest newest) {
            this.run = run;
            this.newest = newest;
            long first = run.startMs(0);
            long last = run.startMs(run.size() - 1);
            this.anyHeld = holds.isHeld(run.camera(), first, run.maxEndMs()); // a hold over any part of the run
            this.anyOpen = store.anyOpenSegment(run.camera(), first, last);
        }

        boolean deletable(int i) {
            long start = run.startMs(i);
            return !newest.contains(start)
                    && (!anyOpen || !store.isOpenSegment(run.camera(), start))
                    && (!anyHeld || !holds.isHeld(run.camera(), start, run.endMs(i)));
        }
    }

    /** One camera's walk in {@link #freeOldestFirst}: the run being consumed and the next entry in it. */
    private final class Cursor {
        final SegmentWalk walk;
        final int minDays;
        final FootageLedger.Newest newest;
        SegmentRun run;
        Exclusions exclusions;
        /** Reasons of the run's entries, per entry; only where they can differ (overwrite-oldest). */
        String[] why;
        int i;
        long trustedEnd;

        Cursor(SegmentWalk walk, int minDays, FootageLedger.Newest newest) {
            this.walk = walk;
            this.minDays = minDays;
            this.newest = newest;
        }

        /** Moves to the next run; false when the walk is done. */
        boolean load(boolean ignoreMinimum) {
            run = walk.nextRun();
            if (run == null) {
                return false;
            }
            exclusions = new Exclusions(run, newest);
            why = ignoreMinimum ? new String[run.size()] : null;
            i = 0;
            trustedEnd = clock.trustedTimeOf(run.endMs(0));
            return true;
        }

        /** Hands what this cursor selected so far to the batch. */
        void hand(Batch batch) {
            if (run == null || run.selectedCount() == 0) {
                return;
            }
            if (why == null) {
                batch.add(run.takeSelected(), "space", null);
                return;
            }
            String[] reasons = new String[run.selectedCount()]; // per entry of the run takeSelected makes
            int n = 0;
            for (int k = 0; k < run.size() && n < reasons.length; k++) {
                if (run.isSelected(k)) {
                    reasons[n++] = why[k];
                }
            }
            batch.add(run.takeSelected(), null, reasons);
        }
    }

    /**
     * Deletes the oldest segments (by trusted end time, across cameras) on volumes with excess > 0 until
     * the excess is gone. Without {@code ignoreMinimum} only segments past their camera's minimum qualify.
     * Cameras are merged by their next entry's trusted end; the oldest camera's entries are taken in a row for as
     * long as they stay older than every other camera's next one.
     */
    private void freeOldestFirst(RetentionConfig cfg, long now, long[] excess, Batch batch, boolean ignoreMinimum) {
        PriorityQueue<Cursor> queue = new PriorityQueue<>((a, b) -> Long.compare(a.trustedEnd, b.trustedEnd));
        List<Cursor> all = new ArrayList<>();
        for (String cam : ledger.cameraIds()) {
            int min = cfg.tierOf(cam).minDays();
            long to = ignoreMinimum ? Long.MAX_VALUE : now - min * DAY;
            Cursor c = new Cursor(new SegmentWalk(store, cam, ledger.days(cam), 0, to), min, ledger.newest(cam));
            if (c.load(ignoreMinimum)) {
                queue.add(c);
                all.add(c);
            }
        }
        while (!queue.isEmpty() && anyPositive(excess)) {
            Cursor h = queue.poll();
            long bound = queue.isEmpty() ? Long.MAX_VALUE : queue.peek().trustedEnd;
            boolean alive = true;
            do {
                SegmentRun r = h.run;
                int i = h.i;
                boolean pastMinimum = h.trustedEnd <= now - h.minDays * DAY;
                int v = r.rootPath(i) == null ? 0 : ledger.volumeOfRoot(r.rootPath(i));
                if (excess[v] > 0 && (ignoreMinimum || pastMinimum) && h.exclusions.deletable(i)) {
                    r.select(i);
                    if (h.why != null) {
                        h.why[i] = pastMinimum ? "space" : "overwrite-oldest";
                    }
                    excess[v] -= r.bytes(i);
                    if (!pastMinimum) {
                        batch.underMinCount++;
                        batch.underMin.merge(r.camera(), h.trustedEnd, Math::max);
                    }
                }
                if (++h.i == r.size()) {
                    h.hand(batch);
                    alive = h.load(ignoreMinimum);
                } else {
                    h.trustedEnd = clock.trustedTimeOf(r.endMs(h.i));
                }
            } while (alive && h.trustedEnd <= bound && anyPositive(excess));
            if (alive) {
                queue.add(h);
            }
            // A cursor hands its run's selection when it leaves the run, whole: handing every cursor's part every
            // few thousand entries cut each camera-day into ~64-entry pieces, ~23 range tombstones a day instead of
            // 2, and the batch holds back an incomplete camera-day anyway.
        }
        for (Cursor c : all) {
            c.hand(batch);
        }
    }

    private record CameraDay(String camera, long day) {
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
     * Queues runs with selected entries and deletes them through {@link Store#beginDeleteRuns} and
     * {@link Store.Deletion#finish} in batches, on the deleting threads so that choosing the next batch overlaps
     * deleting this one (at most {@value #IN_FLIGHT} batches in flight; {@link #drain} waits for them); writes one
     * audit event per camera and reason for the whole sweep. Byte accounting is optimistic (a segment counts as
     * freed when queued); a batch that fails before its deletion is recorded is logged and retried by the next
     * sweep, one that fails after is finished by the next deletion. Counters are written under this object's lock
     * and read after drain.
     */
    private final class Batch {
        static final int MAX_BATCH = 4096;
        /** The first batch of a sweep is smaller: its unlinks start while the next batches are chosen. */
        static final int FIRST_BATCH = 1024;
        static final int IN_FLIGHT = 2;
        /**
         * Entries queued before whatever is queued goes, complete days or not: an oldest-first choice across 64
         * cameras completes no camera-day before it has chosen about a day of every camera (92,160 entries).
         */
        static final int MAX_PENDING = 262_144;
        private final long now;
        long segments;
        long bytes;
        long underMinCount;
        long failures;
        final Map<String, Long> underMin = new HashMap<>();
        private final Map<String, long[]> auditRanges = new HashMap<>();
        /**
         * Queued runs (with their reason, or null and one reason per entry of the run), grouped by camera-day: a
         * batch takes whole camera-days where it can, so the store moves each day directory away in one rename
         * instead of file by file (see Store.beginDeleteRuns). Runs never span two days (SegmentWalk).
         */
        private final Map<CameraDay, List<Object[]>> pending = new java.util.LinkedHashMap<>();
        /** Per camera, the latest day queued: only that day of the camera may still grow (walks go oldest first). */
        private final Map<String, Long> latestDay = new HashMap<>();
        private int pendingCount;
        private int flushed;
        private final java.util.ArrayDeque<java.util.concurrent.Future<?>> inFlight = new java.util.ArrayDeque<>();

        Batch(long now) {
            this.now = now;
        }

        /** Queues run's selected entries (the run is the batch's from now on). */
        void add(SegmentRun run, String reason, String[] reasons) {
            if (run.selectedCount() == 0) {
                return;
            }
            CameraDay key = new CameraDay(run.camera(), Math.floorDiv(run.startMs(0), DAY));
            pending.computeIfAbsent(key, k -> new ArrayList<>()).add(new Object[] {run, reason, reasons});
            latestDay.merge(key.camera(), key.day(), Math::max);
            pendingCount += run.selectedCount();
            int limit = flushed == 0 ? FIRST_BATCH : MAX_BATCH;
            if (pendingCount >= limit) {
                flushDeletes(pendingCount >= MAX_PENDING ? 0 : limit);
            }
        }

        /**
         * Hands complete camera-days (a camera's days before its latest queued one), in batches of whole camera-days
         * of at least minCount entries (and about MAX_BATCH at most), to the deleting threads; with minCount 0
         * everything queued goes.
         */
        void flushDeletes(int minCount) {
            List<Object[]> work = new ArrayList<>();
            int count = 0;
            for (var it = pending.entrySet().iterator(); it.hasNext(); ) {
                var e = it.next();
                if (minCount > 0 && e.getKey().day() >= latestDay.get(e.getKey().camera())) {
                    continue; // the camera's walk may still add to this day
                }
                it.remove();
                for (Object[] w : e.getValue()) {
                    work.add(w);
                    count += ((SegmentRun) w[0]).selectedCount();
                }
                if (count >= MAX_BATCH) {
                    submit(work, count);
                    work = new ArrayList<>();
                    count = 0;
                }
            }
            if (count > 0 && count >= minCount) {
                submit(work, count);
            } else {
                for (Object[] w : work) { // too few complete days yet: back in the queue (order kept per day)
                    SegmentRun r = (SegmentRun) w[0];
                    pending.computeIfAbsent(new CameraDay(r.camera(), Math.floorDiv(r.startMs(0), DAY)),
                            k -> new ArrayList<>()).add(w);
                }
            }
        }

        private void submit(List<Object[]> work, int count) {
            pendingCount -= count;
            flushed++;
            while (inFlight.size() >= IN_FLIGHT) {
                awaitOldest();
            }
            inFlight.add(deleting.submit(() -> deleteNow(work)));
        }

        /** Deletes everything queued and waits for it. */
        void drain() {
            flushDeletes(0);
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

        private void deleteNow(List<Object[]> work) {
            List<SegmentRun> runs = new ArrayList<>(work.size());
            int count = 0;
            Store.Deletion d;
            try {
                synchronized (holds.lock) {
                    // Re-checked under the lock until the deletion is recorded: a hold created since the segment was
                    // chosen wins; one created after it finds the segment gone.
                    for (Object[] w : work) {
                        SegmentRun r = (SegmentRun) w[0];
                        if (holds.isHeld(r.camera(), r.startMs(0), r.maxEndMs())) {
                            for (int i = 0; i < r.size(); i++) {
                                if (r.isSelected(i) && holds.isHeld(r.camera(), r.startMs(i), r.endMs(i))) {
                                    r.deselect(i);
                                }
                            }
                        }
                        runs.add(r);
                        count += r.selectedCount();
                    }
                    d = store.beginDeleteRuns(runs);
                }
            } catch (IOException | RuntimeException e) {
                synchronized (this) {
                    failures += count;
                }
                LOG.log(System.Logger.Level.WARNING, "retention could not delete " + count + " segments (first of camera "
                        + (runs.isEmpty() ? "-" : runs.get(0).camera()) + "): " + e.getMessage()
                        + "; they are retried on the next sweep");
                return;
            }
            int done = 0;
            for (SegmentRun r : runs) {
                ledger.removed(r);
            }
            done = account(work);
            try {
                d.finish();
            } catch (IOException | RuntimeException e) {
                synchronized (this) {
                    failures += done;
                }
                LOG.log(System.Logger.Level.WARNING, "retention recorded the deletion of " + done + " segments"
                        + " but could not finish it (first of camera " + runs.get(0).camera() + "): "
                        + e.getMessage() + "; the next deletion finishes it");
            }
        }

        /** Counts and audits the deleted entries of work; returns how many. */
        private synchronized int account(List<Object[]> work) {
            int n = 0;
            for (Object[] w : work) {
                SegmentRun r = (SegmentRun) w[0];
                String sole = (String) w[1];
                String[] why = (String[]) w[2];
                long[] range = null;
                String rReason = null;
                for (int i = 0; i < r.size(); i++) {
                    if (!r.isDeleted(i)) {
                        continue;
                    }
                    String reason = sole != null ? sole : why[i];
                    n++;
                    segments++;
                    bytes += r.bytes(i);
                    if (range == null || !reason.equals(rReason)) {
                        rReason = reason;
                        range = auditRanges.computeIfAbsent(r.camera() + "\u0000" + reason,
                                k -> new long[]{Long.MAX_VALUE, Long.MIN_VALUE, 0, 0});
                    }
                    range[0] = Math.min(range[0], r.startMs(i));
                    range[1] = Math.max(range[1], r.endMs(i));
                    range[2]++;
                    range[3] += r.bytes(i);
                }
            }
            return n;
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
