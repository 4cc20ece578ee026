package nvr.storage.retention;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import nvr.storage.SegmentInfo;
import nvr.storage.Store;

/**
 * What footage each camera has, in per-day tallies (bytes, recorded time, segments) and per-volume bytes,
 * kept in memory so that watermark checks, status and plan never scan the whole index.
 *
 * <p>Built by one full walk of the index ({@link #reconcile}), then kept current by {@link #refresh}: each
 * camera's newest segments are re-read from the newest one seen (it may still be growing), plus, while the
 * wall clock is behind the newest footage, a window around the wall clock (new footage then lands below the
 * newest stamps). Deletions made by retention are subtracted as they happen. Invariant: {@code recent} holds
 * every counted segment whose start lies in the refresh windows, so a re-read segment replaces its old count
 * instead of adding to it. Anything else that changes the index is picked up by the next reconcile.
 */
final class FootageLedger {
    /** Width of the refresh window around a wall clock that is behind the newest footage. */
    private static final long BEHIND_WINDOW_MS = 6 * 3_600_000L;
    /** Entries per index read of {@link #load}. */
    private static final int LOAD_RUN = 4096;

    static final class DayTally {
        long bytes;
        long recordedMs;
        int segments;
        /** Earliest segment start ever added to this day (not lowered back on delete; used for rates only). */
        long minStartMs = Long.MAX_VALUE;
    }

    static final class CameraFootage {
        final String camera;
        final TreeMap<Long, DayTally> days = new TreeMap<>();
        final long[] volumeBytes;
        TreeMap<Long, SegmentInfo> recent = new TreeMap<>();
        long totalBytes;
        long recordedMs;
        long segments;
        /** The tally {@link #add} changed last (consecutive segments share a day); may be one removed since. */
        DayTally lastAdded;
        long lastAddedDay;
        /** Start of the newest segment seen, or Long.MIN_VALUE. */
        long tailStartMs = Long.MIN_VALUE;

        CameraFootage(String camera, int volumes) {
            this.camera = camera;
            this.volumeBytes = new long[volumes];
        }

        long newestEndMs() {
            long n = Long.MIN_VALUE;
            for (SegmentInfo s : recent.values()) {
                n = Math.max(n, s.endMs());
            }
            return n;
        }
    }

    private final Store store;
    private final List<Path> roots;
    private final Map<String, CameraFootage> cameras = new HashMap<>();

    FootageLedger(Store store, List<VolumeConfig> volumes) {
        this.store = store;
        this.roots = new ArrayList<>();
        for (VolumeConfig v : volumes) {
            roots.add(v.root().toAbsolutePath().normalize());
        }
    }

    /** Index of the data root holding a segment file (0 when it lies under none of them). */
    int volumeOf(SegmentInfo s) {
        Path f = s.file();
        // the Store names files under its normalized absolute roots
        return f == null || !f.isAbsolute() ? 0 : volumeOfRoot(f);
    }

    /** Rebuilds every camera's tallies from the index. */
    void reconcile(long wallMs) {
        // Built outside the lock (only the retention thread changes the ledger), so status and plan calls
        // keep answering from the old tallies while a big index is read.
        Map<String, CameraFootage> fresh = new HashMap<>();
        for (String cam : store.cameraIds()) {
            fresh.put(cam, load(cam, wallMs));
        }
        synchronized (this) {
            cameras.clear();
            cameras.putAll(fresh);
        }
    }

    /** Newest segment end among segments starting after {@code sinceMs} (cheap: a tail query per camera). */
    long newestFootageSince(long sinceMs) {
        long n = Long.MIN_VALUE;
        for (String cam : store.cameraIds()) {
            for (SegmentInfo s : store.segments(cam, sinceMs, Long.MAX_VALUE)) {
                n = Math.max(n, s.endMs());
            }
        }
        return n;
    }

