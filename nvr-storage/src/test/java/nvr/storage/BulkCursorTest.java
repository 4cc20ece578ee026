package nvr.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bulk cursor ({@link Store#openCursor(String, long, long, java.util.concurrent.Executor)}: mapped sealed
 * segments paged in ahead on another thread) hands out exactly the frames, payloads and gap flags of the plain
 * one, across segment boundaries, recording gaps, the open segment, a start inside a segment, and segments
 * deleted while it reads; and once closed (early or at the end) it leaves no mapping and no open file behind.
 */
class BulkCursorTest {
    static final long T0 = StoreTest.T0;
    @TempDir
    Path dir;
    private final ExecutorService pool = Executors.newCachedThreadPool();
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

    @AfterEach
    void stop() throws InterruptedException {
        pool.shutdown();
        assertTrue(pool.awaitTermination(10, TimeUnit.SECONDS));
    }

    /** 2 s segments (~75 KB each): frames 0..600, a 6 s hole, 750..1100; the last segment stays open. */
    private Store recorded() throws IOException {
        Store s = Store.open(StoreTest.config(dir, 2, 50), meters);
        CameraWriter w = s.writer("cam");
        StoreTest.write(w, "cam", 0, 600, T0);
        StoreTest.write(w, "cam", 750, 1100, T0);
        s.flush();
        writerHeld = segmentFilesHeld();
        return s;
    }

    private record Seen(long timeMs, boolean keyframe, int streamType, boolean gap, java.nio.ByteBuffer payload) {
    }

    private static Seen next(FrameCursor c) throws IOException {
        FrameSlice f = c.nextSlice();
        if (f == null) {
            return null;
        }
        java.nio.ByteBuffer copy = java.nio.ByteBuffer.allocate(f.payload().remaining()).put(f.payload().duplicate()).flip();
        return new Seen(f.timeMs(), f.keyframe(), f.streamType(), c.gapBefore(), copy);
    }

    /** Walks both cursors in lockstep; returns the number of frames (equal in both). */
    private static int assertSame(FrameCursor plain, FrameCursor bulk, String what) throws IOException {
        int n = 0;
        while (true) {
            Seen a = next(plain);
            Seen b = next(bulk);
            assertEquals(a, b, what + ": frame " + n);
            if (a == null) {
                return n;
            }
            n++;
        }
    }

    @Test
    void sameFramesAsThePlainCursorForEveryStartAndReadAheadDistance() throws IOException {
        try (Store s = recorded()) {
            long[][] ranges = {{T0, Long.MAX_VALUE}, {T0 + 5_030, T0 + 41_000}, {T0 + 23_999, T0 + 30_001},
                {T0 + 31_000, Long.MAX_VALUE}, {T0 - 100_000, T0 + 1}};
            int[][] aheads = {{SequentialReadAhead.CHUNK, (int) SequentialReadAhead.AHEAD}, {16 << 10, 64 << 10},
                {4096, 4096}};
            for (long[] r : ranges) {
                for (int[] a : aheads) {
                    try (FrameCursor plain = s.openCursor("cam", r[0], r[1]);
                         FrameCursor bulk = s.openCursor("cam", r[0], r[1], pool, a[0], a[1])) {
                        int n = assertSame(plain, bulk, "range " + (r[0] - T0) + ".." + (r[1] - T0) + " ahead " + a[1]);
                        if (r[0] == T0 && r[1] == Long.MAX_VALUE) {
                            assertEquals(950, n);
                        }
                    }
                }
            }
            assertNoSegmentFileHeld();
        }
    }

    @Test
    void segmentsDeletedWhileReadingAreSkippedLikeThePlainCursorDoes() throws IOException {
        try (Store s = recorded()) {
            List<SegmentInfo> segs = s.segments("cam", T0, T0 + 60_000);
            assertTrue(segs.size() > 12, "segments: " + segs.size());
            try (FrameCursor plain = s.openCursor("cam", T0, Long.MAX_VALUE);
                 FrameCursor bulk = s.openCursor("cam", T0, Long.MAX_VALUE, pool, 16 << 10, 256 << 10)) {
                for (int i = 0; i < 120; i++) { // into the third segment: the next ones are mapped and queued
                    assertEquals(next(plain), next(bulk), "frame " + i);
                }
                // the one being read, the next one (already mapped by the bulk cursor) and a later one
                s.deleteSegments(List.of(segs.get(2), segs.get(3), segs.get(6)));
                int rest = assertSame(plain, bulk, "after deleting segments 2, 3, 6");
                assertTrue(rest > 500, "frames after the deletion: " + rest);
            }
            assertNoSegmentFileHeld();
        }
    }

    @Test
    void aMappedFileThatShrinksUnderTheCursorIsSkippedNotThrown() throws IOException {
        try (Store s = recorded()) {
            List<SegmentInfo> segs = s.segments("cam", T0, T0 + 60_000);
            List<Long> expected = new ArrayList<>(); // what is left intact: segment 4 on
            try (FrameCursor plain = s.openCursor("cam", segs.get(4).startMs(), Long.MAX_VALUE)) {
                for (FrameSlice f; (f = plain.nextSlice()) != null; ) {
                    expected.add(f.timeMs());
                }
            }
            try (FrameCursor bulk = s.openCursor("cam", T0, Long.MAX_VALUE, pool, 16 << 10, 256 << 10)) {
                for (int i = 0; i < 120; i++) { // into the third segment: it and the next one are mapped
                    assertNotNull(bulk.nextSlice());
                }
                // damage from outside (a truncation, like a disk read error, faults a mapped page): the one being
                // read and the next one, already mapped by the read-ahead, keep only their first 8 KiB
                for (int k : new int[] {2, 3}) {
                    try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(segs.get(k).file(),
                            java.nio.file.StandardOpenOption.WRITE)) {
                        ch.truncate(8192);
                    }
                }
                List<Long> rest = new ArrayList<>();
                for (FrameSlice f; (f = bulk.nextSlice()) != null; ) {
                    rest.add(f.timeMs());
                }
                assertTrue(rest.size() >= expected.size(), rest.size() + " frames after the damage");
                List<Long> before = rest.subList(0, rest.size() - expected.size());
                assertEquals(expected, rest.subList(before.size(), rest.size()), "every frame from segment 4 on");
                for (long t : before) { // the readable start of segment 3, nothing of the damaged part
                    assertTrue(t >= segs.get(3).startMs() && t < segs.get(4).startMs(), "frame at " + (t - T0));
                }
            }
            assertTrue(meters.counter("nvr.storage.read.errors").count() >= 2, "both damaged segments reported");
            assertNoSegmentFileHeld();
        }
    }

    @Test
    void closingEarlyReleasesEveryMappingAndFile() throws IOException {
        try (Store s = recorded()) {
            for (int stopAfter : new int[] {0, 1, 49, 50, 51, 300}) {
                FrameCursor bulk = s.openCursor("cam", T0, Long.MAX_VALUE, pool, 4096, 1 << 20);
                for (int i = 0; i < stopAfter; i++) {
                    assertNotNull(bulk.nextSlice());
                }
                bulk.close();
                bulk.close(); // twice: harmless
                assertNoSegmentFileHeld();
            }
            try (FrameCursor bulk = s.openCursor("cam", T0, Long.MAX_VALUE, pool)) { // read to the end: released there
                while (bulk.nextSlice() != null) {
                    // drain
                }
                assertNull(bulk.nextSlice());
                assertNoSegmentFileHeld();
            }
        }
    }

    /**
     * No segment file of this store is mapped into the process or open in it (the read-ahead gives its last
     * reference back on its own thread: wait for it, up to 5 s).
     */
    private void assertNoSegmentFileHeld() throws IOException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        List<String> held;
        do {
            held = segmentFilesHeld();
            held.removeAll(writerHeld); // the writer keeps its open segment open
        } while (!held.isEmpty() && System.nanoTime() < deadline && sleep());
        assertTrue(held.isEmpty(), "still held after close: " + held);
    }

    private List<String> writerHeld = List.of();

    private List<String> segmentFilesHeld() throws IOException {
        String segments = dir.resolve("segments").toRealPath().toString();
        List<String> held = new ArrayList<>();
        {
            for (String line : Files.readAllLines(Path.of("/proc/self/maps"))) {
                if (line.contains(segments)) {
                    held.add("mapped: " + line.substring(line.indexOf('/')));
                }
            }
            try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
                for (Path fd : fds.toList()) {
                    try {
                        String target = Files.readSymbolicLink(fd).toString();
                        if (target.contains(segments)) {
                            held.add("open: " + target);
                        }
                    } catch (IOException gone) {
                        // closed while listing
                    }
                }
            }
        }
        return held;
    }

    private static boolean sleep() {
        try {
            Thread.sleep(20);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
