package nvr.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import nvr.storage.audit.AuditEvent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StoreTest {
    static final long T0 = 1_763_700_000_000L;
    @TempDir
    Path dir;

    static StoreConfig config(Path root, int segSeconds, int fsyncMs) {
        return new StoreConfig(List.of(root), segSeconds, 256L << 20, fsyncMs, 64L << 20);
    }

    /** Writes frames seq from..to (25 fps, keyframe every 25) for camera. */
    static void write(CameraWriter w, String camera, long from, long to, long t0) {
        for (long seq = from; seq < to; seq++) {
            assertTrue(w.append(t0 + seq * 40, seq % 25 == 0, 0x1B, TestFrames.payload(camera, seq, 3000)));
        }
    }

    static List<FrameRecord> readAll(Store s, String camera, long from, long to) throws IOException {
        List<FrameRecord> out = new ArrayList<>();
        try (FrameCursor c = s.openCursor(camera, from, to)) {
            for (FrameRecord f; (f = c.next()) != null; ) {
                out.add(f);
            }
        }
        return out;
    }

    @Test
    void writesRollsReadsBackAndCoversAcrossSegments() throws IOException {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        try (Store s = Store.open(config(dir, 2, 50), meters)) {
            write(s.writer("camA"), "camA", 0, 300, T0); // 12 s -> segments of ~2 s
            write(s.writer("camB"), "camB", 0, 50, T0);
            s.flush();
            List<SegmentInfo> segs = s.segments("camA", 0, Long.MAX_VALUE);
            assertEquals(6, segs.size(), segs.toString());
            assertEquals(T0, segs.get(0).startMs());
            assertEquals(300, segs.stream().mapToLong(SegmentInfo::frames).sum());
            List<FrameRecord> all = readAll(s, "camA", 0, Long.MAX_VALUE);
            assertEquals(300, all.size());
            for (int i = 0; i < 300; i++) {
                assertArrayEquals(TestFrames.payload("camA", i, 3000), all.get(i).payload());
                assertEquals(T0 + i * 40, all.get(i).timeMs());
            }
            // positioning: T inside a GOP starts at the keyframe at or before T
            List<FrameRecord> mid = readAll(s, "camA", T0 + 130 * 40 + 5, T0 + 160 * 40);
            assertEquals(T0 + 125 * 40, mid.get(0).timeMs());
            assertTrue(mid.get(0).keyframe());
            assertEquals(35, mid.size());
            Coverage c = s.coverage("camA", T0 - 1000, T0 + 20_000);
            assertEquals(1, c.spans().size(), c.toString());
            assertEquals(new Span(T0, T0 + 299 * 40 + 1, segs.stream().mapToLong(SegmentInfo::bytes).sum(), 300),
                    c.spans().get(0));
            assertEquals(List.of(new Gap(T0 - 1000, T0), new Gap(T0 + 299 * 40 + 1, T0 + 20_000)), c.gaps());
            assertEquals(List.of("camA", "camB"), s.cameraIds());
            assertEquals(300, readAll(s, "camA", Long.MIN_VALUE, Long.MAX_VALUE).size(), "negative from");
            assertEquals(c.spans(), s.coverage("camA", Long.MIN_VALUE, T0 + 20_000).spans());
            assertEquals(6, s.segments("camA", -5, Long.MAX_VALUE).size());
            assertTrue(meters.get("nvr.storage.frames.written").counter().count() >= 350);
            assertEquals(0, s.verify().errors().size(), s.verify().toString());
        }
        // gauges belong to the open store: gone with it, and a store reopened on the same registry has its own
        assertTrue(meters.find("nvr.storage.segments.open").gauges().isEmpty(), "gauges removed at close");
        try (Store s = Store.open(config(dir, 2, 50), meters)) {
            assertTrue(s.writer("camC").append(T0 + 100_000, true, 0x1B, TestFrames.payload("camC", 0, 100)));
            s.flush();
            System.gc(); // gauges hold their state weakly: it must still be there
            assertEquals(1.0, meters.get("nvr.storage.segments.open").gauge().value(), "camC's open segment");
            assertEquals(0.0, meters.get("nvr.storage.reclaiming.bytes").gauge().value());
        }
        // reopen: everything is still there
        try (Store s = Store.open(config(dir, 2, 50), new SimpleMeterRegistry())) {
            assertEquals(300, readAll(s, "camA", 0, Long.MAX_VALUE).size());
            assertEquals(50, readAll(s, "camB", 0, Long.MAX_VALUE).size());
            assertTrue(s.recoveryReport().isEmpty(), s.recoveryReport().toString());
            VerifyReport v = s.verify();
            assertEquals(List.of(), v.errors());
            assertEquals(351, v.frames(), "camA's 300, camB's 50 and camC's 1");
        }
    }

    @Test
    void gapInTimeSplitsCoverageAndCursorReportsIt() throws IOException {
        try (Store s = Store.open(config(dir, 60, 50), new SimpleMeterRegistry())) {
            CameraWriter w = s.writer("cam");
            write(w, "cam", 0, 50, T0);
            write(w, "cam", 200, 250, T0); // 6 s hole
            s.flush();
            Coverage c = s.coverage("cam", T0, T0 + 10_000);
            assertEquals(2, c.spans().size(), c.toString());
            assertEquals(new Gap(T0 + 49 * 40 + 1, T0 + 200 * 40), c.gaps().get(0));
            try (FrameCursor cur = s.openCursor("cam", T0, T0 + 10_000)) {
                int n = 0;
                for (FrameRecord f; (f = cur.next()) != null; n++) {
                    assertEquals(n == 50, cur.gapBefore(), "frame " + n);
                }
                assertEquals(100, n);
            }
            // cursor started inside the hole begins at the next segment
            List<FrameRecord> after = readAll(s, "cam", T0 + 3000, T0 + 10_000);
            assertEquals(T0 + 200 * 40, after.get(0).timeMs());
        }
    }

    @Test
    void leadingNonKeyframesAreDroppedAndOverflowDropsWholeGops() throws IOException {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        try (Store s = Store.open(config(dir, 60, 50), meters)) {
            CameraWriter w = s.writer("cam");
            for (long seq = 10; seq < 60; seq++) { // starts mid-GOP: frames 10..24 cannot be decoded
                w.append(T0 + seq * 40, seq % 25 == 0, 0x1B, TestFrames.payload("cam", seq, 100));
            }
            s.flush();
            List<FrameRecord> all = readAll(s, "cam", 0, Long.MAX_VALUE);
            assertEquals(35, all.size());
            assertTrue(all.get(0).keyframe());
            s.setWriteGate(c -> !c.equals("cam"));
            assertFalse(w.append(T0 + 60 * 40, false, 0x1B, new byte[10]));
            s.setWriteGate(null);
            assertFalse(w.append(T0 + 61 * 40, false, 0x1B, new byte[10]), "rest of the GOP is dropped");
            assertTrue(w.append(T0 + 75 * 40, true, 0x1B, new byte[10]));
            assertEquals(1, meters.get("nvr.storage.frames.dropped").tag("reason", "gate").counter().count());
            assertEquals(1, meters.get("nvr.storage.frames.dropped").tag("reason", "gop").counter().count());
        }
    }

    @Test
    void deleteSegmentRemovesFileAndEntryButNeverTheOpenOne() throws IOException {
        try (Store s = Store.open(config(dir, 1, 20), new SimpleMeterRegistry())) {
            write(s.writer("cam"), "cam", 0, 100, T0);
            s.flush();
            List<SegmentInfo> segs = s.segments("cam", 0, Long.MAX_VALUE);
            assertTrue(segs.size() >= 3);
            SegmentInfo open = segs.get(segs.size() - 1);
            assertTrue(s.isOpenSegment(open));
            assertThrows(IOException.class, () -> s.deleteSegment(open));
            long before = s.volumes().get(0).segmentBytes();
            SegmentInfo first = segs.get(0);
            s.deleteSegment(first);
            assertFalse(Files.exists(first.file()));
            assertEquals(segs.size() - 1, s.segments("cam", 0, Long.MAX_VALUE).size());
            assertEquals(before - first.bytes(), s.volumes().get(0).segmentBytes());
            assertEquals(T0 + 25 * 40, readAll(s, "cam", 0, Long.MAX_VALUE).get(0).timeMs());
            assertEquals(List.of(), s.verify().errors());
        }
    }

    @Test
    void tablesAuditAndLock() throws IOException {
        try (Store s = Store.open(config(dir, 60, 20), new SimpleMeterRegistry())) {
            s.table("holds").put("h1", new byte[] {1});
            s.table("holds").put("h2", new byte[] {2});
            s.table("cameras").put("camX", new byte[0]);
            assertEquals(Set.of("h1", "h2"), s.table("holds").scan("h").keySet());
            s.table("holds").delete("h1");
            assertNull(s.table("holds").get("h1"));
            assertThrows(IllegalArgumentException.class, () -> s.table("nope"));
            assertEquals(List.of("camX"), s.cameraIds());
            s.audit(new AuditEvent(T0, "34020000002000000001", "playback", "camX", T0 - 5000, T0, "say \"hi\"\n"));
            s.audit(new AuditEvent(T0 + 1, "cli", "export", "camX", 1, 2, null));
            s.flush();
            RootInUseException e = assertThrows(RootInUseException.class, () -> Store.open(config(dir, 60, 20), null));
            assertTrue(e.getMessage().contains("in use by another nvr process (pid " + ProcessHandle.current().pid() + ")"),
                    e.getMessage());
            assertEquals(java.util.OptionalLong.of(ProcessHandle.current().pid()), e.holderPid());
        }
        try (Store s = Store.open(config(dir, 60, 20), new SimpleMeterRegistry())) {
            List<AuditEvent> ev = s.auditEvents(0, Long.MAX_VALUE);
            assertEquals(2, ev.size());
            assertEquals("say \"hi\"\n", ev.get(0).detail());
            assertNull(ev.get(1).detail());
            assertEquals(1, s.auditEvents(T0 + 1, T0 + 2).size());
            assertArrayEquals(new byte[] {2}, s.table("holds").get("h2"));
        }
    }

    @Test
    void rejectsAWronglyMountedRoot() throws IOException {
        Path a = dir.resolve("a");
        Path b = dir.resolve("b");
        Path other = dir.resolve("other");
        try (Store s = Store.open(new StoreConfig(List.of(a, b), 60, 1 << 20, 20, 16 << 20), null)) {
            write(s.writer("cam"), "cam", 0, 10, T0);
        }
        try (Store s = Store.open(StoreConfig.defaults(other), null)) {
            write(s.writer("cam"), "cam", 0, 10, T0);
        }
        IOException e = assertThrows(IOException.class,
                () -> Store.open(new StoreConfig(List.of(a, other), 60, 1 << 20, 20, 16 << 20), null));
        assertTrue(e.getMessage().contains("is the right disk mounted"), e.getMessage());
    }
}
