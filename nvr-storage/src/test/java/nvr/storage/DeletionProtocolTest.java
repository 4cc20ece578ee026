package nvr.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
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
 * The deletion protocol without entry rewrites: keys hidden in memory from the mark until the drop, a to-do record
 * that alone makes recovery finish the batch, runs dropped as range tombstones that never cover a kept entry, and
 * day directories removed once emptied.
 */
class DeletionProtocolTest {
    @TempDir
    Path dir;

    private Store open() throws IOException {
        return Store.open(StoreTest.config(dir, 2, 50), new SimpleMeterRegistry());
    }

    private Store twoCameras() throws IOException {
        Store s = open();
        StoreTest.write(s.writer("camA"), "camA", 0, 300, StoreTest.T0);
        StoreTest.write(s.writer("camB"), "camB", 0, 300, StoreTest.T0);
        s.flush();
        return s;
    }

    private static long usageOfEntries(Store s, List<String> cameras) {
        long sum = 0;
        for (String c : cameras) {
            for (SegmentInfo si : s.segments(c, 0, Long.MAX_VALUE)) {
                sum += si.bytes();
            }
        }
        return sum;
    }

    @Test
    void aDeletionInFlightIsHiddenFromEveryReaderWhileItsFilesStillExist() throws IOException {
        try (Store s = twoCameras()) {
            List<SegmentInfo> a = s.segments("camA", 0, Long.MAX_VALUE);
            SegmentInfo victim = a.get(2);
            // a coverage summary cached before the deletion must not keep showing it
            Coverage before = s.coverage("camA", 0, Long.MAX_VALUE);
            assertEquals(1, before.spans().size());
            long before0 = s.volumes().get(0).segmentBytes();
            Store.Deletion d = s.beginDelete(List.of(a.get(1), victim, a.get(3)));
            assertEquals(3, d.segments().size());
            assertTrue(Files.exists(victim.file()), "not unlinked yet");
            assertTrue(s.segments("camA", 0, Long.MAX_VALUE).stream().noneMatch(x -> x.startMs() == victim.startMs()));
            assertNull(s.locate("camA", victim.startMs() + 500));
            assertEquals(2, s.coverage("camA", 0, Long.MAX_VALUE).spans().size(), "a gap where the batch was");
            List<FrameRecord> frames = StoreTest.readAll(s, "camA", victim.startMs(), victim.endMs() + 1);
            assertTrue(frames.stream().allMatch(f -> f.timeMs() >= a.get(4).startMs()), "cursor skips hidden segments");
            assertTrue(s.verify().errors().isEmpty(), s.verify().errors().toString());
            assertTrue(s.beginDelete(List.of(victim)).segments().isEmpty(), "claimed once");
            assertEquals(before0, s.volumes().get(0).segmentBytes(), "usage drops with the entries");
            d.finish();
            assertFalse(Files.exists(victim.file()));
            assertEquals(before0 - a.get(1).bytes() - victim.bytes() - a.get(3).bytes(), s.volumes().get(0).segmentBytes());
            assertEquals(a.size() - 3, s.segments("camA", 0, Long.MAX_VALUE).size());
            assertTrue(s.verify().errors().isEmpty(), s.verify().errors().toString());
        }
    }

    @Test
    void recoveryFinishesABatchFromItsRecordAloneEvenHalfUnlinked() throws IOException {
        List<SegmentInfo> victims;
        long usage;
        try (Store s = twoCameras()) {
            victims = new ArrayList<>(s.segments("camA", 0, Long.MAX_VALUE).subList(0, 4));
            victims.add(s.segments("camB", 0, Long.MAX_VALUE).get(2));
            usage = s.volumes().get(0).segmentBytes();
        }
        // The mark, then a crash part-way through the unlinks: a synced record, entries untouched, one file gone.
        try (SegmentIndex index = SegmentIndex.open(dir.resolve("index"))) {
            List<SegmentIndex.Segment> found = new ArrayList<>();
            for (SegmentInfo v : victims) {
                found.add(index.get(v.camera(), v.startMs()));
            }
            try (SegmentIndex.Batch b = index.batch()) {
                b.putMeta(SegmentDeleter.BATCH_PREFIX + "crashed", SegmentDeleter.encode(found));
                index.write(b, true);
            }
        }
        Files.delete(victims.get(0).file());
        try (Store s = open()) {
            long freed = 0;
            for (SegmentInfo v : victims) {
                assertFalse(Files.exists(v.file()), "recovery unlinked " + v.file());
                assertTrue(s.segments(v.camera(), 0, Long.MAX_VALUE).stream().noneMatch(x -> x.startMs() == v.startMs()));
                freed += v.bytes();
            }
            assertEquals(usage - freed, s.volumes().get(0).segmentBytes(), "subtracted exactly once");
            assertEquals(victims.size(), s.recoveryReport().size(), s.recoveryReport().toString());
            assertTrue(s.verify().errors().isEmpty(), s.verify().errors().toString());
        }
        try (Store s = open()) {
            assertTrue(s.recoveryReport().isEmpty(), "finished once: " + s.recoveryReport());
            assertEquals(usageOfEntries(s, List.of("camA", "camB")), s.volumes().get(0).segmentBytes());
        }
    }

