package nvr.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** G.711 audio records stored interleaved with video: "frames", keyframes, spans and video readers see video only. */
class AudioRecordTest {
    static final long T0 = StoreTest.T0;
    @TempDir
    Path dir;
    @TempDir
    Path dir2;

    /** 300 video frames (25 fps, keyframe every 25) and, when withAudio, a 160-byte A-law frame every 20 ms. */
    static void write(CameraWriter w, boolean withAudio) {
        for (int seq = 0; seq < 300; seq++) {
            long t = T0 + seq * 40L;
            assertTrue(w.append(t, seq % 25 == 0, 0x1B, TestFrames.payload("cam", seq, 3000)));
            if (withAudio) {
                assertTrue(w.append(t + 5, false, 0x90, audio(2 * seq)));
                assertTrue(w.append(t + 25, false, 0x90, audio(2 * seq + 1)));
            }
        }
    }

    static byte[] audio(int seq) {
        byte[] b = new byte[160];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) (seq * 31 + i);
        }
        return b;
    }

    static List<FrameRecord> read(FrameCursor c) throws IOException {
        List<FrameRecord> out = new ArrayList<>();
        try (c) {
            for (FrameRecord f; (f = c.next()) != null; ) {
                out.add(f);
            }
        }
        return out;
    }

    @Test
    void audioIsStoredButVideoCountsAndReadersAreUnchanged() throws IOException {
        List<SegmentInfo> videoOnlySegs;
        List<FrameRecord> videoOnly;
        try (Store s = Store.open(StoreTest.config(dir2, 2, 50), new SimpleMeterRegistry())) {
            write(s.writer("cam"), false);
            s.flush();
            videoOnlySegs = s.segments("cam", 0, Long.MAX_VALUE);
            videoOnly = read(s.openCursor("cam", 0, Long.MAX_VALUE));
        }
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        try (Store s = Store.open(StoreTest.config(dir, 2, 50), meters)) {
            write(s.writer("cam"), true);
            s.flush();
            assertEquals(300, meters.counter("nvr.storage.frames.written").count(), "frames.written counts video");
            assertEquals(600, meters.counter("nvr.storage.audio.frames.written").count());
            List<SegmentInfo> segs = s.segments("cam", 0, Long.MAX_VALUE);
            assertEquals(videoOnlySegs.size(), segs.size(), "segments still cut at video keyframes");
            for (int i = 0; i < segs.size(); i++) {
                assertEquals(videoOnlySegs.get(i).startMs(), segs.get(i).startMs());
                assertEquals(videoOnlySegs.get(i).frames(), segs.get(i).frames(), "frames = video access units");
                assertEquals(0x1B, segs.get(i).streamType());
                assertEquals(videoOnlySegs.get(i).bytes() + 2 * segs.get(i).frames() * (24 + 160), segs.get(i).bytes());
            }
            assertEquals(300, segs.stream().mapToLong(SegmentInfo::frames).sum());
            assertEquals(300, s.coverage("cam", 0, Long.MAX_VALUE).spans().stream().mapToLong(Span::frames).sum());
            List<FrameRecord> video = read(s.openCursor("cam", 0, Long.MAX_VALUE));
            assertEquals(videoOnly.size(), video.size());
            for (int i = 0; i < video.size(); i++) {
                assertEquals(videoOnly.get(i).timeMs(), video.get(i).timeMs());
                assertEquals(videoOnly.get(i).keyframe(), video.get(i).keyframe());
                assertArrayEquals(videoOnly.get(i).payload(), video.get(i).payload());
            }
            // a keyframe seek lands on the same video keyframe as before
            assertEquals(T0 + 125 * 40, read(s.openCursor("cam", T0 + 130 * 40 + 5, T0 + 160 * 40)).get(0).timeMs());
            List<FrameRecord> all = read(s.openCursorWithAudio("cam", 0, Long.MAX_VALUE));
            assertEquals(900, all.size());
            int a = 0;
            long prev = Long.MIN_VALUE;
            for (FrameRecord f : all) {
                assertTrue(f.timeMs() >= prev, "time order");
                prev = f.timeMs();
                if (f.audio()) {
                    assertFalse(f.keyframe());
                    assertArrayEquals(audio(a++), f.payload());
                }
            }
            assertEquals(600, a);
            VerifyReport v = s.verify();
            assertEquals(0, v.errors().size(), v.toString());
            assertEquals(300, v.frames());
        }
        // reopen: recovery scans audio records too and keeps the same counts
        try (Store s = Store.open(StoreTest.config(dir, 2, 50), new SimpleMeterRegistry())) {
            assertEquals(0, s.recoveryReport().size(), s.recoveryReport().toString());
            assertEquals(300, s.segments("cam", 0, Long.MAX_VALUE).stream().mapToLong(SegmentInfo::frames).sum());
            assertEquals(900, read(s.openCursorWithAudio("cam", 0, Long.MAX_VALUE)).size());
        }
    }

    @Test
    void audioBeforeTheFirstKeyframeNeverOpensASegment() throws IOException {
        try (Store s = Store.open(StoreTest.config(dir, 2, 50), new SimpleMeterRegistry())) {
            CameraWriter w = s.writer("cam");
            assertTrue(w.append(T0, false, 0x91, audio(0)));
            assertTrue(w.append(T0 + 40, true, 0x24, TestFrames.payload("cam", 0, 500)));
            assertTrue(w.append(T0 + 50, false, 0x91, audio(1)));
            s.flush();
            List<SegmentInfo> segs = s.segments("cam", 0, Long.MAX_VALUE);
            assertEquals(1, segs.size());
            assertEquals(T0 + 40, segs.get(0).startMs());
            assertEquals(1, segs.get(0).frames());
            assertEquals(0x24, segs.get(0).streamType());
            List<FrameRecord> all = read(s.openCursorWithAudio("cam", 0, Long.MAX_VALUE));
            assertEquals(2, all.size());
            assertEquals(0x91, all.get(1).streamType());
            assertTrue(Files.isRegularFile(Path.of(segs.get(0).file().toString())));
        }
    }

    @Test
    void audioAheadOfTheVideoNeverShiftsVideoTimesOrEnds() throws IOException {
        try (Store s = Store.open(StoreTest.config(dir, 2, 50), new SimpleMeterRegistry())) {
            CameraWriter w = s.writer("cam");
            for (int seq = 0; seq < 100; seq++) {
                long t = T0 + seq * 40L;
                assertTrue(w.append(t, seq % 25 == 0, 0x1B, TestFrames.payload("cam", seq, 1000)));
                // this camera's audio runs 70 ms ahead of its video: older video frames follow newer audio
                assertTrue(w.append(t + 70, false, 0x90, audio(seq)));
                if (seq == 50) {
                    assertTrue(w.append(t + 5_000, false, 0x90, audio(999))); // 5 s off: dropped, not mistimed
                }
            }
            s.flush();
            List<FrameRecord> video = read(s.openCursor("cam", 0, Long.MAX_VALUE));
            assertEquals(100, video.size());
            for (int seq = 0; seq < 100; seq++) {
                assertEquals(T0 + seq * 40L, video.get(seq).timeMs(), "video time untouched by audio");
            }
            List<SegmentInfo> segs = s.segments("cam", 0, Long.MAX_VALUE);
            assertEquals(T0 + 99 * 40L, segs.get(segs.size() - 1).endMs(), "end-ms is the last video frame's");
            List<FrameRecord> all = read(s.openCursorWithAudio("cam", 0, Long.MAX_VALUE));
            assertEquals(200, all.size(), "the out-of-sync audio frame was dropped");
            // a range ending just after video 50: audio 49 (stamped 70 ms ahead, stored before video 50) is past
            // the end, but must not end the range before video 50
            long to = T0 + 50 * 40L + 10;
            List<FrameRecord> head = read(s.openCursor("cam", 0, to));
            assertEquals(51, head.size(), "video 0..50, audio stamped past the end does not cut the range short");
            assertEquals(T0 + 50 * 40L, head.get(50).timeMs());
            List<FrameRecord> headAll = read(s.openCursorWithAudio("cam", 0, to));
            assertEquals(51 + 49, headAll.size(), "video 0..50 and audio 0..48, none at or past the end");
            assertTrue(headAll.stream().allMatch(f -> f.timeMs() < to));
            assertEquals(headAll.size(), read(s.openCursorWithAudio("cam", 0, to, Runnable::run)).size(), "bulk cursor agrees");
            assertEquals(0, s.verify().errors().size());
        }
        try (Store s = Store.open(StoreTest.config(dir, 2, 50), new SimpleMeterRegistry())) {
            List<SegmentInfo> segs = s.segments("cam", 0, Long.MAX_VALUE);
            assertEquals(T0 + 99 * 40L, segs.get(segs.size() - 1).endMs(), "recovery agrees");
        }
    }
}
