package nvr.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Store.deleteSegments (retention's batch delete), recovery of a batch interrupted after its GARBAGE mark (batch
 * record and the per-segment markers of older versions), and a failed batch finished by the next deletion.
 */
class BatchDeleteTest {
    @TempDir
    Path dir;

    /** A store holding camA and camB, 300 frames each, flushed. */
    private Store twoCameras() throws IOException {
        Store s = Store.open(StoreTest.config(dir, 2, 50), new SimpleMeterRegistry());
        StoreTest.write(s.writer("camA"), "camA", 0, 300, StoreTest.T0);
        StoreTest.write(s.writer("camB"), "camB", 0, 300, StoreTest.T0);
        s.flush();
        return s;
    }

    @Test
    void deletesExactlyTheChosenSegmentsAcrossCamerasAndKeepsUsageRight() throws IOException {
        try (Store s = twoCameras()) {
            List<SegmentInfo> a = s.segments("camA", 0, Long.MAX_VALUE);
            List<SegmentInfo> b = s.segments("camB", 0, Long.MAX_VALUE);
            long before = s.volumes().get(0).segmentBytes();
            // camA: first, third and fourth (a kept one in between); camB: the first; camB's newest is open
            List<SegmentInfo> chosen = new ArrayList<>(List.of(a.get(0), a.get(2), a.get(3), b.get(0), b.get(b.size() - 1)));
            List<SegmentInfo> done = s.deleteSegments(chosen);
            assertEquals(4, done.size(), "the open segment is skipped: " + done);
            long freed = a.get(0).bytes() + a.get(2).bytes() + a.get(3).bytes() + b.get(0).bytes();
            assertEquals(before - freed, s.volumes().get(0).segmentBytes());
            List<SegmentInfo> leftA = s.segments("camA", 0, Long.MAX_VALUE);
            assertEquals(a.size() - 3, leftA.size());
            assertEquals(a.get(1).startMs(), leftA.get(0).startMs());
            assertFalse(Files.exists(a.get(0).file()));
            assertTrue(Files.exists(a.get(1).file()));
            assertEquals(b.size() - 1, s.segments("camB", 0, Long.MAX_VALUE).size());
            assertTrue(s.deleteSegments(List.of(a.get(0))).isEmpty(), "already gone");
            assertTrue(s.verify().errors().isEmpty(), s.verify().errors().toString());
        }
        try (Store s = Store.open(StoreTest.config(dir, 2, 50), new SimpleMeterRegistry())) {
            long sum = 0;
            for (String c : List.of("camA", "camB")) {
                for (SegmentInfo si : s.segments(c, 0, Long.MAX_VALUE)) {
                    sum += si.bytes();
                }
            }
            assertEquals(sum, s.volumes().get(0).segmentBytes(), "persisted usage counter matches the entries");
        }
    }

    @Test
    void recoveryFinishesADeletionMarkedGarbageWithoutItsKeyframeTable() throws IOException {
        SegmentInfo victim;
        long usage;
        try (Store s = Store.open(StoreTest.config(dir, 2, 50), new SimpleMeterRegistry())) {
            StoreTest.write(s.writer("cam"), "cam", 0, 300, StoreTest.T0);
            s.flush();
            victim = s.segments("cam", 0, Long.MAX_VALUE).get(0);
            usage = s.volumes().get(0).segmentBytes();
        }
        // The first step of deleteSegments, then a crash: entry GARBAGE (keyframes dropped) + marker, file still there.
        try (SegmentIndex index = SegmentIndex.open(dir.resolve("index"))) {
            SegmentIndex.Segment seg = index.get("cam", victim.startMs());
            assertTrue(seg.entry().keyframeOffsets().length > 0);
            try (SegmentIndex.Batch b = index.batch()) {
                b.putSegment("cam", victim.startMs(), seg.entry().asGarbage());
                b.putMeta(SegmentIndex.garbageMarker("cam", victim.startMs()), new byte[0]);
                index.write(b, true);
            }
        }
        assertTrue(Files.exists(victim.file()));
        try (Store s = Store.open(StoreTest.config(dir, 2, 50), new SimpleMeterRegistry())) {
            assertFalse(Files.exists(victim.file()), "recovery unlinked the file");
            assertTrue(s.segments("cam", 0, Long.MAX_VALUE).stream().noneMatch(x -> x.startMs() == victim.startMs()));
            assertEquals(usage - victim.bytes(), s.volumes().get(0).segmentBytes());
            assertTrue(s.verify().errors().isEmpty(), s.verify().errors().toString());
        }
    }