    private CameraFootage load(String cam, long wallMs) {
        CameraFootage c = new CameraFootage(cam, roots.size());
        SegmentInfo last = null;
        TreeMap<Long, SegmentInfo> nearWall = new TreeMap<>();
        // At start and at the daily reconcile only: the index read in runs, an object only for the segments kept.
        long from = 0;
        while (true) {
            nvr.storage.SegmentRun r = store.segmentRun(cam, from, Long.MAX_VALUE, LOAD_RUN);
            Path root = null;
            int volume = 0;
            for (int i = 0; i < r.size(); i++) {
                long start = r.startMs(i);
                if (i == 0 || r.rootPath(i) != root) {
                    root = r.rootPath(i);
                    volume = root == null ? 0 : volumeOfRoot(root);
                }
                add(c, start, r.endMs(i), r.bytes(i), volume);
                if (start >= wallMs - BEHIND_WINDOW_MS && start <= wallMs + BEHIND_WINDOW_MS) {
                    nearWall.put(start, r.info(i));
                }
            }
            if (r.size() > 0) {
                last = r.info(r.size() - 1);
            }
            if (!r.isFull()) {
                break;
            }
            from = r.resumeFromMs();
        }
        if (last != null) {
            c.tailStartMs = last.startMs();
            c.recent.put(last.startMs(), last);
            if (wallMs + BEHIND_WINDOW_MS < last.startMs()) {
                c.recent.putAll(nearWall);
            }
        }
        return c;
    }

    /** Picks up footage written since the last refresh; loads cameras seen for the first time. */
    synchronized void refresh(long wallMs) {
        for (String cam : store.cameraIds()) {
            CameraFootage c = cameras.get(cam);
            if (c == null) {
                cameras.put(cam, load(cam, wallMs));
                continue;
            }
            List<SegmentInfo> got = new ArrayList<>();
            long tail = c.tailStartMs == Long.MIN_VALUE ? 0 : c.tailStartMs;
            got.addAll(store.segmentsStarting(cam, tail, Long.MAX_VALUE, Integer.MAX_VALUE));
            if (wallMs + BEHIND_WINDOW_MS < tail) {
                // Clock behind the newest footage: new segments are stamped near the wall clock, below the tail.
                long from = wallMs - BEHIND_WINDOW_MS;
                Map.Entry<Long, SegmentInfo> wallTail = c.recent.floorEntry(wallMs + BEHIND_WINDOW_MS);
                if (wallTail != null && wallTail.getKey() < tail) {
                    from = Math.min(from, wallTail.getKey());
                }
                got.addAll(store.segmentsStarting(cam, from, Math.min(wallMs + BEHIND_WINDOW_MS, tail), Integer.MAX_VALUE));
            }
            TreeMap<Long, SegmentInfo> next = new TreeMap<>();
            for (SegmentInfo s : got) {
                SegmentInfo old = c.recent.get(s.startMs());
                if (old != null) {
                    subtract(c, old);
                }
                add(c, s);
                next.put(s.startMs(), s);
                c.tailStartMs = Math.max(c.tailStartMs, s.startMs());
            }
            c.recent = next;
        }
    }

    /** Retention deleted this segment. */
    synchronized void removed(SegmentInfo s) {
        CameraFootage c = cameras.get(s.camera());
        if (c == null) {
            return;
        }
        SegmentInfo counted = c.recent.remove(s.startMs());
        subtract(c, counted != null ? counted : s);
    }

