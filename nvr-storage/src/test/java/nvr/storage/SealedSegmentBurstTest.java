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
 * A burst of sealed segments (many cameras rolling, a backfill) before the next timed group commit must not each
 * keep a 128 KiB direct staging buffer or an open file until that commit: a retention benchmark's store build ran
 * out of direct memory, then out of file descriptors (which killed the writer thread). 1,000 segments sealed
 * within one fsync interval hold about one buffer and at most a few hundred files.
 */
class SealedSegmentBurstTest {
    @TempDir
    Path dir;

    @Test
    void aBurstOfSealedSegmentsHoldsNeitherStagingBuffersNorFilesUntilTheTimedCommit() throws Exception {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        StoreConfig cfg = new StoreConfig(List.of(dir), 60, 256L << 20, 60_000, 256L << 20); // no commit during the test
        BufferPoolMXBean direct = ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class).stream()
                .filter(b -> b.getName().equals("direct")).findFirst().orElseThrow();
        int segments = 1000;
        try (Store store = Store.open(cfg, meters)) {
            CameraWriter w = store.writer("34020000001320000001");
            long before = direct.getMemoryUsed();
            long fdsBefore = openFiles();
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
            long fds = openFiles() - fdsBefore;
            assertTrue(fds < 400, fds + " more open files after sealing " + segments + " segments: the writer must commit"
                    + " early instead of holding every sealed file open until the timed commit");
            store.flush();
            assertEquals(segments, store.segments("34020000001320000001", 0, Long.MAX_VALUE).size());
        }
    }

    private static long openFiles() throws java.io.IOException {
        try (var fds = java.nio.file.Files.list(Path.of("/proc/self/fd"))) {
            return fds.count();
        }
    }
}
