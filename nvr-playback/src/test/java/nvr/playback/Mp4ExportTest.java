package nvr.playback;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import nvr.playback.export.ExportException;
import nvr.playback.export.ExportProgress;
import nvr.playback.export.ExportResult;
import nvr.playback.export.Mp4Exporter;
import nvr.playback.export.VerifyResult;
import nvr.gb28181.media.Codec;
import nvr.storage.Store;
import nvr.storage.StoreConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Exports recorded ffmpeg clips to MP4 and checks them with ffprobe; verifies the manifest hash. */
class Mp4ExportTest {
    static final String CAM264 = "34020000001320000011";
    static final String CAM265 = "34020000001320000012";
    /** The H.264 clip with G.711 A-law / mu-law, twice with the same 10 s gap. */
    static final String CAM_ALAW = "34020000001320000013";
    static final String CAM_MULAW = "34020000001320000014";
    static final long T0 = 1_763_700_000_500L;
    static final long GAP_START = T0 + 6000;

    @TempDir
    static Path dir;
    static Store store;

    @BeforeAll
    static void record() throws Exception {
        store = Store.open(StoreConfig.defaults(dir.resolve("data")), new SimpleMeterRegistry());
        // each camera: the 6 s clip, a 10 s recording gap, the clip again
        for (Codec c : List.of(Codec.H264, Codec.H265)) {
            Footage.Clip clip = Footage.clip(c);
            String cam = c == Codec.H264 ? CAM264 : CAM265;
            Footage.record(store, cam, clip, T0);
            Footage.record(store, cam, clip, T0 + 16_000);
        }
        for (Codec a : List.of(Codec.G711A, Codec.G711U)) {
            String cam = a == Codec.G711A ? CAM_ALAW : CAM_MULAW;
            Footage.record(store, cam, Footage.clip(Codec.H264), a, Footage.sound(a), T0);
            Footage.record(store, cam, Footage.clip(Codec.H264), a, Footage.sound(a), T0 + 16_000);
        }
    }

    @AfterAll
    static void close() throws IOException {
        store.close();
    }

    @Test
    void exportsH264SubRangeThatProbesRight() throws Exception {
        Path out = dir.resolve("h264.mp4");
        List<long[]> progress = new ArrayList<>();
        ExportResult r = Mp4Exporter.export(store, CAM264, T0 + 1500, T0 + 5000, out, "cli:tester",
            (done, total, frames) -> progress.add(new long[] {done, total, frames}));
        // keyframe at or before +1.5 s is at +1.0 s (index 25); frames up to +4.96 s (index 124)
        assertEquals(100, r.frames());
        assertEquals(T0 + 1000, r.firstFrameMs());
        assertEquals(320, r.width());
        assertProbe(out, "h264", 100, 4.0);
        assertEquals("video", FfProbe.run(List.of("ffprobe", "-v", "error", "-show_entries", "stream=codec_type", "-of", "csv=p=0",
            out.toString())).strip(), "a camera without audio gets no sound track");
        assertEquals(null, r.audio());
        assertFalse(Files.readString(r.manifest()).contains("audio"));
        assertFalse(progress.isEmpty());
        assertEquals(r.frames(), progress.get(progress.size() - 1)[2]);
        assertTrue(Mp4Exporter.verify(out).ok());
        String manifest = Files.readString(r.manifest());
        assertTrue(manifest.contains("\"camera\": \"" + CAM264 + "\""), manifest);
        assertTrue(manifest.contains("\"fileSha256\": \"" + r.sha256() + "\""), manifest);
        assertEquals(1, r.segments().size());
        assertTrue(r.segments().get(0).sha256().matches("[0-9a-f]{64}"));
        assertTrue(store.auditEvents(0, Long.MAX_VALUE).stream().anyMatch(e -> e.action().equals("export")
            && e.who().equals("cli:tester") && e.camera().equals(CAM264)));
    }

