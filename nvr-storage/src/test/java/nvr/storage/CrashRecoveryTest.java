package nvr.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kill -9 of a real writer process at random moments. After each kill the store is reopened (recovery) and
 * must hold every frame the child reported durable, byte-identical, no frame that was never written, and
 * verify clean. Trials run in groups of 10 on one data root, so later children start on a store that was
 * recovered after earlier kills; every third trial skips the check so the next child itself recovers the
 * store (and may be killed while doing so).
 */
class CrashRecoveryTest {
    static final int CAMERAS = 3;
    static final long T0 = 1_763_700_000_000L;
    static final long TRIAL_SPAN = 100_000_000L; // ms of media time reserved per trial

    @TempDir
    Path dir;

    static String camera(int c) {
        return "3402000000132000000" + c;
    }

    record Trial(long base, long durableSeq, String dropped) {
    }

    @Test
    void everyFrameReportedDurableSurvivesKill9() throws Exception {
        boolean quick = "quick".equals(System.getProperty("nvr.test.profile"));
        int trials = quick ? 10 : 100;
        Random rnd = new Random(Long.getLong("nvr.test.seed", System.nanoTime()));
        List<Trial> unchecked = new ArrayList<>();
        long totalDurable = 0;
        for (int t = 0; t < trials; t++) {
            Path root = dir.resolve("group" + (t / 10));
            long base = T0 + t * TRIAL_SPAN;
            Trial trial = runChild(root, base, rnd);
            unchecked.add(trial);
            totalDurable += Math.max(0, trial.durableSeq() + 1);
            boolean lastOfGroup = t % 10 == 9 || t == trials - 1;
            if (t % 3 == 2 && !lastOfGroup) {
                continue; // the next child recovers this crash itself
            }
            try (Store s = Store.open(new StoreConfig(List.of(root), 1, 256 << 10, 5, 64L << 20), null)) {
                for (Trial tr : unchecked) {
                    check(s, tr, t);
                }
                VerifyReport v = s.verify();
                assertEquals(List.of(), v.errors(), "trial " + t + ": verify after recovery; recovery did "
                        + s.recoveryReport());
            }
            unchecked.clear();
        }
        assertTrue(totalDurable > trials * 5L, "children made too little durable to test anything: " + totalDurable);
    }

    private Trial runChild(Path root, long base, Random rnd) throws Exception {
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx128m", "-Xshare:auto",
                "-cp", cp, CrashChild.class.getName(), root.toString(), Long.toString(base),
                Integer.toString(CAMERAS), "5");
        pb.redirectError(ProcessBuilder.Redirect.DISCARD);
        Process p = pb.start();
        AtomicLong durable = new AtomicLong(-1);
        AtomicReference<String> dropped = new AtomicReference<>();
        CountDownLatch ready = new CountDownLatch(1);
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    if (line.equals("READY")) {
                        ready.countDown();
                    } else if (line.startsWith("D ")) {
                        durable.set(Long.parseLong(line.substring(2)));
                    } else if (line.startsWith("DROP")) {
                        dropped.compareAndSet(null, line);
                    }
                }
            } catch (IOException ignored) {
                // process killed
            }
        });
        reader.start();
        if (rnd.nextInt(10) == 0) {
            Thread.sleep(rnd.nextInt(400)); // sometimes kill during JVM start or recovery
        } else {
            if (!ready.await(20, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                fail("child did not open the store within 20 s");
            }
            Thread.sleep(rnd.nextInt(500));
        }
        p.destroyForcibly(); // SIGKILL on Unix
        p.waitFor(10, TimeUnit.SECONDS);
        reader.join(5000);
        return new Trial(base, durable.get(), dropped.get());
    }

    private static void check(Store s, Trial tr, int trialNo) throws IOException {
        assertEquals(null, tr.dropped(), "child dropped a frame (queue too small for the test)");
        for (int c = 0; c < CAMERAS; c++) {
            String cam = camera(c);
            long expectSeq = 0;
            try (FrameCursor cur = s.openCursor(cam, tr.base(), tr.base() + TRIAL_SPAN)) {
                for (FrameRecord f; (f = cur.next()) != null; ) {
                    long off = f.timeMs() - tr.base();
                    String where = "trial " + trialNo + " camera " + cam + " frame at +" + off + " ms";
                    assertTrue(off >= 0 && off % 40 == 0, where + ": time never written");
                    long seq = off / 40;
                    assertEquals(expectSeq, seq, where + ": frames missing or out of order");
                    assertEquals(seq % 10 == 0, f.keyframe(), where);
                    assertEquals(0x1B, f.streamType(), where);
                    assertArrayEquals(TestFrames.payload(cam, f.timeMs(), 2000), f.payload(), where + ": payload differs");
                    expectSeq++;
                }
            }
            assertTrue(expectSeq > tr.durableSeq(), "trial " + trialNo + " camera " + cam + ": child reported seq "
                    + tr.durableSeq() + " durable but only " + expectSeq + " frames were read back");
        }
    }
}
