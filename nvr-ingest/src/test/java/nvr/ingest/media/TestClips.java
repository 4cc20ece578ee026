package nvr.ingest.media;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import nvr.gb28181.media.Codec;
import nvr.gb28181.nal.NalUnits;
import nvr.gb28181.ps.Ffmpeg;

/** Real H.264/H.265 clips made by ffmpeg at test time, split into access units as a camera would send them. */
final class TestClips {
    /** One access unit of a clip (Annex-B, start codes included). */
    record Frame(byte[] data, boolean keyframe) {
    }

    private static final Map<String, List<Frame>> CACHE = new ConcurrentHashMap<>();

    private TestClips() {
    }

    /** testsrc2 320x240, 25 fps, GOP {@code gop}, no B-frames (GB/T 28181 cameras send none). */
    static List<Frame> clip(Codec codec, int seconds, int gop) {
        return CACHE.computeIfAbsent(codec + "/" + seconds + "/" + gop, k -> make(codec, seconds, gop));
    }

    private static List<Frame> make(Codec codec, int seconds, int gop) {
        Ffmpeg.assumeInstalled();
        try {
            Path dir = Files.createTempDirectory("nvr-clip");
            Path out = dir.resolve(codec == Codec.H264 ? "x.h264" : "x.h265");
            Ffmpeg.testClip(codec, seconds, gop, codec == Codec.H264 ? "h264" : "hevc", out, false);
            byte[] bytes = Files.readAllBytes(out);
            Files.delete(out);
            Files.delete(dir);
            return split(codec, bytes);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Cuts an Annex-B stream where a new picture starts (NalUnits.splitAccessUnits: where the demuxer cuts too). */
    static List<Frame> split(Codec codec, byte[] a) {
        List<Frame> frames = new ArrayList<>();
        for (byte[] au : NalUnits.splitAccessUnits(codec, a, 0, a.length)) {
            frames.add(new Frame(au, NalUnits.isKeyframe(codec, au, 0, au.length)));
        }
        return frames;
    }
}
