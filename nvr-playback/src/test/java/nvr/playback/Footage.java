package nvr.playback;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import nvr.gb28181.media.Codec;
import nvr.gb28181.nal.NalUnits;
import nvr.storage.CameraWriter;
import nvr.storage.Store;

/**
 * Test footage: ffmpeg-made H.264/H.265 clips (testsrc2 320x240, 25 fps, GOP 25), split into access
 * units with the codec module's NAL code and written into a real Store through its CameraWriter.
 * Without B-frames, as GB/T 28181 cameras send: storage keeps one time per frame (decode order), so a
 * B-frame source would replay with PTS = DTS and ffmpeg would flag the reordered timestamps.
 */
final class Footage {
    static final int FPS = 25;
    static final long FRAME_MS = 40;
    static final int GOP = 25;
    /** G.711 as cameras send it: 8 kHz mono, 160 samples (20 ms) per PES. */
    static final int AUDIO_FRAME_BYTES = 160;
    static final long AUDIO_FRAME_MS = 20;
    /** How much older the first audio record after each video frame is than that frame (arrival order). */
    static final long AUDIO_LAG_MS = 5;
    private static final Map<Codec, Clip> CLIPS = new EnumMap<>(Codec.class);
    private static final Map<Codec, byte[]> SOUNDS = new EnumMap<>(Codec.class);

    /** Access units in decode order; key[i] true for IDR/IRAP units. */
    record Clip(Codec codec, List<byte[]> aus, List<Boolean> key) {
        int size() {
            return aus.size();
        }
    }

    static synchronized Clip clip(Codec codec) throws IOException, InterruptedException {
        Clip c = CLIPS.get(codec);
        if (c == null) {
            c = make(codec);
            CLIPS.put(codec, c);
        }
        return c;
    }

    /**
     * ffmpeg-made G.711 of the clip's length: a 1 kHz sine encoded {@code -c:a pcm_alaw|pcm_mulaw -ar 8000 -ac 1},
     * as raw samples (one byte each).
     */
    static synchronized byte[] sound(Codec g711) throws IOException, InterruptedException {
        byte[] s = SOUNDS.get(g711);
        if (s == null) {
            String fmt = g711 == Codec.G711A ? "alaw" : "mulaw";
            s = ffmpeg(fmt, List.of("-f", "lavfi", "-i", "sine=frequency=1000:sample_rate=8000", "-t", "6",
                "-c:a", "pcm_" + fmt, "-ar", "8000", "-ac", "1", "-f", fmt));
            SOUNDS.put(g711, s);
        }
        return s;
    }

    /** Runs ffmpeg with {@code args} writing to a temp file, and returns (and deletes) the file's bytes. */
    private static byte[] ffmpeg(String ext, List<String> args) throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory("nvr-clip");
        Path file = dir.resolve("clip." + ext);
        List<String> cmd = new ArrayList<>(List.of("ffmpeg", "-v", "error", "-y"));
        cmd.addAll(args);
        cmd.add(file.toString());
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IOException("ffmpeg failed: " + out);
            }
            return Files.readAllBytes(file);
        } finally {
            Files.deleteIfExists(file); // leave nothing in the temp folder
            Files.delete(dir);
        }
    }

    private static Clip make(Codec codec) throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory("nvr-clip");
        Path es = dir.resolve(codec == Codec.H264 ? "clip.h264" : "clip.hevc");
        List<String> cmd = new ArrayList<>(List.of("ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i",
            "testsrc2=size=320x240:rate=25", "-t", "6"));
        if (codec == Codec.H264) {
            cmd.addAll(List.of("-c:v", "libx264", "-g", "25", "-bf", "0", "-f", "h264"));
        } else {
            cmd.addAll(List.of("-c:v", "libx265", "-g", "25", "-x265-params", "log-level=error:bframes=0", "-f", "hevc"));
        }
        cmd.add(es.toString());
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException("ffmpeg failed: " + out);
        }
        byte[] a = Files.readAllBytes(es);
        Files.delete(es); // the clip lives in memory from here: leave nothing in the temp folder
        Files.delete(dir);
        List<byte[]> aus = NalUnits.splitAccessUnits(codec, a, 0, a.length);
        List<Boolean> key = new ArrayList<>();
        for (byte[] au : aus) {
            key.add(NalUnits.isKeyframe(codec, au, 0, au.length));
        }
        return new Clip(codec, List.copyOf(aus), List.copyOf(key));
    }

    /** Writes the clip as frames at startMs + i*40 ms and waits until the store shows all of them durable. */
    static void record(Store store, String camera, Clip clip, long startMs) throws IOException, InterruptedException {
        record(store, camera, clip, null, null, startMs, 0);
    }

    /** As below, each audio record's first {@link #AUDIO_LAG_MS} older than the video frame it arrived behind. */
    static void record(Store store, String camera, Clip clip, Codec g711, byte[] sound, long startMs)
            throws IOException, InterruptedException {
        record(store, camera, clip, g711, sound, startMs, -AUDIO_LAG_MS);
    }

    /**
     * As {@link #record(Store, String, Clip, long)} with the camera's G.711 {@code sound} ({@link #sound}) stored next
     * to the video as ingest stores it: 20 ms records in arrival order, two after each video frame (audio record j
     * covers samples [160 j, 160 j + 160) and is timed at startMs + 20 j + audioOffsetMs: negative, the first of each
     * pair is older than the frame before it; large, the audio runs ahead of the video).
     */
    static void record(Store store, String camera, Clip clip, Codec g711, byte[] sound, long startMs, long audioOffsetMs)
            throws IOException, InterruptedException {
        CameraWriter w = store.writer(camera);
        for (int i = 0; i < clip.size(); i++) {
            append(w, startMs + i * FRAME_MS, clip.key().get(i), clip.codec().streamType(), clip.aus().get(i));
            for (int j = 2 * i; sound != null && j < 2 * i + 2 && (j + 1) * AUDIO_FRAME_BYTES <= sound.length; j++) {
                append(w, startMs + j * AUDIO_FRAME_MS + audioOffsetMs, false, g711.streamType(),
                    java.util.Arrays.copyOfRange(sound, j * AUDIO_FRAME_BYTES, (j + 1) * AUDIO_FRAME_BYTES));
            }
        }
        long last = startMs + (clip.size() - 1) * FRAME_MS;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (true) {
            store.flush();
            var segs = store.segments(camera, startMs, last + 1);
            if (!segs.isEmpty() && segs.get(segs.size() - 1).endMs() >= last) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new IOException("store did not make the recorded frames visible: " + segs);
            }
            Thread.sleep(20);
        }
    }

    private static void append(CameraWriter w, long t, boolean key, int streamType, byte[] payload) throws InterruptedException {
        while (!w.append(t, key, streamType, payload)) {
            Thread.sleep(5); // queue full: writer drops, so retry the whole GOP is not needed for tests
        }
    }

    /** Index of the first frame at or after t when the clip was recorded at startMs. */
    static int indexAt(long startMs, long t) {
        return (int) Math.max(0, (t - startMs + FRAME_MS - 1) / FRAME_MS);
    }

    /** Index of the keyframe at or before frame i. */
    static int keyAtOrBefore(Clip clip, int i) {
        for (int k = Math.min(i, clip.size() - 1); k >= 0; k--) {
            if (clip.key().get(k)) {
                return k;
            }
        }
        return 0;
    }

    private Footage() {
    }
}