    @Test
    void recoveryFinishesABatchRecordedBeforeACrash() throws IOException {
        List<SegmentInfo> victims;
        long usage;
        try (Store s = twoCameras()) {
            victims = new ArrayList<>(s.segments("camA", 0, Long.MAX_VALUE).subList(0, 3));
            victims.add(s.segments("camB", 0, Long.MAX_VALUE).get(1));
            usage = s.volumes().get(0).segmentBytes();
        }
        // Step 1 of SegmentDeleter, then a crash: entries GARBAGE + one batch record, files still there.
        try (SegmentIndex index = SegmentIndex.open(dir.resolve("index"))) {
            List<SegmentIndex.Segment> found = new ArrayList<>();
            try (SegmentIndex.Batch b = index.batch()) {
                for (SegmentInfo v : victims) {
                    SegmentIndex.Segment seg = index.get(v.camera(), v.startMs());
                    found.add(seg);
                    b.putSegment(v.camera(), v.startMs(), seg.entry().asGarbage());
                }
                b.putMeta(SegmentDeleter.BATCH_PREFIX + "test", SegmentDeleter.encode(found));
                index.write(b, true);
            }
        }
        try (Store s = Store.open(StoreTest.config(dir, 2, 50), new SimpleMeterRegistry())) {
            long freed = 0;
            for (SegmentInfo v : victims) {
                assertFalse(Files.exists(v.file()), "recovery unlinked " + v.file());
                assertTrue(s.segments(v.camera(), 0, Long.MAX_VALUE).stream().noneMatch(x -> x.startMs() == v.startMs()));
                freed += v.bytes();
            }
            assertEquals(usage - freed, s.volumes().get(0).segmentBytes());
            assertEquals(victims.size(), s.recoveryReport().size(), s.recoveryReport().toString());
            assertTrue(s.verify().errors().isEmpty(), s.verify().errors().toString());
        }
    }

    @Test
    void aBatchThatFailsMidwayIsFinishedByTheNextDeletionNotOnlyAtRestart() throws IOException {
        try (Store s = twoCameras()) {
            List<SegmentInfo> a = s.segments("camA", 0, Long.MAX_VALUE);
            List<SegmentInfo> b = s.segments("camB", 0, Long.MAX_VALUE);
            long before = s.volumes().get(0).segmentBytes();
            // A move into the trash that fails: the root's trash path is a file, not a directory.
            SegmentInfo stuck = a.get(1);
            Path trash = dir.resolve(SegmentTrash.DIR);
            Files.write(trash, new byte[] {1});
            List<SegmentInfo> chosen = List.of(a.get(0), stuck, a.get(2), b.get(0));
            assertThrows(IOException.class, () -> s.deleteSegments(chosen));
            // Marked GARBAGE: hidden from readers, not yet dropped.
            assertTrue(s.segments("camA", 0, Long.MAX_VALUE).stream().noneMatch(x -> x.startMs() == stuck.startMs()));
            assertEquals(before, s.volumes().get(0).segmentBytes(), "nothing dropped yet");
            for (SegmentInfo v : chosen) {
                assertTrue(Files.exists(v.file()), "still in place after the failed move: " + v.file());
            }
            Files.delete(trash);
            // The next deletion (here of nothing) finishes the recorded batch first.
            assertTrue(s.deleteSegments(List.of()).isEmpty());
            long freed = 0;
            for (SegmentInfo v : chosen) {
                assertFalse(Files.exists(v.file()), v.file().toString());
                freed += v.bytes();
            }
            assertEquals(before - freed, s.volumes().get(0).segmentBytes());
            assertEquals(a.size() - 3, s.segments("camA", 0, Long.MAX_VALUE).size());
            assertEquals(b.size() - 1, s.segments("camB", 0, Long.MAX_VALUE).size());
            assertTrue(s.verify().errors().isEmpty(), s.verify().errors().toString());
        }
        try (Store s = Store.open(StoreTest.config(dir, 2, 50), new SimpleMeterRegistry())) {
            assertTrue(s.recoveryReport().isEmpty(), "nothing left to finish: " + s.recoveryReport());
            long sum = 0;
            for (String c : List.of("camA", "camB")) {
                for (SegmentInfo si : s.segments(c, 0, Long.MAX_VALUE)) {
                    sum += si.bytes();
                }
            }
            assertEquals(sum, s.volumes().get(0).segmentBytes(), "persisted usage counter matches the entries");
        }
    }
}
