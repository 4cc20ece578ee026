package nvr.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Deletion through the trash: a whole day directory leaves in one rename, a partial day file by file, the reaper
 * frees the blocks afterwards (also what a crash or close left), and recovery moves back a file the index names.
 */
class SegmentTrashTest {
    private static final long DAY = CoverageIndex.DAY_MS;
    private static final long D = Math.floorDiv(StoreTest.T0, DAY) * DAY;

    @TempDir
    Path dir;

    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

    /** cam: 1,000 frames (20 segments of 2 s) in day D, then 100 frames in day D+1 (the open segment). */
    private Store twoDays() throws IOException {
        Store s = Store.open(StoreTest.config(dir, 2, 50), meters);
        StoreTest.write(s.writer("cam"), "cam", 0, 1000, D + 3_600_000);
        StoreTest.write(s.writer("cam"), "cam", 1000, 1100, D + DAY + 3_600_000 - 1000 * 40);
        s.flush();
        return s;
    }

    private Path dayDir(long dayStart) {
        return dir.resolve("segments/cam").resolve(java.time.LocalDate.ofEpochDay(dayStart / DAY).toString());
    }

    private long trashFiles() throws IOException {
        Path t = dir.resolve(SegmentTrash.DIR);
        if (!Files.exists(t)) {
            return 0;
        }
        try (var all = Files.walk(t)) {
            return all.filter(p -> !p.equals(t)).count();
        }
    }

    @Test
    void aWholeDayLeavesInOneMoveAndItsSpaceIsFreedInTheBackground() throws Exception {
        try (Store s = twoDays()) {
            List<SegmentInfo> day = s.segments("cam", D, D + DAY - 1);
            assertEquals(20, day.size());
            Object inode = Files.getAttribute(dayDir(D), "unix:ino");
            long before = s.volumes().get(0).segmentBytes();
            assertEquals(20, s.deleteSegments(day).size());
            assertFalse(Files.exists(dayDir(D)), "the day directory left segments/");
            assertTrue(s.segments("cam", D, D + DAY - 1).isEmpty());
            assertEquals(before - day.stream().mapToLong(SegmentInfo::bytes).sum(), s.volumes().get(0).segmentBytes());
            // The moved directory is the same inode (one rename), unless the reaper already freed it.
            try (var batches = Files.list(dir.resolve(SegmentTrash.DIR))) {
                for (Path b : batches.toList()) {
                    Path moved = b.resolve("cam").resolve(dayDir(D).getFileName());
                    if (Files.exists(moved)) {
                        assertEquals(inode, Files.getAttribute(moved, "unix:ino"), "moved whole, not file by file");
                    }
                }
            }
            assertTrue(s.awaitSpaceReclaimed(10_000), "reaper finished");
            assertEquals(0, trashFiles(), "trash emptied");
            assertEquals(0, s.volumes().get(0).reclaimingBytes());
            assertEquals(0.0, meters.find("nvr.storage.reclaiming.bytes").gauge().value());
            assertEquals(100, StoreTest.readAll(s, "cam", D + DAY, Long.MAX_VALUE).size(), "the next day is untouched");
            assertTrue(s.verify().errors().isEmpty(), s.verify().errors().toString());
        }
    }

    @Test
    void partOfADayLeavesFileByFileAndTheRestStaysReadable() throws Exception {
        try (Store s = twoDays()) {
            List<SegmentInfo> day = s.segments("cam", D, D + DAY - 1);
            List<SegmentInfo> first = day.subList(0, 5);
            assertEquals(5, s.deleteSegments(first).size());
            for (SegmentInfo v : first) {
                assertFalse(Files.exists(v.file()), v.file().toString());
            }
            try (var left = Files.list(dayDir(D))) {
                assertEquals(15, left.count());
            }
            assertEquals(750 + 100, StoreTest.readAll(s, "cam", 0, Long.MAX_VALUE).size());
            assertTrue(s.awaitSpaceReclaimed(10_000));
            assertEquals(0, trashFiles());
            assertTrue(s.verify().errors().isEmpty(), s.verify().errors().toString());
        }
    }

