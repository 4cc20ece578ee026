package nvr.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kill -9 of a real process in the middle of concurrent batch deletions (mark, unlinks, drop, racing claims of
 * the same segments). After each kill the store is reopened (recovery) and must show: no index entry whose file
 * is gone and no segment file without an entry (verify clean), the usage counter equal to the sum of the entries
 * (subtracted exactly once), and no interrupted deletion left for the next open.
 */
class DeletionCrashTest {
    static final long T0 = 1_763_700_000_000L;
    static final String[] CAMERAS = {"camA", "camB", "camC"};

    @TempDir
    Path dir;

    static StoreConfig config(Path root) {
        return new StoreConfig(List.of(root), 1, 256L << 20, 20, 64L << 20);
    }

    @Test
    void killedMidDeletionNeverLeavesAVisibleEntryWithoutItsFileNorCountsBytesTwice() throws Exception {
        boolean quick = "quick".equals(System.getProperty("nvr.test.profile"));
        int trials = quick ? 4 : 16;
        long seed = Long.getLong("nvr.test.seed", System.nanoTime());
        Random rnd = new Random(seed);
        int interrupted = 0;
        for (int t = 0; t < trials; t++) {
            Path root = dir.resolve("trial" + t);
            try (Store s = Store.open(config(root), null)) {
                for (String c : CAMERAS) { // 1 s segments: ~60 per camera
                    CameraWriter w = s.writer(c);
                    for (long seq = 0; seq < 1500; seq++) {
                        assertTrue(w.append(T0 + seq * 40, seq % 5 == 0, 0x1B, TestFrames.payload(c, seq, 1000)));
                    }
                }
                s.flush();
            }
            int batches = runChild(root, rnd);
            try (Store s = Store.open(config(root), null)) {
                String where = "trial " + t + " (seed " + seed + ", killed after " + batches + " batches)";
                interrupted += s.recoveryReport().stream().anyMatch(p -> p.problem().contains("interrupted deletion")) ? 1 : 0;
                VerifyReport v = s.verify();
                assertEquals(List.of(), v.errors(), where + ": verify after recovery " + s.recoveryReport());
                long sum = 0;
                long files = 0;
                for (String c : s.cameraIds()) {
                    for (SegmentInfo si : s.segments(c, 0, Long.MAX_VALUE)) {
                        sum += si.bytes();
                        assertTrue(Files.exists(si.file()), where + ": " + si.file());
                        files++;
                    }
                }
                assertEquals(sum, s.volumes().get(0).segmentBytes(), where + ": usage counter vs entries");
                try (Stream<Path> all = Files.walk(root.resolve("segments"))) {
                    assertEquals(files, all.filter(p -> p.toString().endsWith(".seg")).count(), where + ": files vs entries");
                }
            }
            try (Store s = Store.open(config(root), null)) {
                assertEquals(List.of(), s.recoveryReport(), "nothing left to finish after recovery");
            }
        }
        System.out.println("deletion crash test: " + trials + " kills, " + interrupted + " interrupted a recorded batch"
                + " (seed " + seed + ")");
        assertTrue(quick || interrupted > 0, "no kill ever interrupted a recorded batch: the test is not testing it");
    }

    /** Runs the child and kills it after a random number of finished batches (or mid-start); returns that number. */
    private static int runChild(Path root, Random rnd) throws Exception {
        Process p = ChildJvm.start(root, DeleteCrashChild.class, root.toString());
        CountDownLatch ready = new CountDownLatch(1);
        AtomicInteger batches = new AtomicInteger();
        AtomicReference<String> error = new AtomicReference<>();
        int killAfter = rnd.nextInt(25);
        CountDownLatch enough = new CountDownLatch(1);
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    if (line.equals("READY")) {
                        ready.countDown();
                    } else if (line.equals("B") && batches.incrementAndGet() >= killAfter) {
                        enough.countDown();
                    } else if (line.startsWith("ERROR")) {
                        error.compareAndSet(null, line);
                    }
                }
            } catch (IOException ignored) {
                // process killed
            }
            enough.countDown();
        });
        reader.start();
        if (!ready.await(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("child did not open the store within 60 s");
        }
        enough.await(60, TimeUnit.SECONDS);
        if (rnd.nextBoolean()) {
            Thread.sleep(rnd.nextInt(3)); // land inside the next batch's steps, not only between batches
        }
        p.destroyForcibly(); // SIGKILL on Unix
        p.waitFor(10, TimeUnit.SECONDS);
        reader.join(5000);
        assertEquals(null, error.get(), "the child's deletion failed");
        return batches.get();
    }
}
