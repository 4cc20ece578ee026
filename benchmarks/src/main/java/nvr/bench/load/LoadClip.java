package nvr.bench.load;

import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import nvr.gb28181.WireFormatException;
import nvr.gb28181.media.AccessUnit;
import nvr.gb28181.ps.PsDemuxer;

/**
 * The video every simulated camera sends: one GOP of real H.264 (ffmpeg testsrc2 1280x720, 25 fps, GOP 50, no
 * B-frames, ~4 Mbit/s CBR) split into access units by the codec module's demuxer (raw Annex-B mode). Cached on disk.
 */
final class LoadClip {
    private LoadClip() {
    }

    static List<AccessUnit> load(Path cacheDir, int bitrate, int gop) throws IOException, InterruptedException {
        Files.createDirectories(cacheDir);
        Path file = cacheDir.resolve("load-" + bitrate + "-" + gop + ".h264");
        if (!Files.exists(file)) {
            Path tmp = cacheDir.resolve(file.getFileName() + ".tmp");
            String kbps = (bitrate / 1000) + "k";
            Process p = new ProcessBuilder("ffmpeg", "-nostdin", "-loglevel", "error", "-y", "-f", "lavfi", "-i",
                    "testsrc2=size=1280x720:rate=25", "-frames:v", Integer.toString(gop), "-c:v", "libx264",
                    "-preset", "veryfast", "-bf", "0", "-g", Integer.toString(gop), "-b:v", kbps, "-minrate", kbps,
                    "-maxrate", kbps, "-bufsize", kbps, "-x264-params", "nal-hrd=cbr", "-bsf:v", "h264_mp4toannexb",
                    "-f", "h264", tmp.toString()).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IOException("ffmpeg failed making the load clip: " + out);
            }
            Files.move(tmp, file);
        }
        byte[] annexB = Files.readAllBytes(file);
        List<AccessUnit> aus = new ArrayList<>();
        PsDemuxer d = new PsDemuxer();
        try {
            d.onPayload(Unpooled.wrappedBuffer(annexB), 0, false, aus::add);
            d.flush(aus::add);
        } catch (WireFormatException e) {
            throw new IOException("load clip " + file + " does not split into access units: " + e.getMessage(), e);
        }
        if (aus.size() != gop || !aus.get(0).keyframe()) {
            throw new IOException("load clip " + file + " has " + aus.size() + " frames, expected one GOP of " + gop);
        }
        return aus;
    }
}
