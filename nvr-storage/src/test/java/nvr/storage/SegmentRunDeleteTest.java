package nvr.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Retention's bulk path: {@link Store#segmentRun} reads entries once, {@link Store#beginDeleteRuns} claims them as
 * read. A claim never takes an entry another deletion took (in flight or already dropped), never an open segment,
 * and never drops an entry a writer committed inside the run's range after the read.
 */
class SegmentRunDeleteTest {
    @TempDir
    Path dir;

    private Store open() throws IOException {
        return Store.open(StoreTest.config(dir, 2, 50), new SimpleMeterRegistry());
    }

    private static SegmentRun all(Store s, String camera) {
        SegmentRun r = s.segmentRun(camera, 0, Long.MAX_VALUE, 1000);
        for (int i = 0; i < r.size(); i++) {
            r.select(i);
        }
        return r;
    }

    private static long usageOfEntries(Store s, String... cameras) {
        long sum = 0;
        for (String c : cameras) {
            for (SegmentInfo si : s.segments(c, 0, Long.MAX_VALUE)) {
                sum += si.bytes();
            }
        }
        return sum;
    }

    @Test
    void aRunIsReadLikeTheIndexAndItsSelectionDeletedExceptTheOpenSegment() throws IOException {
        try (Store s = open()) {
            StoreTest.write(s.writer("camA"), "camA", 0, 300, StoreTest.T0);
            StoreTest.write(s.writer("camB"), "camB", 0, 300, StoreTest.T0);
            s.flush();
            List<SegmentInfo> a = s.segments("camA", 0, Long.MAX_VALUE);
            SegmentRun ra = all(s, "camA");
            assertEquals(a.size(), ra.size());
            for (int i = 0; i < a.size(); i++) {
                assertEquals(a.get(i).startMs(), ra.startMs(i));
                assertEquals(a.get(i).endMs(), ra.endMs(i));
                assertEquals(a.get(i).bytes(), ra.bytes(i));
                assertEquals(a.get(i).file().getParent().getParent().getParent().getParent(), ra.rootPath(i));
            }
            SegmentRun partial = s.segmentRun("camA", 0, Long.MAX_VALUE, 2);
            assertTrue(partial.isFull());
            assertEquals(a.get(2).startMs(), partial.resumeFromMs());
            SegmentRun rb = s.segmentRun("camB", 0, Long.MAX_VALUE, 1000);
            rb.select(0);
            rb.select(2); // a kept entry between two deleted ones: no range may cover it
            long before = s.volumes().get(0).segmentBytes();
            Store.Deletion d = s.beginDeleteRuns(List.of(ra, rb));
            assertFalse(ra.isDeleted(a.size() - 1), "the open segment is never taken");
            assertEquals(a.size() - 1 + 2, d.segments().size());
            d.finish();
            List<SegmentInfo> leftA = s.segments("camA", 0, Long.MAX_VALUE);
            assertEquals(1, leftA.size());
            assertEquals(a.get(a.size() - 1).startMs(), leftA.get(0).startMs());
            assertFalse(Files.exists(a.get(0).file()));
            List<SegmentInfo> leftB = s.segments("camB", 0, Long.MAX_VALUE);
            assertEquals(rb.size() - 2, leftB.size());
            assertEquals(rb.startMs(1), leftB.get(0).startMs());
            assertEquals(usageOfEntries(s, "camA", "camB"), s.volumes().get(0).segmentBytes());
            assertTrue(s.volumes().get(0).segmentBytes() < before);
            assertTrue(s.verify().errors().isEmpty(), s.verify().errors().toString());
        }
    }

