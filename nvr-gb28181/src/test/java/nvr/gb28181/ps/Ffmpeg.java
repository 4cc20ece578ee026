package nvr.gb28181.ps;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import nvr.gb28181.media.AccessUnit;
import nvr.gb28181.media.Codec;
import nvr.gb28181.nal.NalUnits;
import org.junit.jupiter.api.Assumptions;

/** Runs the real ffmpeg/ffprobe to make test clips and to judge what our muxer writes. Test-only. */
public final class Ffmpeg {
    private Ffmpeg() {
    }

    /** Result of one run: exit code, stdout, stderr. */
    public record Run(int exit, String out, String err) {
    }

    public static void assumeInstalled() {
        boolean ok;
        try {
            ok = run("ffmpeg", "-version").exit == 0 && run("ffprobe", "-version").exit == 0;
        } catch (IOException e) {
            ok = false;
        }
        Assumptions.assumeTrue(ok, "ffmpeg/ffprobe not on PATH: skipping the ffmpeg interop test (CI installs it)");
    }

    public static Run run(String... cmd) throws IOException {
        Process p = new ProcessBuilder(cmd).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        try {
            var out = p.getInputStream().readAllBytes();
            var err = p.getErrorStream().readAllBytes();
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException("timed out: " + String.join(" ", cmd));
            }
            return new Run(p.exitValue(), new String(out, StandardCharsets.UTF_8), new String(err, StandardCharsets.UTF_8));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    public static void check(String... cmd) throws IOException {
        Run r = run(cmd);
        assertEquals(0, r.exit, String.join(" ", cmd) + " failed: " + r.err);
    }

    /** Encodes {@code seconds} of testsrc2 at 25 fps into {@code out} with the given -f format (B-frames as x264/x265 default). */
    public static void testClip(Codec codec, int seconds, String format, Path out) throws IOException {
        testClip(codec, seconds, format, out, true);
    }

    /** Like {@link #testClip(Codec, int, String, Path)}; {@code bframes=false} encodes as cameras do (PTS = DTS). */
    public static void testClip(Codec codec, int seconds, String format, Path out, boolean bframes) throws IOException {
        testClip(codec, seconds, 25, format, out, bframes);
    }

    /** Like {@link #testClip(Codec, int, String, Path, boolean)} with a keyframe every {@code gop} frames. */
    public static void testClip(Codec codec, int seconds, int gop, String format, Path out, boolean bframes) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i",
                "testsrc2=size=320x240:rate=25", "-t", String.valueOf(seconds), "-pix_fmt", "yuv420p"));
        if (codec == Codec.H265) {
            cmd.addAll(List.of("-c:v", "libx265", "-x265-params", "log-level=error"));
        } else {
            cmd.addAll(List.of("-c:v", "libx264"));
        }
        if (!bframes) {
            cmd.addAll(List.of("-bf", "0"));
        }
        cmd.addAll(List.of("-g", String.valueOf(gop), "-f", format, out.toString()));
        check(cmd.toArray(String[]::new));
    }

    /** Extracts the video of any container as Annex-B access units, split where ffmpeg's parser splits them. */
    public static List<AccessUnit> annexB(Codec codec, Path in, Path scratch) throws IOException {
        String fmt = codec == Codec.H265 ? "hevc" : "h264";
        Path es = scratch.resolve("extracted." + fmt);
        check("ffmpeg", "-v", "error", "-y", "-i", in.toString(), "-map", "0:v", "-c", "copy",
                "-bsf:v", fmt + "_mp4toannexb", "-f", fmt, es.toString());
        byte[] all = Files.readAllBytes(es);
        Run sizes = run("ffprobe", "-v", "error", "-f", fmt, "-show_entries", "packet=size", "-of", "csv=p=0", es.toString());
        assertEquals(0, sizes.exit, sizes.err);
        List<AccessUnit> aus = new ArrayList<>();
        int pos = 0;
        long pts = 0;
        for (String line : sizes.out.split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            int n = Integer.parseInt(line.trim());
            byte[] d = Arrays.copyOfRange(all, pos, pos + n);
            aus.add(new AccessUnit(codec, pts, NalUnits.isKeyframe(codec, d, 0, d.length), d));
            pos += n;
            pts += 3600;
        }
        assertEquals(all.length, pos, "ffprobe packet sizes cover the extracted stream");
        return aus;
    }

    /**
     * Decodes a file fully to the null muxer and returns ffmpeg's output at level error (empty = clean). The null
     * muxer keeps the input's time base ({@code -enc_time_base -1}): with its default 1/fps base, two frames of an
     * irregular-rate camera closer than one nominal frame interval collide into one tick and ffmpeg reports
     * "non monotonically increasing dts" although every frame decoded; equal or decreasing PTS are still reported.
     */
    public static String decodeErrors(Path file, String inputFormat) throws IOException {
        Run r = run("ffmpeg", "-nostdin", "-v", "error", "-f", inputFormat, "-i", file.toString(),
                "-enc_time_base", "-1", "-f", "null", "-");
        return r.exit == 0 ? r.err.strip() : ("exit " + r.exit + ": " + r.err).strip();
    }

    /** Asserts a file decodes with no ffmpeg/ffprobe error and returns its video frame count. */
    public static int decodeCleanly(Path file, String inputFormat) throws IOException {
        assertEquals("", decodeErrors(file, inputFormat), "ffmpeg reported errors decoding " + file);
        Run c = run("ffprobe", "-v", "error", "-f", inputFormat, "-count_frames", "-select_streams", "v:0",
                "-show_entries", "stream=nb_read_frames", "-of", "csv=p=0", file.toString());
        assertEquals(0, c.exit, c.err);
        assertEquals("", c.err.strip(), "ffprobe reported errors on " + file);
        return Integer.parseInt(c.out.strip().split("[,\\s]")[0]);
    }
}
