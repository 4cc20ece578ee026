package nvr.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The group commit of many cameras at once: records staged per file and records too large to stage (written
 * directly) interleave in the right order, the fsyncs of one commit go out together, and new day directories
 * created during a window (their fsync deferred to the commit) hold segments that survive a reopen intact.
 */
class GroupCommitTest {
    static final long MIDNIGHT = 1_763_769_600_000L; // 2025-11-22T00:00:00Z
    static final int CAMERAS = 12;
    static final int FRAMES = 500; // 20 s at 25 fps, from 10 s before midnight to 10 s after

    @TempDir
    Path dir;

    private static byte[] frame(String camera, long seq) {
        // keyframes up to ~200 KB: some above the 128 KiB staging buffer, some below; others up to 3 KB
        return TestFrames.payload(camera, seq, seq % 25 == 0 ? 200_000 : 3000);
    }

    @Test
    void manyCamerasAcrossMidnightReadBackAfterReopen() throws IOException {
        StoreConfig config = new StoreConfig(List.of(dir), 4, 256L << 20, 60_000, 256L << 20);
        long t0 = MIDNIGHT - 10_000;
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        try (Store s = Store.open(config, meters)) {
            CameraWriter[] w = new CameraWriter[CAMERAS];
            for (int c = 0; c < CAMERAS; c++) {
                w[c] = s.writer("cam" + c);
            }
            for (int seq = 0; seq < FRAMES; seq++) {
                for (int c = 0; c < CAMERAS; c++) {
                    assertTrue(w[c].append(t0 + seq * 40L, seq % 25 == 0, 0x1B, frame("cam" + c, seq)), "dropped");
                }
                if (seq == FRAMES / 2) {
                    s.flush(); // one commit in the middle: open segments are synced and named, then go on
                }
            }
            s.flush();
            long fsyncs = meters.get("nvr.storage.fsync").timer().count();
            assertTrue(fsyncs >= 2L * CAMERAS, "every file with new records is fsynced per commit: " + fsyncs);
            assertEquals(0, meters.find("nvr.storage.frames.dropped").counters().stream()
                    .mapToDouble(c -> c.count()).sum());
            assertEquals(List.of(), s.verify().errors());
        }
        for (int c = 0; c < CAMERAS; c++) {
            try (Stream<Path> days = Files.list(dir.resolve("segments").resolve("cam" + c))) {
                assertEquals(2, days.count(), "a day directory on each side of midnight");
            }
        }
        try (Store s = Store.open(config, new SimpleMeterRegistry())) {
            assertEquals(List.of(), s.recoveryReport(), "a clean close leaves nothing to recover");
            assertEquals(List.of(), s.verify().errors());
            for (int c = 0; c < CAMERAS; c++) {
                String cam = "cam" + c;
                List<FrameRecord> all = StoreTest.readAll(s, cam, 0, Long.MAX_VALUE);
                assertEquals(FRAMES, all.size(), cam);
                for (int seq = 0; seq < FRAMES; seq++) {
                    assertArrayEquals(frame(cam, seq), all.get(seq).payload(), cam + " frame " + seq);
                    assertEquals(t0 + seq * 40L, all.get(seq).timeMs());
                    assertEquals(seq % 25 == 0, all.get(seq).keyframe());
                }
            }
        }
    }
}
