package nvr.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Deleting, listing and reading while cameras record, on two data roots. */
class ConcurrentRetentionTest {
    @TempDir
    Path dir;

    @Test
    void deletesWhileRecordingKeepIndexAndFilesConsistent() throws Exception {
        StoreConfig cfg = new StoreConfig(List.of(dir.resolve("r1"), dir.resolve("r2")), 1, 1 << 20, 10, 64L << 20);
        AtomicInteger deleted = new AtomicInteger();
        AtomicInteger refused = new AtomicInteger();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        try (Store s = Store.open(cfg, null)) {
            AtomicBoolean stop = new AtomicBoolean();
            Thread retention = new Thread(() -> {
                try {
                    while (!stop.get()) {
                        for (String cam : s.cameraIds()) {
                            List<SegmentInfo> segs = s.segments(cam, 0, Long.MAX_VALUE);
                            for (SegmentInfo seg : segs.subList(0, Math.max(0, segs.size() - 3))) {
                                try {
                                    s.deleteSegment(seg);
                                    deleted.incrementAndGet();
                                } catch (IOException e) {
                                    assertTrue(e.getMessage().contains("still being recorded"), e.getMessage());
                                    refused.incrementAndGet();
                                }
                            }
                            try (FrameCursor c = s.openCursor(cam, 0, Long.MAX_VALUE)) {
                                while (c.next() != null) {
                                    // reading files that retention may unlink meanwhile must not fail
                                }
                            }
                            s.coverage(cam, 0, Long.MAX_VALUE);
                        }
                        s.verify().errors().forEach(p -> failure.compareAndSet(null, new AssertionError(p.toString())));
                    }
                } catch (Throwable t) {
                    failure.compareAndSet(null, t);
                }
            });
            retention.start();
            CameraWriter[] w = new CameraWriter[4];
            for (int c = 0; c < w.length; c++) {
                w[c] = s.writer("cam" + c);
            }
            long t0 = StoreTest.T0;
            for (long seq = 0; seq < 1500; seq++) { // 60 s of media per camera, 1 s segments
                for (int c = 0; c < w.length; c++) {
                    assertTrue(w[c].append(t0 + seq * 40, seq % 25 == 0, 0x1B, TestFrames.payload("cam" + c, seq, 800)));
                }
                if (seq % 50 == 0) {
                    Thread.sleep(2);
                }
            }
            s.flush();
            // Writers may finish before the deleting thread got far (a fast writer, a slow shared box): give it
            // time to delete what is deletable now, instead of depending on the race.
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (deleted.get() <= 20 && failure.get() == null && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            stop.set(true);
            retention.join();
            if (failure.get() != null) {
                throw new AssertionError("retention thread failed", failure.get());
            }
            assertTrue(deleted.get() > 20, "deleted " + deleted.get());
            assertEquals(List.of(), s.verify().errors());
            long onDisk = 0;
            for (Volume v : s.volumes()) {
                try (var files = Files.walk(v.root().resolve("segments"))) {
                    long sum = files.filter(p -> p.toString().endsWith(".seg")).mapToLong(p -> p.toFile().length()).sum();
                    assertEquals(sum, v.segmentBytes(), "usage of " + v.root());
                    onDisk += sum;
                }
            }
            assertTrue(onDisk > 0);
            assertEquals(2, s.volumes().size());
        }
        try (Store s = Store.open(cfg, null)) {
            assertEquals(List.of(), s.recoveryReport());
            assertEquals(List.of(), s.verify().errors());
        }
    }
}
