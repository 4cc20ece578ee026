package nvr.storage.retention;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.TreeSet;
import nvr.storage.SegmentInfo;
import nvr.storage.Store;
import nvr.storage.StoreConfig;

/**
 * A recorder under simulated time: a real Store on a real directory, a real RetentionManager, and cameras
 * that each write one tiny keyframe per burst (a burst is its own segment: bursts are further apart than
 * the Store's gap threshold). The test keeps its own record of every accepted burst, stamped and by true
 * time, to check retention against.
 */
final class RetentionSim implements AutoCloseable {
    static final long DAY = 86_400_000L;
    static final int H264 = 0x1B;

    final Path root;
    final FakeTime time;
    final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    final Store store;
    final RetentionManager manager;
    /** camera -> payload bytes per burst. */
    final Map<String, Integer> cameras;
    /** camera -> stamps of bursts the store accepted. */
    final Map<String, TreeSet<Long>> accepted = new HashMap<>();
    /** camera -> true recording time of each accepted burst, keyed by stamp. */
    final Map<String, Map<Long, Long>> trueTimeOf = new HashMap<>();
    /** Elapsed true time since the sim began (the fake clock's monotonic part). */
    long trueNowMs;
    long refused;

    RetentionSim(Path root, FakeTime time, RetentionConfig cfg, Map<String, Integer> cameras, long trueNowMs)
            throws IOException {
        this.root = root;
        this.time = time;
        this.cameras = new LinkedHashMap<>(cameras);
        this.trueNowMs = trueNowMs;
        this.store = Store.open(new StoreConfig(List.of(root), 3600, 1 << 20, 1000, 16 << 20), meters);
        this.manager = new RetentionManager(store, cfg, time, meters);
        for (String c : cameras.keySet()) {
            accepted.put(c, new TreeSet<>());
            trueTimeOf.put(c, new HashMap<>());
            // Rebuild the test's record from the store after a reopen (bursts are one segment each).
            for (SegmentInfo s : store.segments(c, 0, Long.MAX_VALUE)) {
                accepted.get(c).add(s.startMs());
            }
        }
    }

    void inheritRecord(RetentionSim from) {
        for (String c : cameras.keySet()) {
            trueTimeOf.get(c).putAll(from.trueTimeOf.get(c));
            accepted.get(c).addAll(from.accepted.get(c));
        }
    }

    /** Advances by {@code stepMs}, records one burst per camera, commits, and ticks retention. */
    RetentionManager.TickReport step(long stepMs) throws IOException {
        time.advance(stepMs);
        trueNowMs += stepMs;
        for (Map.Entry<String, Integer> e : cameras.entrySet()) {
            long stamp = time.wallMs();
            if (store.writer(e.getKey()).append(stamp, true, H264, new byte[e.getValue()])) {
                accepted.get(e.getKey()).add(stamp);
                trueTimeOf.get(e.getKey()).put(stamp, trueNowMs);
            } else {
                refused++;
            }
        }
        store.flush();
        return manager.tick();
    }

    /** Stamps of the camera's segments now in the store. */
    NavigableSet<Long> stored(String camera) {
        TreeSet<Long> s = new TreeSet<>();
        for (SegmentInfo i : store.segments(camera, 0, Long.MAX_VALUE)) {
            s.add(i.startMs());
        }
        return s;
    }

    /**
     * Every burst recorded within the camera's minimum (by true time) is still stored, and nothing is stored
     * that was not recorded. Returns how many bursts recorded within the minimum are missing.
     */
    int missingWithinMinimum(String camera, int minDays) {
        NavigableSet<Long> have = stored(camera);
        int missing = 0;
        for (Map.Entry<Long, Long> e : trueTimeOf.get(camera).entrySet()) {
            if (e.getValue() > trueNowMs - minDays * DAY && !have.contains(e.getKey())) {
                missing++;
            }
        }
        for (long s : have) {
            assertTrue(accepted.get(camera).contains(s) || trueTimeOf.get(camera).containsKey(s),
                    "stored segment " + s + " of " + camera + " was never recorded");
        }
        return missing;
    }

    /** Stamps of bursts recorded in [fromMs, toMs) that are no longer stored. */
    List<Long> missingIn(String camera, long fromMs, long toMs) {
        NavigableSet<Long> have = stored(camera);
        List<Long> out = new ArrayList<>();
        for (long s : accepted.get(camera).subSet(fromMs, toMs)) {
            if (!have.contains(s)) {
                out.add(s);
            }
        }
        return out;
    }

    long segmentBytes() throws IOException {
        return store.volumes().get(0).segmentBytes();
    }

    void assertSegmentsMatchIndex() {
        assertEquals(0, store.verify().errors().size(), () -> "verify: " + store.verify().errors());
    }

    @Override
    public void close() throws IOException {
        manager.close();
        store.close();
    }
}