    @Test
    void twoDeletionsOfTheSameRunTakeEachSegmentOnce() throws IOException {
        try (Store s = open()) {
            StoreTest.write(s.writer("cam"), "cam", 0, 400, StoreTest.T0);
            s.flush();
            long before = s.volumes().get(0).segmentBytes();
            SegmentRun first = all(s, "cam");
            SegmentRun inFlight = all(s, "cam");
            SegmentRun stale = all(s, "cam");
            Store.Deletion d1 = s.beginDeleteRuns(List.of(first));
            int taken = d1.segments().size();
            assertEquals(first.size() - 1, taken);
            // claimed while the first is in flight: every key is hidden
            Store.Deletion d2 = s.beginDeleteRuns(List.of(inFlight));
            assertEquals(0, d2.segments().size());
            d2.finish();
            d1.finish();
            // claimed after the first is dropped and its keys shown again: the drop is noted, the index read again
            Store.Deletion d3 = s.beginDeleteRuns(List.of(stale));
            assertEquals(0, d3.segments().size());
            d3.finish();
            long freed = 0;
            for (int i = 0; i < first.size(); i++) {
                freed += first.isDeleted(i) ? first.bytes(i) : 0;
            }
            assertEquals(before - freed, s.volumes().get(0).segmentBytes(), "bytes subtracted exactly once");
            assertEquals(usageOfEntries(s, "cam"), s.volumes().get(0).segmentBytes());
        }
    }

    @Test
    void overlappingRunsInOneCallTakeEachSegmentOnce() throws IOException {
        try (Store s = open()) {
            StoreTest.write(s.writer("cam"), "cam", 0, 400, StoreTest.T0);
            s.flush();
            long before = s.volumes().get(0).segmentBytes();
            SegmentRun whole = all(s, "cam");
            SegmentRun tail = s.segmentRun("cam", whole.startMs(2), Long.MAX_VALUE, 1000);
            for (int i = 0; i < tail.size(); i++) {
                tail.select(i);
            }
            Store.Deletion d = s.beginDeleteRuns(List.of(tail, whole));
            d.finish();
            assertEquals(whole.size() - 1, d.segments().size(), "each sealed segment once");
            assertEquals(1, s.segments("cam", 0, Long.MAX_VALUE).size());
            assertEquals(usageOfEntries(s, "cam"), s.volumes().get(0).segmentBytes());
            assertTrue(s.volumes().get(0).segmentBytes() < before);
        }
    }

    @Test
    void anEntryAWriterCommitsInsideAReadRunIsNeverDropped() throws IOException {
        long t0 = StoreTest.T0;
        try (Store s = open()) {
            // footage, then a 60 s hole, then more footage: the hole's neighbours are adjacent keys
            StoreTest.write(s.writer("cam"), "cam", 0, 150, t0);
            StoreTest.write(s.writer("cam"), "cam", 0, 150, t0 + 66_000);
            s.writer("cam").append(t0 + 600_000, true, 0x1B, TestFrames.payload("cam", 0, 100)); // seals the last one
            s.flush();
        }
        try (Store s = open()) {
            SegmentRun run = all(s, "cam");
            assertEquals(7, run.size(), "3 + 3 segments and the single frame");
            // a fresh writer (the clock went back) records into the hole after the run was read
            StoreTest.write(s.writer("cam"), "cam", 0, 150, t0 + 20_000);
            s.writer("cam").append(t0 + 900_000, true, 0x1B, TestFrames.payload("cam", 1, 100));
            s.flush();
            List<SegmentInfo> inHole = s.segments("cam", t0 + 20_000, t0 + 26_000);
            assertFalse(inHole.isEmpty());
            for (int i = 0; i < run.size(); i++) {
                if (s.isOpenSegment("cam", run.startMs(i))) {
                    run.deselect(i);
                }
            }
            Store.Deletion d = s.beginDeleteRuns(List.of(run));
            d.finish();
            for (SegmentInfo kept : inHole) {
                assertNotNull(s.locate("cam", kept.startMs()), "the writer's segment at " + kept.startMs() + " is kept");
                assertTrue(Files.exists(kept.file()));
            }
            assertEquals(usageOfEntries(s, "cam"), s.volumes().get(0).segmentBytes());
            assertTrue(s.verify().errors().isEmpty(), s.verify().errors().toString());
        }
    }
}
