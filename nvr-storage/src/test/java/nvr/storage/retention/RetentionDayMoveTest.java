package nvr.storage.retention;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import nvr.storage.SegmentInfo;
import nvr.storage.Store;
import nvr.storage.StoreConfig;
import org.junit.jupiter.api.Test;

/**
 * A sweep hands the store whole camera-days, so a day of footage leaves {@code segments/} as one directory rename
 * (counted by {@code nvr.storage.delete.trashed{how=day}}), both when a tier maximum trims and when space is freed
 * oldest first across cameras; what it deletes is unchanged (oldest first, exactly the excess).
 */
class RetentionDayMoveTest {
    private static final long DAY = 86_400_000L;
    private static final long T0 = 1_767_225_600_000L; // 2026-01-01T00:00Z
    private static final List<String> CAMS = List.of("cam-a", "cam-b", "cam-c");

    /** Four days of one 2 kB single-frame segment per camera every 10 minutes (144 a day), then time is at the end. */
    private static void record(Store store, FakeTime time) throws Exception {
        for (int i = 0; i < 4 * 144; i++) {
            for (String c : CAMS) {
                assertTrue(store.writer(c).append(time.wallMs(), true, 0x1B, new byte[2000]));
            }
            time.advance(10 * 60_000L);
        }
        store.flush();
    }

    private static double trashed(SimpleMeterRegistry meters, String how) {
        var c = meters.find("nvr.storage.delete.trashed").tag("how", how).counter();
        return c == null ? 0 : c.count();
    }

    /** What a test does to a store holding {@link #record}'s four days; the store is then checked reclaimed and valid. */
    private interface Body {
        void run(Store store, Path root, FakeTime time, SimpleMeterRegistry meters) throws Exception;
    }

    private static void withFourDays(Body body) throws Exception {
        try (FastTempDir dir = new FastTempDir("retention-daymove")) {
            Path root = dir.path.resolve("r");
            FakeTime time = new FakeTime(T0);
            SimpleMeterRegistry meters = new SimpleMeterRegistry();
            try (Store store = Store.open(new StoreConfig(List.of(root), 3600, 1 << 20, 1000, 16 << 20), meters)) {
                record(store, time);
                body.run(store, root, time, meters);
                assertTrue(store.awaitSpaceReclaimed(10_000));
                assertTrue(store.verify().errors().isEmpty(), store.verify().errors().toString());
            }
        }
    }

    private static void tick(Store store, FakeTime time, Tier tier, VolumeConfig volume) throws Exception {
        RetentionConfig cfg = new RetentionConfig(List.of(tier), tier.name(), Map.of(), RetentionPolicy.PROTECT,
                List.of(volume), Duration.ofHours(1));
        try (RetentionManager m = new RetentionManager(store, cfg, time, new SimpleMeterRegistry())) {
            m.tick();
        }
    }

    @Test
    void aTierMaximumRemovesWholeDaysByDirectory() throws Exception {
        withFourDays((store, root, time, meters) -> {
            tick(store, time, new Tier("t", 1, 2), new VolumeConfig(root, 0.9, 0.8, 1L << 30));
            // now = T0 + 4 days: the first two days are past the 2-day maximum
            for (String c : CAMS) {
                assertTrue(store.segments(c, T0, T0 + 2 * DAY - 1).isEmpty(), c);
                assertEquals(2 * 144, store.segments(c, T0 + 2 * DAY, Long.MAX_VALUE).size(), c);
                assertFalse(Files.exists(root.resolve("segments").resolve(c).resolve("2026-01-01")));
                assertFalse(Files.exists(root.resolve("segments").resolve(c).resolve("2026-01-02")));
            }
            assertEquals(3 * 2 * 144, trashed(meters, "day"), "every deleted file left with its day directory");
            assertEquals(0, trashed(meters, "file"));
        });
    }

    @Test
    void spaceFreedOldestFirstStillTakesExactlyTheOldestAndWholeDaysByDirectory() throws Exception {
        withFourDays((store, root, time, meters) -> {
            List<SegmentInfo> all = new ArrayList<>();
            for (String c : CAMS) {
                all.addAll(store.segments(c, 0, Long.MAX_VALUE));
            }
            all.sort(Comparator.comparingLong(SegmentInfo::endMs).thenComparing(SegmentInfo::camera));
            // excess over the low watermark = one and a half days of every camera (all segments are equal)
            long b = all.get(0).bytes();
            int k = 3 * 216;
            long used = store.volumes().get(0).segmentBytes();
            long capacity = (long) ((used - k * b + b / 2) / 0.8);
            tick(store, time, new Tier("t", 1), new VolumeConfig(root, 0.9, 0.8, capacity));
            int gone = 0;
            for (int i = 0; i < all.size(); i++) {
                boolean present = store.locate(all.get(i).camera(), all.get(i).startMs()) != null;
                assertEquals(i >= k, present, "segment " + i + " of " + all.get(i).camera() + " (oldest first)");
                gone += present ? 0 : 1;
            }
            assertEquals(k, gone);
            assertEquals(3 * 144, trashed(meters, "day"), "the first day of every camera went by directory");
            assertEquals(3 * 72, trashed(meters, "file"), "half of the second day, file by file");
        });
    }
}