    @Test
    void aRecordNeverDeletesAnEntryThatIsNotTheOneItRecorded() throws IOException {
        SegmentInfo v;
        try (Store s = twoCameras()) {
            v = s.segments("camA", 0, Long.MAX_VALUE).get(1);
        }
        try (SegmentIndex index = SegmentIndex.open(dir.resolve("index"))) {
            SegmentIndex.Segment seg = index.get("camA", v.startMs());
            IndexEntry e = seg.entry();
            // recorded with other bytes: the entry under that key is a different segment (written after the clock
            // went back to exactly that millisecond, once the old file was gone)
            IndexEntry other = new IndexEntry(e.state(), e.root(), e.endMs(), e.bytes() + 1, e.frames(), e.streamType(),
                    e.keyframeOffsets(), e.keyframeDeltas());
            try (SegmentIndex.Batch b = index.batch()) {
                b.putMeta(SegmentDeleter.BATCH_PREFIX + "stale",
                        SegmentDeleter.encode(List.of(new SegmentIndex.Segment("camA", v.startMs(), other))));
                index.write(b, true);
            }
        }
        try (Store s = open()) {
            assertTrue(Files.exists(v.file()));
            assertTrue(s.segments("camA", 0, Long.MAX_VALUE).stream().anyMatch(x -> x.startMs() == v.startMs()));
            assertTrue(s.verify().errors().isEmpty(), s.verify().errors().toString());
        }
    }

    @Test
    void rangeDropsNeverCoverAKeptSegmentAndLeaveReadsWorking() throws IOException {
        try (Store s = twoCameras()) {
            List<SegmentInfo> a = s.segments("camA", 0, Long.MAX_VALUE);
            List<SegmentInfo> b = s.segments("camB", 0, Long.MAX_VALUE);
            assertTrue(a.size() >= 6, "enough segments: " + a.size());
            SegmentInfo kept = a.get(3); // in the middle of a run, like a held segment
            List<SegmentInfo> chosen = new ArrayList<>(a.subList(0, a.size() - 1));
            chosen.remove(kept);
            chosen.addAll(b.subList(0, b.size() - 1));
            long before = s.volumes().get(0).segmentBytes();
            List<SegmentInfo> done = s.deleteSegments(chosen);
            assertEquals(chosen.size(), done.size());
            List<SegmentInfo> leftA = s.segments("camA", 0, Long.MAX_VALUE);
            assertEquals(List.of(kept.startMs(), a.get(a.size() - 1).startMs()),
                    leftA.stream().map(SegmentInfo::startMs).toList());
            assertEquals(1, s.segments("camB", 0, Long.MAX_VALUE).size());
            List<FrameRecord> frames = StoreTest.readAll(s, "camA", kept.startMs(), kept.endMs() + 1);
            assertEquals(kept.frames(), frames.size(), "the kept segment reads whole");
            assertEquals(kept.startMs(), s.locate("camA", kept.startMs()).segment().startMs());
            long freed = done.stream().mapToLong(SegmentInfo::bytes).sum();
            assertEquals(before - freed, s.volumes().get(0).segmentBytes());
            assertTrue(s.verify().errors().isEmpty(), s.verify().errors().toString());
            // the tombstones do not hide what is written after them
            StoreTest.write(s.writer("camA"), "camA", 300, 400, StoreTest.T0);
            s.flush();
            assertEquals(400 - 300 + kept.frames() + a.get(a.size() - 1).frames(),
                    StoreTest.readAll(s, "camA", 0, Long.MAX_VALUE).size());
        }
        try (Store s = open()) {
            assertTrue(s.recoveryReport().isEmpty(), s.recoveryReport().toString());
            assertEquals(usageOfEntries(s, List.of("camA", "camB")), s.volumes().get(0).segmentBytes());
            assertTrue(s.verify().errors().isEmpty(), s.verify().errors().toString());
        }
    }

    @Test
    void aDayDirectoryGoesWithItsLastSegment() throws IOException {
        long midnight = Math.floorDiv(StoreTest.T0, CoverageIndex.DAY_MS) * CoverageIndex.DAY_MS + CoverageIndex.DAY_MS;
        long t0 = midnight - 6_000; // 6 s before midnight: three 2 s segments on the first day, the rest on the next
        try (Store s = open()) {
            StoreTest.write(s.writer("cam"), "cam", 0, 300, t0);
            s.flush();
            List<SegmentInfo> all = s.segments("cam", 0, Long.MAX_VALUE);
            List<SegmentInfo> firstDay = all.stream().filter(x -> x.startMs() < midnight).toList();
            Path day1 = firstDay.get(0).file().getParent();
            Path day2 = all.get(all.size() - 1).file().getParent();
            assertFalse(day1.equals(day2));
            s.deleteSegments(List.of(firstDay.get(0)));
            assertTrue(Files.isDirectory(day1), "still holds segments");
            s.deleteSegments(firstDay);
            assertFalse(Files.exists(day1), "emptied by the batch: removed");
            s.deleteSegments(List.of(all.get(all.size() - 2)));
            assertTrue(Files.isDirectory(day2), "holds the open segment");
            assertTrue(s.verify().errors().isEmpty(), s.verify().errors().toString());
        }
    }
}
