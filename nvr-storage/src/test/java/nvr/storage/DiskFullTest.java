package nvr.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ENOSPC while recording: a clear error and metric, the segment closed cleanly at its last good frame, the
 * index consistent (verify clean, every indexed frame readable), and recording resumes once space returns.
 * Runs against channels that fail like a full disk, and against a real 4 MiB tmpfs when it can be mounted.
 */
class DiskFullTest {
    static final long T0 = StoreTest.T0;
    @TempDir
    Path dir;

    /** Reads every frame; they must be exactly the frames written, in order; returns their seqs. */
    private static List<Long> readSeqs(Store s) throws IOException {
        List<Long> seqs = new java.util.ArrayList<>();
        for (FrameRecord f : StoreTest.readAll(s, "cam", 0, Long.MAX_VALUE)) {
            long seq = (f.timeMs() - T0) / 40;
            assertArrayEquals(TestFrames.payload("cam", seq, 3000), f.payload(), "frame " + seq);
            seqs.add(seq);
        }
        return seqs;
    }

    private static void assertContiguous(List<Long> seqs, long from, long to) {
        assertEquals(to - from, seqs.stream().filter(q -> q >= from && q < to).count(), "frames " + from + ".." + to);
    }

    @Test
    void diskFullClosesSegmentCleanlyAndRecordingResumes() throws Exception {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        QuotaFileIo io = new QuotaFileIo(150_000);
        try (Store s = Store.open(StoreTest.config(dir, 60, 20), meters, io)) {
            CameraWriter w = s.writer("cam");
            StoreTest.write(w, "cam", 0, 200, T0); // ~300 KB, twice what fits
            s.flush();
            assertTrue(meters.get("nvr.storage.disk.full.errors").counter().count() >= 1);
            assertTrue(meters.get("nvr.storage.frames.dropped").tag("reason", "disk").counter().count() > 0);
            List<SegmentInfo> segs = s.segments("cam", 0, Long.MAX_VALUE);
            assertEquals(1, segs.size());
            assertFalse(s.isOpenSegment(segs.get(0)), "the failed segment is sealed");
            List<Long> seqs = readSeqs(s);
            assertTrue(seqs.size() > 20 && seqs.size() < 200, "kept " + seqs.size());
            assertContiguous(seqs, 0, seqs.size());
            assertEquals(segs.get(0).bytes(), Files.size(segs.get(0).file()), "file cut at its last good frame");
            assertEquals(List.of(), s.verify().errors());

            io.free.set(Long.MAX_VALUE / 2); // space returns
            TimeUnit.MILLISECONDS.sleep(1100);
            StoreTest.write(w, "cam", 300, 400, T0);
            s.flush();
            seqs = readSeqs(s);
            assertContiguous(seqs, 300, 400);
            assertEquals(2, s.segments("cam", 0, Long.MAX_VALUE).size());
            assertEquals(List.of(), s.verify().errors());
        }
        try (Store s = Store.open(StoreTest.config(dir, 60, 20), null)) {
            assertEquals(List.of(), s.recoveryReport());
            assertEquals(List.of(), s.verify().errors());
            assertContiguous(readSeqs(s), 300, 400);
        }
    }

    @Test
    void realTmpfsRunningFull() throws Exception {
        Path mnt = dir.resolve("tmpfs");
        Files.createDirectories(mnt);
        boolean mounted;
        try {
            Process p = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", mnt.toString())
                    .redirectErrorStream(true).start();
            mounted = p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            mounted = false;
        }
        Assumptions.assumeTrue(mounted, "cannot mount a tmpfs here (needs root); the QuotaFileIo test covers ENOSPC");
        try {
            Path filler = mnt.resolve("filler");
            SimpleMeterRegistry meters = new SimpleMeterRegistry();
            try (Store s = Store.open(StoreTest.config(mnt.resolve("root"), 60, 20), meters)) {
                Files.write(filler, new byte[(int) (mnt.toFile().getUsableSpace() - 600_000)]);
                CameraWriter w = s.writer("cam");
                StoreTest.write(w, "cam", 0, 600, T0); // ~900 KB into ~600 KB
                s.flush();
                assertTrue(meters.get("nvr.storage.disk.full.errors").counter().count() >= 1);
                List<Long> seqs = readSeqs(s);
                assertTrue(seqs.size() > 20 && seqs.size() < 600, "kept " + seqs.size());
                assertContiguous(seqs, 0, seqs.size());
                assertEquals(List.of(), s.verify().errors());

                Files.delete(filler);
                TimeUnit.MILLISECONDS.sleep(1100);
                StoreTest.write(w, "cam", 1000, 1100, T0);
                s.flush();
                assertContiguous(readSeqs(s), 1000, 1100);
                assertEquals(List.of(), s.verify().errors());
            }
            try (Store s = Store.open(StoreTest.config(mnt.resolve("root"), 60, 20), null)) {
                assertEquals(List.of(), s.verify().errors());
                assertContiguous(readSeqs(s), 1000, 1100);
            }
        } finally {
            new ProcessBuilder("umount", mnt.toString()).start().waitFor(10, TimeUnit.SECONDS);
        }
    }
}