    /** Retention deleted the entries of run that {@link nvr.storage.SegmentRun#isDeleted} (one lock per run). */
    synchronized void removed(nvr.storage.SegmentRun run) {
        CameraFootage c = cameras.get(run.camera());
        if (c == null) {
            return;
        }
        long day = Long.MIN_VALUE;
        DayTally d = null;
        Path root = null;
        int volume = 0;
        long recentFrom = c.recent.isEmpty() ? Long.MAX_VALUE : c.recent.firstKey();
        for (int i = 0; i < run.size(); i++) {
            if (!run.isDeleted(i)) {
                continue;
            }
            long start = run.startMs(i);
            if (start >= recentFrom) {
                SegmentInfo counted = c.recent.remove(start);
                if (counted != null) {
                    subtract(c, counted);
                    continue;
                }
            }
            if (i == 0 || run.rootPath(i) != root) { // entries of a run share their root almost always
                root = run.rootPath(i);
                volume = root == null ? 0 : volumeOfRoot(root);
            }
            long segDay = Math.floorDiv(start, SegmentWalk.DAY_MS);
            if (segDay != day) {
                day = segDay;
                d = c.days.get(day);
            }
            long bytes = run.bytes(i);
            long dur = Math.max(0, run.endMs(i) - start);
            if (d != null) {
                d.bytes -= bytes;
                d.recordedMs -= dur;
                if (--d.segments <= 0) {
                    c.days.remove(day);
                    c.lastAdded = null; // add() must not reuse a removed tally
                    d = null;
                }
            }
            c.volumeBytes[volume] -= bytes;
            c.totalBytes -= bytes;
            c.recordedMs -= dur;
            c.segments--;
        }
    }

    /** Index of the volume a data root (or a file) lies under, the deepest one (0 when under none). */
    int volumeOfRoot(Path root) {
        if (roots.size() <= 1) {
            return 0;
        }
        int best = 0;
        int bestLen = -1;
        for (int i = 0; i < roots.size(); i++) {
            if (root.startsWith(roots.get(i)) && roots.get(i).getNameCount() > bestLen) {
                best = i;
                bestLen = roots.get(i).getNameCount();
            }
        }
        return best;
    }

    /** Retention deleted these segments (one lock for a whole batch). */
    synchronized void removed(List<SegmentInfo> deleted) {
        for (SegmentInfo s : deleted) {
            removed(s);
        }
    }

    private void add(CameraFootage c, SegmentInfo s) {
        add(c, s.startMs(), s.endMs(), s.bytes(), volumeOf(s));
    }

    private void add(CameraFootage c, long startMs, long endMs, long bytes, int volume) {
        long day = Math.floorDiv(startMs, SegmentWalk.DAY_MS);
        DayTally d = c.lastAdded != null && c.lastAddedDay == day ? c.lastAdded
                : c.days.computeIfAbsent(day, k -> new DayTally());
        c.lastAdded = d;
        c.lastAddedDay = day;
        long dur = Math.max(0, endMs - startMs);
        d.bytes += bytes;
        d.recordedMs += dur;
        d.segments++;
        d.minStartMs = Math.min(d.minStartMs, startMs);
        c.volumeBytes[volume] += bytes;
        c.totalBytes += bytes;
        c.recordedMs += dur;
        c.segments++;
    }

    private void subtract(CameraFootage c, SegmentInfo s) {
        long day = Math.floorDiv(s.startMs(), SegmentWalk.DAY_MS);
        DayTally d = c.days.get(day);
        long dur = Math.max(0, s.endMs() - s.startMs());
        if (d != null) {
            d.bytes -= s.bytes();
            d.recordedMs -= dur;
            if (--d.segments <= 0) {
                c.days.remove(day);
                c.lastAdded = null; // add() must not reuse a removed tally
            }
        }
        c.volumeBytes[volumeOf(s)] -= s.bytes();
        c.totalBytes -= s.bytes();
        c.recordedMs -= dur;
        c.segments--;
    }

    /** Bytes of segments on each volume, summed over cameras. */
    synchronized long[] volumeBytes() {
        long[] v = new long[roots.size()];
        for (CameraFootage c : cameras.values()) {
            for (int i = 0; i < v.length; i++) {
                v[i] += c.volumeBytes[i];
            }
        }
        return v;
    }