    @Test
    void exportsH265AcrossAGapAsHvc1() throws Exception {
        Path out = dir.resolve("h265.mp4");
        ExportResult r = Mp4Exporter.export(store, CAM265, T0, T0 + 22_000, out, "cli:tester", ExportProgress.NONE);
        assertEquals(300, r.frames());
        assertEquals(Codec.H265, r.codec());
        assertFalse(r.gaps().isEmpty(), "the 10 s recording gap is in the manifest");
        assertTrue(r.gaps().stream().anyMatch(g -> g.startMs() <= GAP_START + 1000 && g.endMs() >= T0 + 15_000), r.gaps().toString());
        // duration is wall-clock: 6 s + gap 10 s + 6 s
        assertProbe(out, "hevc", 300, 22.0);
        String tag = FfProbe.run(List.of("ffprobe", "-v", "error", "-select_streams", "v:0", "-show_entries",
            "stream=codec_tag_string", "-of", "csv=p=0", out.toString())).trim();
        assertEquals("hvc1", tag);
        assertTrue(Mp4Exporter.verify(out).ok());
    }

    /**
     * The stored G.711 becomes the MP4's sound track, bytes unchanged: ffprobe sees pcm_alaw/pcm_mulaw 8 kHz mono next
     * to the video, the two end within 100 ms of each other, the sound starts at its first record's time after the
     * video's first frame and is back in sync after the 10 s recording gap.
     */
    @ParameterizedTest
    @EnumSource(value = Codec.class, names = {"G711A", "G711U"})
    void exportsTheCamerasG711AsASoundTrackInSyncWithTheVideo(Codec g711) throws Exception {
        String cam = g711 == Codec.G711A ? CAM_ALAW : CAM_MULAW;
        String fmt = g711 == Codec.G711A ? "alaw" : "mulaw";
        Path out = dir.resolve(fmt + ".mp4");
        ExportResult r = Mp4Exporter.export(store, cam, T0 + 1500, T0 + 22_000, out, "cli:tester", ExportProgress.NONE);
        assertEquals(g711, r.audio());
        assertProbe(out, "h264", 125 + 150, 21.0);
        // each recording: audio record j at +20 j - 5 ms; the first at or after the video's first frame (+1.0 s) is j = 51
        int perClip = Footage.sound(g711).length / Footage.AUDIO_FRAME_BYTES;
        assertEquals(perClip - 51 + perClip, r.audioFrames());
        String a = FfProbe.run(List.of("ffprobe", "-v", "error", "-select_streams", "a:0", "-show_entries",
            "stream=codec_name,codec_tag_string,sample_rate,channels,start_time,duration", "-of", "default=nw=1", out.toString()));
        assertTrue(a.contains("codec_name=pcm_" + fmt) && a.contains("sample_rate=8000") && a.contains("channels=1"), a);
        assertEquals(0.015, seconds(a, "start_time"), 0.002, "the sound starts with its first record: " + a);
        String v = FfProbe.run(List.of("ffprobe", "-v", "error", "-select_streams", "v:0", "-show_entries",
            "stream=start_time,duration", "-of", "default=nw=1", out.toString()));
        double videoEnd = seconds(v, "start_time") + seconds(v, "duration");
        double audioEnd = seconds(a, "start_time") + seconds(a, "duration");
        System.out.println("export " + fmt + ": video " + v.strip().replace('\n', ' ') + "; audio " + a.strip().replace('\n', ' '));
        assertEquals(videoEnd, audioEnd, 0.1, "video " + v + " audio " + a);
        // the sound after the gap starts with the second recording's first record (+15.995 s, 14.995 s into the file)
        List<Double> pts = new ArrayList<>();
        for (String line : FfProbe.run(List.of("ffprobe", "-v", "error", "-select_streams", "a:0", "-show_entries",
                "packet=pts_time", "-of", "csv=p=0", out.toString())).split("\n")) {
            if (!line.isBlank()) {
                pts.add(Double.parseDouble(line.strip()));
            }
        }
        assertEquals(r.audioFrames(), pts.size());
        assertEquals(14.995, pts.get(perClip - 51), 0.002, "first sound after the gap");
        // the samples in the file are the stored ones, byte for byte
        Path raw = dir.resolve(fmt + "-out.raw");
        FfProbe.run(List.of("ffmpeg", "-nostdin", "-v", "error", "-y", "-i", out.toString(), "-map", "0:a", "-c", "copy",
            "-f", fmt, raw.toString()));
        byte[] sound = Footage.sound(g711);
        byte[] want = new byte[(int) r.audioFrames() * Footage.AUDIO_FRAME_BYTES];
        System.arraycopy(sound, 51 * Footage.AUDIO_FRAME_BYTES, want, 0, sound.length - 51 * Footage.AUDIO_FRAME_BYTES);
        System.arraycopy(sound, 0, want, sound.length - 51 * Footage.AUDIO_FRAME_BYTES, sound.length);
        assertArrayEquals(want, Files.readAllBytes(raw));
        assertTrue(Files.readString(r.manifest()).contains("\"audioCodec\": \"" + g711.name() + "\""));
        assertTrue(Mp4Exporter.verify(out).ok());
    }

