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
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
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
        long seed = Long.getLong("nvr.test.seed", System.nanoTime());
        int groups = (trials + 9) / 10;
        // two lanes of groups in parallel: each trial mostly waits for a JVM to start
        ExecutorService lanes = Executors.newFixedThreadPool(2);
        List<Future<long[]>> results = new ArrayList<>();
        for (int g = 0; g < groups; g++) {
            int group = g;
            results.add(lanes.submit(() -> runGroup(group, Math.min(10, trials - group * 10), new Random(seed + group))));
        }
        lanes.shutdown();
        long totalDurable = 0;
        long recoveryActions = 0;
        for (Future<long[]> f : results) {
            try {
                long[] r = f.get();
                totalDurable += r[0];
                recoveryActions += r[1];
            } catch (ExecutionException e) {
                throw new AssertionError("seed " + seed + ": " + e.getCause().getMessage(), e.getCause());
            }
        }
        System.out.println("crash test: " + trials + " kills, " + totalDurable + " frame rounds reported durable, "
                + recoveryActions + " recovery actions (seed " + seed + ")");
        assertTrue(totalDurable > trials * 5L, "children made too little durable to test anything: " + totalDurable);
        assertTrue(recoveryActions > 0, "no kill ever interrupted a write: the test is not testing recovery");
        // The children's java.io.tmpdir: a killed recorder leaves no unpacked RocksDB library behind, except when
        // killed in the milliseconds it exists; the next start removes that one, so at most the last kill of each
        // of the two lanes can leave one.
        try (java.util.stream.Stream<Path> left = java.nio.file.Files.list(dir)) {
            List<String> junk = left.map(p -> p.getFileName().toString()).filter(n -> !n.startsWith("group")).toList();
            assertTrue(junk.size() <= 2 && junk.stream().allMatch(n -> n.startsWith("nvr-rocksdb-")),
                    trials + " killed writers left in their temp directory: " + junk);
        }
    }

    /** Runs trials on one data root; returns {durable rounds, recovery actions}. */
    private long[] runGroup(int group, int trials, Random rnd) throws Exception {
        Path root = dir.resolve("group" + group);
        List<Trial> unchecked = new ArrayList<>();
        long durable = 0;
        long actions = 0;
        for (int i = 0; i < trials; i++) {
            int t = group * 10 + i;
            Trial trial = runChild(root, T0 + t * TRIAL_SPAN, rnd);
            unchecked.add(trial);
            durable += Math.max(0, trial.durableSeq() + 1);
            if (i % 3 == 2 && i != trials - 1) {
                continue; // the next child recovers this crash itself
            }
            try (Store s = Store.open(new StoreConfig(List.of(root), 1, 256 << 10, 5, 64L << 20), null)) {
                actions += s.recoveryReport().size();
                for (Trial tr : unchecked) {
                    check(s, tr, t);
                }
                VerifyReport v = s.verify();
                assertEquals(List.of(), v.errors(), "trial " + t + ": verify after recovery; recovery did "
                        + s.recoveryReport());
            }
            unchecked.clear();
        }
        return new long[] {durable, actions};
    }

    private Trial runChild(Path root, long base, Random rnd) throws Exception {
        Process p = ChildJvm.start(root, CrashChild.class, root.toString(), Long.toString(base),
                Integer.toString(CAMERAS), "5");
        AtomicLong durable = new AtomicLong(-1);
        AtomicReference<String> dropped = new AtomicReference<>();
        CountDownLatch ready = new CountDownLatch(1);
        CountDownLatch firstDurable = new CountDownLatch(1);
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    if (line.equals("READY")) {
                        ready.countDown();
                    } else if (line.startsWith("D ")) {
                        durable.set(Long.parseLong(line.substring(2)));
                        firstDurable.countDown();
                    } else if (line.startsWith("DROP")) {
                        dropped.compareAndSet(null, line);
                    }
                }
            } catch (IOException ignored) {
                // process killed
            }
        });
        reader.start();
        // Kill moments are tied to the child's progress, not wall time, so a loaded machine still tests writes:
        // 10% during JVM start or recovery, 20% just after open, 70% after its first durable report.
        int kind = rnd.nextInt(10);
        if (kind == 0) {
            Thread.sleep(rnd.nextInt(400));
        } else {
            if (!ready.await(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                fail("child did not open the store within 60 s");
            }
            if (kind <= 2) {
                Thread.sleep(rnd.nextInt(100));
            } else {
                firstDurable.await(60, TimeUnit.SECONDS);
                Thread.sleep(rnd.nextInt(300));
            }
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
