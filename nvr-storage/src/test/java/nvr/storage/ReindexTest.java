package nvr.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The index lives in the first data root. When that disk is replaced by an empty one, the footage on the other
 * roots must come back: the store opens and records at once, {@link Reindexer} indexes every day in the
 * background, retention deletes nothing before it is done, and a restart in the middle resumes it.
 */
class ReindexTest {
    private static final long DAY = 86_400_000L;
    private static final long T0 = 1_767_225_600_000L; // 2026-01-01T00:00Z
    private static final List<String> CAMS = List.of("cam-a", "cam-b", "cam-c", "cam-d");
    private static final int DAYS = 6;

    @TempDir
    Path dir;

    private StoreConfig config() {
        return new StoreConfig(List.of(dir.resolve("first"), dir.resolve("second")), 3600, 1 << 20, 1000, 16 << 20);
    }

    /** Six days of one 1 kB keyframe every 10 minutes per camera (each its own segment: a gap starts a new one). */
    private void record() throws Exception {
        try (Store s = Store.open(config(), new SimpleMeterRegistry())) {
            for (int i = 0; i < DAYS * 144; i++) {
                for (String c : CAMS) {
                    assertTrue(s.writer(c).append(T0 + i * 600_000L, true, 0x1B, TestFrames.payload(c, i, 1000)));
                }
            }
            s.flush();
        }
    }

    /** Segment files of camera on the second root (the one that survives). */
    private List<Path> filesOnSecond(String camera) throws Exception {
        Path camDir = dir.resolve("second").resolve("segments").resolve(camera);
        if (!Files.isDirectory(camDir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.walk(camDir)) {
            return s.filter(p -> p.toString().endsWith(".seg")).sorted().toList();
        }
    }

    /** Replaces the first root by an empty directory: its segments, index and audit log are gone. */
    private void loseFirstRoot() throws Exception {
        try (Stream<Path> s = Files.walk(dir.resolve("first"))) {
            for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
        Files.createDirectories(dir.resolve("first"));
    }

    @Test
    void footageOnTheOtherRootsComesBackAfterTheFirstRootIsReplaced() throws Exception {
        record();
        List<String> survivors = new ArrayList<>();
        long survivingBytes = 0;
        for (String c : CAMS) {
            List<Path> files = filesOnSecond(c);
            if (!files.isEmpty()) {
                survivors.add(c);
                for (Path f : files) {
                    survivingBytes += Files.size(f);
                }
            }
        }
        assertFalse(survivors.isEmpty(), "some camera records on the second root");
        loseFirstRoot();
        try (Store s = Store.open(config(), new SimpleMeterRegistry())) {
            // recording goes on while the older days are indexed
            assertTrue(s.writer(survivors.get(0)).append(T0 + DAYS * DAY + 1000, true, 0x1B, new byte[100]));
            assertTrue(s.awaitReindexed(60_000), "re-indexed");
            s.flush();
            for (String c : survivors) {
                List<SegmentInfo> segs = s.segments(c, 0, T0 + DAYS * DAY);
                assertEquals(DAYS * 144, segs.size(), c + ": every segment of every day is indexed again");
                assertEquals(DAYS * 144, StoreTest.readAll(s, c, 0, T0 + DAYS * DAY).size(), c + ": every frame plays");
            }
            long old = 0;
            long all = 0;
            for (String c : CAMS) {
                for (SegmentInfo si : s.segments(c, 0, Long.MAX_VALUE)) {
                    if (si.file().startsWith(dir.resolve("second"))) {
                        all += si.bytes();
                        old += si.startMs() < T0 + DAYS * DAY ? si.bytes() : 0;
                    }
                }
            }
            assertEquals(survivingBytes, old, "the files' bytes, all of them valid");
            assertEquals(all, s.volumes().get(1).segmentBytes(), "the second root's usage counts the re-indexed footage");
            assertTrue(s.verify().errors().isEmpty(), s.verify().errors().toString());
        }
        // a later open has nothing left to do
        try (Store s = Store.open(config(), new SimpleMeterRegistry())) {
            assertTrue(s.awaitReindexed(0));
            assertEquals(DAYS * 144, s.segments(survivors.get(0), 0, T0 + DAYS * DAY).size());
        }
    }

    @Test
    void retentionDeletesTheOldestFootageNotTheNewestItStillKnows() throws Exception {
        record();
        long[] perDay = new long[DAYS]; // bytes on the second root per day
        for (String c : CAMS) {
            for (Path f : filesOnSecond(c)) {
                perDay[(int) ((Recovery.startOf(f) - T0) / DAY)] += Files.size(f);
            }
        }
        long total = java.util.Arrays.stream(perDay).sum();
        loseFirstRoot();
        nvr.storage.retention.TimeSource time = nvr.storage.retention.TimeSource.of(
                java.time.InstantSource.fixed(java.time.Instant.ofEpochMilli(T0 + DAYS * DAY + 60_000)), System::nanoTime);
        // a quota over its high watermark by two days of footage: the two oldest days must go, never newer ones
        long capacity = (long) ((total - perDay[0] - perDay[1] + 1) / 0.8);
        var cfg = new nvr.storage.retention.RetentionConfig(List.of(new nvr.storage.retention.Tier("t", 1)), "t",
                java.util.Map.of(), nvr.storage.retention.RetentionPolicy.PROTECT,
                List.of(new nvr.storage.retention.VolumeConfig(dir.resolve("first"), 0.9, 0.8, 1L << 40),
                        new nvr.storage.retention.VolumeConfig(dir.resolve("second"), 0.9, 0.8, capacity)),
                java.time.Duration.ofHours(1));
        try (Store s = Store.open(config(), new SimpleMeterRegistry());
             var m = new nvr.storage.retention.RetentionManager(s, cfg, time, new SimpleMeterRegistry())) {
            m.tick(); // while re-indexing (if still running): the newest days it knows are not the oldest
            assertTrue(s.awaitReindexed(60_000));
            m.tick();
            for (String c : CAMS) {
                if (filesOnSecond(c).isEmpty()) {
                    continue;
                }
                assertTrue(s.segments(c, 0, T0 + 2 * DAY - 1).isEmpty(), c + ": the two oldest days went");
                assertEquals(4 * 144, s.segments(c, T0 + 2 * DAY, Long.MAX_VALUE).size(), c + ": the newer four stay");
            }
        }
    }

    @Test
    void aRestartInTheMiddleResumes() throws Exception {
        record();
        loseFirstRoot();
        try (Store s = Store.open(config(), new SimpleMeterRegistry())) {
            // closed at once: whatever the background thread did not reach is left pending
        }
        try (Store s = Store.open(config(), new SimpleMeterRegistry())) {
            assertTrue(s.awaitReindexed(60_000));
            for (String c : CAMS) {
                if (!filesOnSecond(c).isEmpty()) {
                    assertEquals(DAYS * 144, s.segments(c, 0, T0 + DAYS * DAY).size(), c);
                }
            }
            assertTrue(s.verify().errors().isEmpty(), s.verify().errors().toString());
        }
    }
}