    @Test
    void trashLeftByACrashIsFreedAfterOpenAndCountsAsReclaimingUntilThen() throws Exception {
        try (Store s = twoDays()) {
            assertTrue(s.volumes().get(0).reclaimingBytes() == 0);
        }
        Path left = dir.resolve(SegmentTrash.DIR).resolve("crashed-batch").resolve("cam").resolve("2025-01-01");
        Files.createDirectories(left);
        for (int i = 0; i < 30; i++) {
            Files.write(left.resolve((1_735_689_600_000L + i * 2000) + ".seg"), new byte[4096]);
        }
        try (Store s = Store.open(StoreTest.config(dir, 2, 50), new SimpleMeterRegistry())) {
            long reclaiming = s.volumes().get(0).reclaimingBytes();
            assertTrue(reclaiming == 0 || reclaiming <= 30 * 4096, "counted from the files: " + reclaiming);
            assertTrue(s.awaitSpaceReclaimed(10_000));
            assertEquals(0, trashFiles());
            assertEquals(0, s.volumes().get(0).reclaimingBytes());
            assertEquals(1100, StoreTest.readAll(s, "cam", 0, Long.MAX_VALUE).size(), "footage untouched");
        }
    }

    @Test
    void recoveryMovesBackAFileTheIndexStillNames() throws Exception {
        SegmentInfo victim;
        try (Store s = twoDays()) {
            victim = s.segments("cam", D, D + DAY - 1).get(3);
        }
        // A crash between a day move and its check for a writer's file (see SegmentTrash.Batch#moveDay).
        Path moved = dir.resolve(SegmentTrash.DIR).resolve("b1").resolve("cam")
                .resolve(dayDir(D).getFileName()).resolve(victim.startMs() + ".seg");
        Files.createDirectories(moved.getParent());
        Files.move(victim.file(), moved);
        try (Store s = Store.open(StoreTest.config(dir, 2, 50), new SimpleMeterRegistry())) {
            assertTrue(Files.exists(victim.file()), "moved back");
            assertTrue(s.recoveryReport().stream().anyMatch(p -> p.problem().startsWith("moved back from the trash")),
                    s.recoveryReport().toString());
            assertEquals(1100, StoreTest.readAll(s, "cam", 0, Long.MAX_VALUE).size());
            assertTrue(s.awaitSpaceReclaimed(10_000));
            assertTrue(s.verify().errors().isEmpty(), s.verify().errors().toString());
        }
    }

    @Test
    void aDayIsMovedWholeOnlyWhenTheBatchHoldsEveryFileAndNoWriterIsInIt() throws IOException {
        try (DataRoot root = DataRoot.open(dir)) {
            long[] starts = new long[20];
            Path day = root.dayDir("cam", D);
            Files.createDirectories(day);
            for (int i = 0; i < starts.length; i++) {
                starts[i] = D + i * 2000L;
                Files.write(day.resolve(starts[i] + ".seg"), new byte[16]);
            }
            OpenSegmentSet open = new OpenSegmentSet();
            SegmentTrash.Batch b = root.trash.batch("t1");
            assertFalse(b.moveDay("cam", day, starts, 19, open), "one file of the directory is not in the batch");
            open.add(RootWriter.segmentKey("cam", D + DAY - 5000));
            assertFalse(b.moveDay("cam", day, starts, 20, open), "a writer owns a segment of that day");
            open.remove(RootWriter.segmentKey("cam", D + DAY - 5000));
            Files.write(day.resolve("notes.txt"), new byte[1]);
            assertFalse(b.moveDay("cam", day, starts, 20, open), "a file that is no segment of the batch");
            Files.delete(day.resolve("notes.txt"));
            assertTrue(b.moveDay("cam", day, starts, 20, open));
            b.sync();
            assertFalse(Files.exists(day));
            try (var moved = Files.list(dir.resolve("trash/t1/cam").resolve(day.getFileName()))) {
                assertEquals(20, moved.count());
            }
        }
    }
}
