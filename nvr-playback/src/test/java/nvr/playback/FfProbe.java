package nvr.playback;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import nvr.gb28181.ps.Ffmpeg;

/** Runs the real ffmpeg/ffprobe on what we produced. */
public final class FfProbe {
    /** One decoded frame as ffprobe reports it. */
    public record Frame(boolean key, double ptsSeconds) {
    }

    /** Stream facts: codec name, size, frame count from -count_frames, duration (NaN if unknown). */
    public record Stream(String codec, int width, int height, long frames, double duration) {
    }

    public static String run(List<String> cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("timeout: " + cmd);
        }
        if (p.exitValue() != 0) {
            throw new IOException("exit " + p.exitValue() + " from " + cmd + ": " + out);
        }
        return out;
    }

    /** ffmpeg's errors decoding the file (empty when clean); one check for every module, in the gb28181 test-jar. */
    public static String decodeErrors(Path file, String format) throws IOException {
        return Ffmpeg.decodeErrors(file, format);
    }

    public static List<Frame> frames(Path file, String format) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("ffprobe", "-v", "error"));
        if (format != null) {
            cmd.addAll(List.of("-f", format));
        }
        cmd.addAll(List.of("-select_streams", "v:0", "-show_entries", "frame=key_frame,pts_time,best_effort_timestamp_time",
            "-of", "csv=p=0", file.toString()));
        List<Frame> out = new ArrayList<>();
        for (String line : run(cmd).split("\n")) {
            String[] f = line.trim().split(",");
            if (f.length < 2 || f[0].isEmpty()) {
                continue;
            }
            double pts = Double.NaN;
            for (int i = 1; i < f.length && Double.isNaN(pts); i++) {
                try {
                    pts = Double.parseDouble(f[i]);
                } catch (NumberFormatException ignored) {
                    // N/A
                }
            }
            out.add(new Frame(f[0].equals("1"), pts));
        }
        return out;
    }

    public static Stream stream(Path file, String format) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("ffprobe", "-v", "error"));
        if (format != null) {
            cmd.addAll(List.of("-f", format));
        }
        cmd.addAll(List.of("-count_frames", "-select_streams", "v:0", "-show_entries",
            "stream=codec_name,width,height,nb_read_frames,duration", "-of", "default=nw=1", file.toString()));
        String codec = null;
        int w = 0;
        int h = 0;
        long n = 0;
        double d = Double.NaN;
        for (String line : run(cmd).split("\n")) {
            String[] kv = line.trim().split("=", 2);
            if (kv.length != 2) {
                continue;
            }
            switch (kv[0]) {
                case "codec_name" -> codec = kv[1];
                case "width" -> w = Integer.parseInt(kv[1]);
                case "height" -> h = Integer.parseInt(kv[1]);
                case "nb_read_frames" -> n = Long.parseLong(kv[1]);
                case "duration" -> d = kv[1].equals("N/A") ? Double.NaN : Double.parseDouble(kv[1]);
                default -> { }
            }
        }
        return new Stream(codec, w, h, n, d);
    }

    private FfProbe() {
    }
}
