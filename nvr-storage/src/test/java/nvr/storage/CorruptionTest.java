package nvr.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Damaged files on disk: each problem is reported by verify and handled by readers; nothing crashes. */
class CorruptionTest {
    static final long T0 = StoreTest.T0;
    @TempDir
    Path dir;
    List<SegmentInfo> segs;

    private StoreConfig config() {
        return StoreTest.config(dir, 2, 20);
    }

    @BeforeEach
    void record() throws IOException {
        try (Store s = Store.open(config(), null)) {
            StoreTest.write(s.writer("cam"), "cam", 0, 300, T0); // 6 segments of 50 frames
            s.flush();
            segs = s.segments("cam", 0, Long.MAX_VALUE);
        }
        assertEquals(6, segs.size());
    }

    /** Reads everything, checking each returned frame is exactly what was written; returns seqs and gap flags. */
    private static List<long[]> readChecked(Store s) throws IOException {
        List<long[]> out = new ArrayList<>();
        try (FrameCursor c = s.openCursor("cam", 0, Long.MAX_VALUE)) {
            for (FrameRecord f; (f = c.next()) != null; ) {
                long seq = (f.timeMs() - T0) / 40;
                assertArrayEquals(TestFrames.payload("cam", seq, 3000), f.payload(), "frame " + seq);
                out.add(new long[] {seq, c.gapBefore() ? 1 : 0});
            }
        }
        return out;
    }

    private static void flipByte(Path f, long offset) throws IOException {
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ByteBuffer b = ByteBuffer.allocate(1);
            ch.read(b, offset);
            b.put(0, (byte) (b.get(0) ^ 0x5A)).rewind();
            ch.write(b, offset);
        }
    }

    @Test
    void flippedPayloadByteIsReportedAndSkippedToNextKeyframe() throws IOException {
        SegmentInfo seg = segs.get(2); // frames 100..149, keyframes at 100 and 125
        flipByte(seg.file(), 40); // inside frame 100's payload
        try (Store s = Store.open(config(), null)) {
            VerifyReport v = s.verify();
            assertEquals(1, v.errors().size(), v.toString());
            assertEquals(seg.file().toString(), v.errors().get(0).file());
            assertEquals(SegmentReader.FILE_HEADER_BYTES, v.errors().get(0).offset());
            assertTrue(v.errors().get(0).problem().contains("CRC"));
            List<long[]> read = readChecked(s);
            assertEquals(300 - 25, read.size(), "only the damaged GOP (100..124) is lost");
            long[] resumed = read.stream().filter(r -> r[0] == 125).findFirst().orElseThrow();
            assertEquals(1, resumed[1], "the frame after the skipped GOP follows a gap");
        }
    }

    @Test
    void flippedHeaderBytesNeverCrashOpenOrRead() throws IOException {
        SegmentInfo seg = segs.get(1);
        for (long off = 8; off < 8 + 24; off++) { // every byte of the first record header
            flipByte(seg.file(), off);
        }
        try (Store s = Store.open(config(), null)) {
            assertFalse(s.verify().errors().isEmpty());
            assertEquals(300 - 25, readChecked(s).size());
        }
    }

    @Test
    void truncatedFileIsReportedAndItsValidPrefixStillReads() throws IOException {
        SegmentInfo seg = segs.get(3);
        try (FileChannel ch = FileChannel.open(seg.file(), StandardOpenOption.WRITE)) {
            ch.truncate(seg.bytes() / 2);
        }
        try (Store s = Store.open(config(), null)) {
            VerifyReport v = s.verify();
            assertTrue(v.errors().stream().anyMatch(p -> p.problem().contains("index names")), v.toString());
            List<long[]> read = readChecked(s);
            assertTrue(read.size() > 250 && read.size() < 300, "read " + read.size());
            for (int i = 1; i < read.size(); i++) {
                assertTrue(read.get(i)[0] > read.get(i - 1)[0], "in order");
            }
            assertTrue(read.stream().anyMatch(r -> r[0] == 200 && r[1] == 1), "gap before the next segment");
        }
    }

    @Test
    void missingSegmentFileIsReportedAndSkipped() throws IOException {
        Files.delete(segs.get(4).file());
        try (Store s = Store.open(config(), null)) {
            VerifyReport v = s.verify();
            assertEquals(1, v.errors().size(), v.toString());
            assertTrue(v.errors().get(0).problem().contains("missing"));
            List<long[]> read = readChecked(s);
            assertEquals(250, read.size());
            assertTrue(read.stream().anyMatch(r -> r[0] == 250 && r[1] == 1));
            // the dead entry can be removed by retention like any other
            s.deleteSegment(s.segments("cam", segs.get(4).startMs(), segs.get(4).startMs() + 1).get(0));
            assertEquals(List.of(), s.verify().errors());
        }
    }

    @Test
    void strayFileInNewestDayIsIndexedAtOpenAndGarbageStrayRemoved() throws IOException {
        SegmentInfo last = segs.get(5);
        long strayStart = last.endMs() + 10_000;
        Path stray = last.file().getParent().resolve(strayStart + ".seg");
        // a real segment written by another store, copied in without an index entry
        Path other = dir.resolve("other");
        try (Store o = Store.open(StoreTest.config(other, 60, 20), null)) {
            StoreTest.write(o.writer("cam"), "cam", 500, 525, T0);
            o.flush();
            Files.copy(o.segments("cam", 0, Long.MAX_VALUE).get(0).file(), stray);
        }
        Path garbage = last.file().getParent().resolve((strayStart + 99_000) + ".seg");
        Files.write(garbage, new byte[] {'N', 'V', 'R', 'S', 'E', 'G', 0, 1, 1, 2, 3, 4, 5});
        try (Store s = Store.open(config(), null)) {
            assertEquals(2, s.recoveryReport().size(), s.recoveryReport().toString());
            assertFalse(Files.exists(garbage));
            List<SegmentInfo> now = s.segments("cam", 0, Long.MAX_VALUE);
            assertEquals(7, now.size());
            assertEquals(25, now.get(6).frames());
            assertEquals(List.of(), s.verify().errors());
        }
    }

    @Test
    void strayFileInOldDayIsReportedByVerify() throws IOException {
        try (Store s = Store.open(config(), null)) { // a second, newer day directory
            StoreTest.write(s.writer("cam"), "cam", 0, 25, T0 + 86_400_000L);
            s.flush();
        }
        Path oldDay = segs.get(0).file().getParent().getParent().resolve("2020-01-01");
        Files.createDirectories(oldDay);
        long start = 1_577_836_800_000L + 5000;
        Files.copy(segs.get(0).file(), oldDay.resolve(start + ".seg"));
        try (Store s = Store.open(config(), null)) {
            assertEquals(List.of(), s.recoveryReport(), "outside the two newest days: not scanned at open");
            VerifyReport v = s.verify();
            assertEquals(1, v.errors().size(), v.toString());
            assertTrue(v.errors().get(0).problem().contains("no index entry"));
            assertTrue(v.errors().get(0).file().endsWith(start + ".seg"));
        }
    }

    @Test
    void unreadableMetaFileFailsOpenWithAClearMessage() throws IOException {
        Files.writeString(dir.resolve("meta"), "garbage");
        IOException e = assertThrows(IOException.class, () -> Store.open(config(), null));
        assertTrue(e.getMessage().contains("unreadable meta file"), e.getMessage());
    }
}