    private static double seconds(String probe, String key) {
        return Double.parseDouble(probe.replaceAll("(?s).*" + key + "=([0-9.]+).*", "$1"));
    }

    @Test
    void verifyDetectsATamperedFile() throws Exception {
        Path out = dir.resolve("tamper.mp4");
        Mp4Exporter.export(store, CAM264, T0, T0 + 2000, out, "cli:tester", ExportProgress.NONE);
        assertTrue(Mp4Exporter.verify(out).ok());
        try (RandomAccessFile f = new RandomAccessFile(out.toFile(), "rw")) {
            f.seek(f.length() / 2);
            int b = f.read();
            f.seek(f.length() / 2);
            f.write(b ^ 0xFF);
        }
        VerifyResult v = Mp4Exporter.verify(out);
        assertFalse(v.ok());
        assertTrue(v.message().contains("does not match"), v.message());
        assertFalse(Mp4Exporter.verify(dir.resolve("missing.mp4")).ok());
    }

    @Test
    void refusesEmptyRangesAndUnknownCameras() {
        assertThrows(ExportException.class, () -> Mp4Exporter.export(store, CAM264, T0 + 5000, T0 + 1000,
            dir.resolve("x.mp4"), "cli", ExportProgress.NONE));
        assertThrows(ExportException.class, () -> Mp4Exporter.export(store, CAM264, T0 + 7000, T0 + 14_000,
            dir.resolve("x.mp4"), "cli", ExportProgress.NONE));
        assertThrows(ExportException.class, () -> Mp4Exporter.export(store, "34020000001329999999", T0, T0 + 1000,
            dir.resolve("x.mp4"), "cli", ExportProgress.NONE));
        assertFalse(Files.exists(dir.resolve("x.mp4")));
    }

    static void assertProbe(Path mp4, String codec, long frames, double seconds) throws Exception {
        String out = FfProbe.run(List.of("ffprobe", "-v", "error", "-count_frames", "-select_streams", "v:0",
            "-show_entries", "stream=codec_name,width,height,nb_read_frames,duration", "-of", "default=nw=1", mp4.toString()));
        assertTrue(out.contains("codec_name=" + codec), out);
        assertTrue(out.contains("width=320") && out.contains("height=240"), out);
        assertTrue(out.contains("nb_read_frames=" + frames), out);
        double d = Double.parseDouble(out.replaceAll("(?s).*duration=([0-9.]+).*", "$1"));
        assertEquals(seconds, d, 1.0, "duration within one GOP");
        assertEquals("", FfProbe.run(List.of("ffmpeg", "-nostdin", "-v", "error", "-i", mp4.toString(), "-f", "null", "-")).trim());
    }
}
