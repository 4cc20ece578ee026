package nvr.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Segments sealed between two group commits (a camera rolling, many cameras at midnight, a backfill) must not
 * each keep a 128 KiB direct staging buffer until the commit closes them: that ran a retention benchmark's
 * store build out of direct memory. 1,000 segments sealed with no commit in between hold about one buffer.
 */
class StagingMemoryTest {
    @TempDir
    Path dir;

    @Test
    void sealedSegmentsAwaitingTheGroupCommitHoldNoStagingBuffer() throws Exception {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        StoreConfig cfg = new StoreConfig(List.of(dir), 60, 256L << 20, 60_000, 256L << 20); // no commit during the test
        BufferPoolMXBean direct = ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class).stream()
                .filter(b -> b.getName().equals("direct")).findFirst().orElseThrow();
        int segments = 1000;
        try (Store store = Store.open(cfg, meters)) {
            CameraWriter w = store.writer("34020000001320000001");
            long before = direct.getMemoryUsed();
            long t0 = 1_763_700_000_000L;
            for (int i = 0; i < segments; i++) {
                // an hour after the previous frame: a gap, so every frame is a keyframe starting a new segment
                assertTrue(w.append(t0 + i * 3_600_000L, true, 0x1B, new byte[100]));
            }
            long deadline = System.currentTimeMillis() + 60_000;
            while (meters.counter("nvr.storage.segments.created").count() < segments && System.currentTimeMillis() < deadline) {
                Thread.sleep(20);
            }
            assertEquals(segments, meters.counter("nvr.storage.segments.created").count(), "writer did not create every segment");
            long grown = direct.getMemoryUsed() - before;
            assertTrue(grown <= 4L * SegmentWriter.STAGING_BYTES, "direct memory grew by " + grown + " bytes for "
                    + segments + " sealed segments waiting for the group commit");
            store.flush();
            assertEquals(segments, store.segments("34020000001320000001", 0, Long.MAX_VALUE).size());
        }
    }
}
