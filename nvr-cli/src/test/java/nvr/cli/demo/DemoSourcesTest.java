package nvr.cli.demo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import nvr.gb28181.media.Codec;
import nvr.gb28181.ps.Ffmpeg;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The demo's video is real: ffmpeg decodes the generated H.264 with no error; the H.265 clip splits into its frames. */
class DemoSourcesTest {
    @TempDir
    Path dir;

    @Test
    void generatedH264DecodesInFfmpeg() throws Exception {
        ClockH264Source src = new ClockH264Source("GATE", 320, 240, 20, 60);
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        int keyframes = 0;
        long t0 = 0;
        for (int i = 0; i < 40; i++) {
            if (i == 20) {
                t0 = java.lang.management.ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
            }
            FrameSource.Frame f = src.next(1_700_000_000_000L + i * 100L);
            keyframes += f.keyframe() ? 1 : 0;
            assertEquals(f.keyframe(), nvr.gb28181.nal.NalUnits.isKeyframe(Codec.H264, f.annexB(), 0, f.annexB().length));
            all.write(f.annexB());
        }
        long msPerFrame = (java.lang.management.ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime() - t0) / 20 / 1_000_000;
        System.out.println("jcodec 320x240 encode: " + msPerFrame + " ms CPU/frame");
        assertEquals(2, keyframes);
        Path file = dir.resolve("demo.h264");
        Files.write(file, all.toByteArray());
        Ffmpeg.assumeInstalled();
        assertEquals(40, Ffmpeg.decodeCleanly(file, "h264"));
    }

    @Test
    void embeddedH265ClipSplitsIntoFramesAndLoops() throws Exception {
        byte[] clip;
        try (InputStream in = DemoCameras.class.getResourceAsStream(DemoCameras.H265_CLIP)) {
            clip = in.readAllBytes();
        }
        assertTrue(clip.length < 1 << 20, "demo clip must stay well under 1 MB");
        List<FrameSource.Frame> frames = LoopedClipSource.split(Codec.H265, clip);
        assertEquals(60, frames.size());
        assertEquals(6, frames.stream().filter(FrameSource.Frame::keyframe).count());
        ByteArrayOutputStream joined = new ByteArrayOutputStream();
        for (FrameSource.Frame f : frames) {
            joined.write(f.annexB());
        }
        assertArrayEquals(clip, joined.toByteArray());
        LoopedClipSource loop = new LoopedClipSource(Codec.H265, DemoCameras.H265_CLIP);
        for (int i = 0; i < 60; i++) {
            loop.next(0);
        }
        assertTrue(loop.next(0).keyframe(), "the loop restarts at the clip's first keyframe");
    }
}