    /** A consistent copy of one camera's summary, or null when the camera has no footage. */
    synchronized CameraSummary summary(String cam) {
        CameraFootage c = cameras.get(cam);
        if (c == null || c.segments == 0) {
            return null;
        }
        long firstDay = c.days.firstKey();
        long lastDay = c.days.lastKey();
        long recentBytes = 0;
        long recentMs = 0;
        long recentStart = Long.MAX_VALUE;
        // Rates over the newest 7 recorded days: what the next days will cost.
        for (DayTally d : c.days.tailMap(lastDay - 6, true).values()) {
            recentBytes += d.bytes;
            recentMs += d.recordedMs;
            recentStart = Math.min(recentStart, d.minStartMs);
        }
        long newest = c.newestEndMs();
        SegmentInfo last = c.recent.isEmpty() ? null : c.recent.lastEntry().getValue();
        long bytesPerDay;
        if (last != null && last.startMs() > recentStart) {
            // Bytes of the segments before the newest, over the time from the first one's start to the newest's
            // start: exact for periodic and continuous recording alike (no fence-post error).
            bytesPerDay = (long) ((recentBytes - last.bytes()) * (double) SegmentWalk.DAY_MS / (last.startMs() - recentStart));
        } else {
            bytesPerDay = (long) (recentBytes * (double) SegmentWalk.DAY_MS / Math.max(3_600_000L, newest - recentStart));
        }
        return new CameraSummary(cam, firstDay * SegmentWalk.DAY_MS, newest, c.totalBytes, c.recordedMs,
                c.segments, recentMs > 0 ? recentBytes * 8_000.0 / recentMs : 0, bytesPerDay, c.volumeBytes.clone());
    }

    /** True for the segments a camera is writing or wrote last: never deleted (one of them is the open one). */
    synchronized boolean isNewest(SegmentInfo s) {
        CameraFootage c = cameras.get(s.camera());
        return c != null && (c.recent.containsKey(s.startMs()) || s.startMs() >= c.tailStartMs);
    }

    /**
     * The camera's newest segments as {@link #isNewest} sees them now: a copy, so a sweep checks thousands of
     * segments without taking the ledger's lock for each.
     */
    synchronized Newest newest(String cam) {
        CameraFootage c = cameras.get(cam);
        if (c == null) {
            return new Newest(new long[0], Long.MAX_VALUE);
        }
        long[] recent = new long[c.recent.size()];
        int i = 0;
        for (long k : c.recent.keySet()) {
            recent[i++] = k;
        }
        return new Newest(recent, c.tailStartMs);
    }

    /** See {@link #newest}: starts in {@code recent} (ascending) or at/after {@code tailStartMs} are newest. */
    record Newest(long[] recent, long tailStartMs) {
        boolean contains(long startMs) {
            return startMs >= tailStartMs || (recent.length > 0 && startMs >= recent[0]
                    && java.util.Arrays.binarySearch(recent, startMs) >= 0);
        }
    }

    /** UTC day numbers holding the camera's segment starts (a copy), for {@link SegmentWalk}. */
    synchronized java.util.NavigableSet<Long> days(String cam) {
        CameraFootage c = cameras.get(cam);
        return c == null ? new java.util.TreeSet<>() : new java.util.TreeSet<>(c.days.keySet());
    }

    synchronized List<String> cameraIds() {
        return new ArrayList<>(cameras.keySet());
    }

    synchronized long newestFootageMs() {
        long n = Long.MIN_VALUE;
        for (CameraFootage c : cameras.values()) {
            n = Math.max(n, c.newestEndMs());
        }
        return n;
    }

    /**
     * @param firstDayStartMs start of the UTC day holding the oldest segment (the exact oldest comes from the index)
     * @param bitrateBps average over the recorded time of the newest 7 recorded days
     * @param bytesPerDay disk per calendar day over the same days
     */
    record CameraSummary(String camera, long firstDayStartMs, long newestEndMs, long bytes, long recordedMs,
                         long segments, double bitrateBps, long bytesPerDay, long[] volumeBytes) {
    }
}
