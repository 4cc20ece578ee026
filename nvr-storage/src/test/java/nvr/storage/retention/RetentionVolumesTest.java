package nvr.storage.retention;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import nvr.storage.SegmentInfo;
import nvr.storage.Store;
import nvr.storage.StoreConfig;
import org.junit.jupiter.api.Test;

/** Two data roots with their own watermarks: pressure on one deletes only that root's footage. */
class RetentionVolumesTest {
    private static final long DAY = 86_400_000L;
    private static final long HOUR = 3_600_000L;
    private static final long T0 = 1_767_225_600_000L;

    @Test
    void onlyTheFullVolumeIsSwept() throws Exception {
        try (FastTempDir dir = new FastTempDir("retention-volumes")) {
            Path r1 = dir.path.resolve("r1");
            Path r2 = dir.path.resolve("r2");
            FakeTime time = new FakeTime(T0);
            List<String> cams = List.of("cam-a", "cam-b", "cam-c", "cam-d");
            try (Store store = Store.open(new StoreConfig(List.of(r1, r2), 3600, 1 << 20, 1000, 16 << 20),
                    new SimpleMeterRegistry())) {
                RetentionConfig cfg = new RetentionConfig(List.of(new Tier("t", 1)), "t", Map.of(), RetentionPolicy.PROTECT,
                        List.of(new VolumeConfig(r1, 0.9, 0.8, 1L << 30), new VolumeConfig(r2, 0.9, 0.8, 1L << 30)),
                        Duration.ofHours(1));
                RetentionManager m = new RetentionManager(store, cfg, time, new SimpleMeterRegistry());
                Map<String, Path> rootOf = new HashMap<>();
                for (int h = 0; h < 72; h++) {
                    time.advance(HOUR);
                    for (String c : cams) {
                        assertTrue(store.writer(c).append(time.wallMs(), true, 0x1B, new byte[2000]));
                    }
                    store.flush();
                    if (h == 0) {
                        for (String c : cams) {
                            SegmentInfo s = store.segments(c, 0, Long.MAX_VALUE).get(0);
                            rootOf.put(c, s.file().startsWith(r1.toAbsolutePath()) ? r1 : r2);
                        }
                        assumeTrue(rootOf.containsValue(r1) && rootOf.containsValue(r2),
                                "the store put every camera on one root; cannot test per-volume sweeping");
                        // r2 gets room for about 1.5 days of its cameras: it must be swept, r1 must not.
                        long r2Cams = rootOf.values().stream().filter(r2::equals).count();
                        long quota2 = (long) (r2Cams * 36 * (2000 + 64) / 0.9);
                        m.reconfigure(cfg.withVolumes(List.of(new VolumeConfig(r1, 0.9, 0.8, 1L << 30),
                                new VolumeConfig(r2, 0.9, 0.8, quota2))));
                    }
                    m.tick();
                }
                List<String> problems = new ArrayList<>();
                for (String c : cams) {
                    List<SegmentInfo> segs = store.segments(c, 0, Long.MAX_VALUE);
                    long oldestAgeH = (time.wallMs() - segs.get(0).startMs()) / HOUR;
                    if (rootOf.get(c).equals(r1) && segs.size() != 72) {
                        problems.add(c + " on r1 lost footage: " + segs.size() + " of 72 hours left");
                    }
                    if (rootOf.get(c).equals(r2) && (oldestAgeH >= 48 || oldestAgeH < 24)) {
                        problems.add(c + " on r2 keeps " + oldestAgeH + " h; expected between its 24 h minimum and 48 h");
                    }
                }
                assertEquals(List.of(), problems);
                assertTrue(!m.atRisk(), m.alarms().toString());
                m.close();
            }
        }
    }
}
