package nvr.bench.playback;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import nvr.gb28181.media.Codec;
import nvr.gb28181.nal.NalUnits;
import nvr.gb28181.sdp.SdpParser;
import nvr.gb28181.sdp.SessionDescription;
import nvr.gb28181.sip.SipParser;
import nvr.gb28181.sip.SipRequest;
import nvr.storage.CameraWriter;
import nvr.storage.Store;

/** ffmpeg-made H.264 footage for the benchmarks, split into access units, and the SIP text to ask for it. */
final class BenchFootage {
    static final String PLATFORM = "34020000002000000009";

    /** Access units of an ffmpeg testsrc2 clip; keyframe flags from the NAL types. */
    record Clip(List<byte[]> aus, List<Boolean> key) {
        long bytes() {
            long n = 0;
            for (byte[] a : aus) {
                n += a.length;
            }
            return n;
        }
    }

    static Clip make(Path dir, String size, int seconds, String bitrate) throws IOException, InterruptedException {
        Path es = dir.resolve("clip-" + size + "-" + bitrate + ".h264");
        List<String> cmd = List.of("ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i", "testsrc2=size=" + size + ":rate=25",
            "-t", Integer.toString(seconds), "-c:v", "libx264", "-preset", "veryfast", "-g", "25", "-bf", "0",
            "-b:v", bitrate, "-maxrate", bitrate, "-bufsize", bitrate, "-f", "h264", es.toString());
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(300, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException("ffmpeg failed: " + out);
        }
        byte[] a = Files.readAllBytes(es);
        List<byte[]> aus = NalUnits.splitAccessUnits(Codec.H264, a, 0, a.length);
        List<Boolean> key = new ArrayList<>();
        for (byte[] au : aus) {
            key.add(NalUnits.isKeyframe(Codec.H264, au, 0, au.length));
        }
        return new Clip(aus, key);
    }

    /**
     * Appends a frame through the camera's writer. A refused keyframe is retried (the queue drains); a refused
     * other frame cannot be (the writer then drops the rest of its GOP), so it fails instead of spinning forever.
     */
    static void append(Store store, String camera, long timeMs, boolean key, byte[] au) throws InterruptedException {
        CameraWriter w = store.writer(camera);
        while (!w.append(timeMs, key, Codec.H264.streamType(), au)) {
            if (!key) {
                throw new IllegalStateException("the store's writer queue was full mid-GOP: flush more often while recording");
            }
            Thread.sleep(2);
        }
    }

    /**
     * Records {@code copies} back-to-back repeats of {@code clip} for {@code camera} from {@code t0} (25 fps)
     * and waits until the index shows them; returns the footage's length in ms.
     */
    static long record(Store store, String camera, long t0, Clip clip, int copies) throws IOException, InterruptedException {
        int n = clip.aus().size();
        for (int k = 0; k < copies; k++) {
            for (int i = 0; i < n; i++) {
                append(store, camera, t0 + ((long) k * n + i) * 40L, clip.key().get(i), clip.aus().get(i));
            }
            if (k % 8 == 7) {
                store.flush(); // keep the writer's queue (256 MiB) from filling: a refused frame drops its whole GOP
            }
        }
        long lastMs = t0 + ((long) copies * n - 1) * 40L;
        awaitDurable(store, camera, t0, lastMs);
        return (long) copies * n * 40L;
    }

    /** Waits until the index shows a frame at or after lastMs. */
    static void awaitDurable(Store store, String camera, long firstMs, long lastMs) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
        while (System.nanoTime() < deadline) {
            store.flush();
            var segs = store.segments(camera, lastMs, lastMs + 1);
            if (!segs.isEmpty() && segs.get(segs.size() - 1).endMs() >= lastMs) {
                return;
            }
            Thread.sleep(50);
        }
        throw new IOException("store never showed " + camera + " up to " + lastMs);
    }

    static String sdp(String kind, String channel, long fromS, long toS, String proto, int port, long ssrc, String extra) {
        return "v=0\r\no=" + PLATFORM + " 0 0 IN IP4 127.0.0.1\r\ns=" + kind + "\r\nu=" + channel + ":0\r\n"
            + "c=IN IP4 127.0.0.1\r\nt=" + fromS + " " + toS + "\r\nm=video " + port + " " + proto + " 96\r\n"
            + "a=recvonly\r\na=rtpmap:96 PS/90000\r\n" + (extra == null ? "" : extra)
            + String.format("y=%010d\r\n", ssrc);
    }

    static SipRequest invite(String callId, String channel, String sdp) throws Exception {
        byte[] body = sdp.getBytes(StandardCharsets.UTF_8);
        String head = "INVITE sip:" + channel + "@3402000000 SIP/2.0\r\n"
            + "Via: SIP/2.0/UDP 127.0.0.1:5061;branch=z9hG4bK" + callId.hashCode() + "\r\n"
            + "From: <sip:" + PLATFORM + "@3402000000>;tag=p\r\nTo: <sip:" + channel + "@3402000000>\r\n"
            + "Call-ID: " + callId + "\r\nCSeq: 1 INVITE\r\nContact: <sip:" + PLATFORM + "@127.0.0.1:5061>\r\n"
            + "Max-Forwards: 70\r\nContent-Type: APPLICATION/SDP\r\nContent-Length: " + body.length + "\r\n\r\n";
        byte[] h = head.getBytes(StandardCharsets.UTF_8);
        byte[] all = Arrays.copyOf(h, h.length + body.length);
        System.arraycopy(body, 0, all, h.length, body.length);
        return (SipRequest) new SipParser().parse(all);
    }

    static SessionDescription offer(SipRequest invite) throws Exception {
        return SdpParser.parse(invite.body());
    }

    private BenchFootage() {
    }
}
