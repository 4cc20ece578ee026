package nvr.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The read-ahead window of {@link SegmentReader} and the copy-free {@link FrameCursor#nextSlice()}. */
class SegmentReaderTest {
    static final long T0 = StoreTest.T0;
    @TempDir
    Path dir;

    /** A segment of n records with payload sizes drawn around size (some larger than a small window). */
    private static byte[] segment(int n, int size, Random r, List<byte[]> payloads) {
        ByteBuffer b = ByteBuffer.allocate(n * (size * 3 + 24) + 16);
        b.put(SegmentReader.FILE_MAGIC);
        for (int i = 0; i < n; i++) {
            byte[] p = new byte[r.nextInt(size * 3)];
            r.nextBytes(p);
            FrameRecordCodec.encodeHeader(b, T0 + i * 40L, i % 10 == 0, 0x1B, p);
            b.put(p);
            payloads.add(p);
        }
        return Arrays.copyOf(b.array(), b.position());
    }

    @Test
    void readsEveryRecordThroughSmallAndLargeWindowsWithFewReads() throws IOException {
        Random r = new Random(7);
        List<byte[]> payloads = new ArrayList<>();
        byte[] file = segment(400, 3000, r, payloads); // ~1.8 MB: several fills of a 1 MiB window
        for (ByteBuffer window : new ByteBuffer[] {null, ByteBuffer.allocateDirect(4096),
                ByteBuffer.allocateDirect(SegmentReader.READ_AHEAD)}) {
            ByteArraySource src = new ByteArraySource(file);
            try (SegmentReader rd = new SegmentReader(dir.resolve("x.seg"), src, window)) {
                long off = SegmentReader.FILE_HEADER_BYTES;
                for (int i = 0; i < payloads.size(); i++) {
                    SegmentReader.Result res = rd.read(off, file.length);
                    SegmentReader.Frame f = assertInstanceOf(SegmentReader.Frame.class, res, "record " + i);
                    assertArrayEquals(payloads.get(i), f.frame().payload(), "record " + i);
                    assertEquals(T0 + i * 40L, f.frame().timeMs());
                    off = f.next();
                }
                assertInstanceOf(SegmentReader.End.class, rd.read(off, file.length));
                if (window != null && window.capacity() == SegmentReader.READ_AHEAD) {
                    assertTrue(src.reads <= 4, "a sequential walk reads per window, not per record: " + src.reads);
                }
            }
        }
    }

    @Test
    void windowNeverKeepsBytesPastTheLimitItWasFilledUnder() throws IOException {
        Random r = new Random(8);
        List<byte[]> payloads = new ArrayList<>();
        byte[] full = segment(20, 1000, r, payloads);
        // find the end of record 10: the indexed limit while the writer is still writing record 10..19
        long limit = SegmentReader.FILE_HEADER_BYTES;
        ByteArraySource probe = new ByteArraySource(full);
        try (SegmentReader rd = new SegmentReader(dir.resolve("p.seg"), probe)) {
            for (int i = 0; i < 10; i++) {
                limit = ((SegmentReader.Frame) rd.read(limit, full.length)).next();
            }
        }
        // the file on disk already holds a torn version of the next records (garbage past the limit)
        byte[] torn = full.clone();
        Arrays.fill(torn, (int) limit, torn.length, (byte) 0x5A);
        ByteArraySource src = new ByteArraySource(torn);
        try (SegmentReader rd = new SegmentReader(dir.resolve("y.seg"), src, ByteBuffer.allocateDirect(1 << 20))) {
            long off = SegmentReader.FILE_HEADER_BYTES;
            for (int i = 0; i < 10; i++) {
                off = ((SegmentReader.Frame) rd.read(off, limit)).next();
            }
            assertInstanceOf(SegmentReader.End.class, rd.read(off, limit));
            src.data = full; // the writer finished and fsynced: the index now covers the whole file
            for (int i = 10; i < 20; i++) {
                SegmentReader.Result res = rd.read(off, full.length);
                SegmentReader.Frame f = assertInstanceOf(SegmentReader.Frame.class, res, "record " + i + " was "
                        + res + ": stale window bytes past the old limit were served");
                assertArrayEquals(payloads.get(i), f.frame().payload());
                off = f.next();
            }
        }
    }

    @Test
    void nextSliceGivesTheSameFramesGapsAndPayloadsAsNext() throws IOException {
        try (Store s = Store.open(StoreTest.config(dir, 2, 50), new SimpleMeterRegistry())) {
            CameraWriter w = s.writer("cam");
            StoreTest.write(w, "cam", 0, 200, T0);
            StoreTest.write(w, "cam", 300, 400, T0); // a 4 s hole
            s.flush();
            List<FrameRecord> copies = new ArrayList<>();
            List<Boolean> gaps = new ArrayList<>();
            try (FrameCursor c = s.openCursor("cam", T0 + 1000, Long.MAX_VALUE)) {
                for (FrameRecord f; (f = c.next()) != null; ) {
                    copies.add(f);
                    gaps.add(c.gapBefore());
                }
            }
            assertEquals(275, copies.size());
            try (FrameCursor c = s.openCursor("cam", T0 + 1000, Long.MAX_VALUE)) {
                int i = 0;
                for (FrameSlice f; (f = c.nextSlice()) != null; i++) {
                    FrameRecord want = copies.get(i);
                    assertEquals(want.timeMs(), f.timeMs());
                    assertEquals(want.keyframe(), f.keyframe());
                    assertEquals(want.streamType(), f.streamType());
                    assertEquals(gaps.get(i), c.gapBefore(), "gap flag of frame " + i);
                    assertTrue(f.payload().isReadOnly());
                    assertEquals(ByteBuffer.wrap(want.payload()), f.payload(), "payload of frame " + i);
                    assertArrayEquals(want.payload(), f.toRecord().payload());
                }
                assertEquals(copies.size(), i);
                assertNull(c.nextSlice());
            }
        }
    }
}
