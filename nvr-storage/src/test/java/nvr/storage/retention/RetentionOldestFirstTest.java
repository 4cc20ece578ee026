package nvr.storage.retention;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import nvr.storage.SegmentInfo;
import nvr.storage.Store;
import nvr.storage.StoreConfig;
import org.junit.jupiter.api.Test;

/**
 * Space-driven deletion takes the oldest segments by end time across cameras (the sweep merges cameras per run,
 * not per segment), exactly as many as free the excess, never the newest, never a held one, never one under the
 * minimum; a tier maximum trims a camera up to its cutoff and keeps its newest segment.
 */
class RetentionOldestFirstTest {
    private static final long HOUR = 3_600_000L;
    private static final long T0 = 1_767_225_600_000L;

    @Test
    void spaceIsFreedOldestFirstAcrossCamerasAroundAHold() throws Exception {
        try (FastTempDir dir = new FastTempDir("retention-oldest")) {
            Path root = dir.path.resolve("r");
            FakeTime time = new FakeTime(T0);
            List<String> cams = List.of("cam-a", "cam-b", "cam-c");
            try (Store store = Store.open(new StoreConfig(List.of(root), 3600, 1 << 20, 1000, 16 << 20),
                    new SimpleMeterRegistry())) {
                RetentionConfig cfg = new RetentionConfig(List.of(new Tier("t", 1)), "t", Map.of(), RetentionPolicy.PROTECT,
                        List.of(new VolumeConfig(root, 0.9, 0.8, 1L << 30)), Duration.ofHours(1));
                RetentionManager m = new RetentionManager(store, cfg, time, new SimpleMeterRegistry());
                // one single-frame segment per camera per hour, the cameras 20 minutes apart: their ends interleave
                for (int h = 0; h < 48; h++) {
                    for (String c : cams) {
                        time.advance(20 * 60_000L);
                        assertTrue(store.writer(c).append(time.wallMs(), true, 0x1B, new byte[2000]));
                    }
                    store.flush();
                    m.tick();
                }
                List<SegmentInfo> all = new ArrayList<>();
                for (String c : cams) {
                    all.addAll(store.segments(c, 0, Long.MAX_VALUE));
                }
                assertEquals(144, all.size());
                all.sort(Comparator.comparingLong(SegmentInfo::endMs));
                // a hold over cam-b's second segment: it stays, the next oldest goes instead
                SegmentInfo held = all.stream().filter(s -> s.camera().equals("cam-b")).skip(1).findFirst().orElseThrow();
                m.createHold("cam-b", held.startMs(), held.startMs() + 1, "CASE-1", 0, "test");
                long b = all.get(0).bytes();
                long used = store.volumes().get(0).segmentBytes();
                int k = 20;
                long capacity = (long) ((used - k * b + b / 2) / 0.8);
                m.reconfigure(cfg.withVolumes(List.of(new VolumeConfig(root, 0.9, 0.8, capacity))));
                m.tick();
                TreeSet<String> expectedGone = new TreeSet<>();
                for (SegmentInfo s : all) {
                    if (expectedGone.size() == k) {
                        break;
                    }
                    if (s != held) {
                        expectedGone.add(s.camera() + "@" + s.startMs());
                    }
                }
                TreeSet<String> gone = new TreeSet<>();
                for (SegmentInfo s : all) {
                    if (store.locate(s.camera(), s.startMs()) == null) {
                        gone.add(s.camera() + "@" + s.startMs());
                    }
                }
                assertEquals(expectedGone, gone);
                assertTrue(store.locate("cam-b", held.startMs()) != null, "held segment kept");
                m.close();
            }
        }
    }
}
