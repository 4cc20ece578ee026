package nvr.ingest.media;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import nvr.gb28181.media.AccessUnit;
import nvr.gb28181.media.Codec;
import nvr.gb28181.ps.Ffmpeg;
import nvr.gb28181.ps.PsMuxer;
import nvr.gb28181.rtp.RtpPacketizer;
import nvr.ingest.health.StreamHealth;
import nvr.storage.FrameCursor;
import nvr.storage.FrameRecord;
import nvr.storage.Store;
import nvr.storage.StoreConfig;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A simulated camera sends an ffmpeg H.264 clip with ffmpeg-made G.711 (raw A-law / mu-law of a 1 kHz sine, 20 ms
 * per PES, as cameras send) muxed by our PsMuxer, as PS over RTP at real-time pace to a real UDP ingest port:
 * every video frame is stored as before and counted, and the audio is stored byte for byte (all but what arrived
 * while the stream's clock was settling), interleaved in time order.
 */
class AudioRecordingTest {
    private static final String CAMERA = "34020000001320000002";

    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0}")
    @CsvSource({"G711A,alaw", "G711U,mulaw"})
    void recordsG711InterleavedWithVideo(Codec audioCodec, String rawFormat) throws Exception {
        List<TestClips.Frame> frames = TestClips.clip(Codec.H264, 3, 25);
        Path raw = dir.resolve("a.raw");
        Ffmpeg.check("ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i", "sine=frequency=1000:sample_rate=8000",
                "-t", "3", "-f", rawFormat, raw.toString());
        byte[] samples = Files.readAllBytes(raw);
        assertEquals(24_000, samples.length);
        int audioFrames = 2 * frames.size(); // 160 samples (20 ms) each
        long ssrc = 0x0A0B0C0DL;
        PsMuxer mux = new PsMuxer(Codec.H264, audioCodec);
        RtpPacketizer rtp = new RtpPacketizer(ssrc, 96, 100, RtpPacketizer.DEFAULT_MAX_PAYLOAD);
        List<List<byte[]>> packets = new ArrayList<>();
        for (int i = 0; i < frames.size(); i++) {
            List<byte[]> out = new ArrayList<>();
            long pts = 90_000L + i * 3600L;
            send(mux, rtp, new AccessUnit(Codec.H264, pts, frames.get(i).keyframe(), frames.get(i).data()), out);
            for (int k = 0; k < 2; k++) {
                int a = 2 * i + k;
                send(mux, rtp, new AccessUnit(audioCodec, pts + k * 1800L, false,
                        Arrays.copyOfRange(samples, a * 160, a * 160 + 160)), out);
            }
            packets.add(out);
        }
        StreamHealth live;
        try (Recorder rec = new Recorder(dir)) {
            StreamHandle h = rec.receivers.open(CAMERA, MediaTransport.UDP, ssrc, 0);
            try (Links.Link link = Links.open(MediaTransport.UDP, h)) {
                long t0 = System.nanoTime();
                for (int i = 0; i < frames.size(); i++) {
                    long wait = t0 + i * 40_000_000L - System.nanoTime();
                    if (wait > 0) {
                        Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                    }
                    for (byte[] p : packets.get(i)) {
                        link.send(p);
                    }
                }
                live = rec.await(CAMERA, 5000, s -> s.framesStored() == frames.size());
            }
            h.close();
        }
        assertEquals(frames.size(), live.framesStored(), "video frames stored: " + live);
        assertEquals(0, live.packetsLost());
        assertEquals(0, live.psErrors());

        List<FrameRecord> video = read(dir.resolve("data"), false);
        List<FrameRecord> all = read(dir.resolve("data"), true);
        assertEquals(frames.size(), video.size(), "video readers get exactly the video frames");
        for (int i = 0; i < frames.size(); i++) {
            assertArrayEquals(frames.get(i).data(), video.get(i).payload(), "frame " + i);
            assertFalse(video.get(i).audio());
        }
        List<FrameRecord> audio = all.stream().filter(FrameRecord::audio).toList();
        assertEquals(frames.size() + audio.size(), all.size());
        // the audio that came while the clock settled (the first 500 ms) is not stored; all after it is
        int first = audioFrames - audio.size();
        assertTrue(audio.size() >= audioFrames - 2 * 20, "audio frames stored: " + audio.size() + " of " + audioFrames);
        for (int j = 0; j < audio.size(); j++) {
            int a = first + j;
            assertEquals(audioCodec.streamType(), audio.get(j).streamType());
            assertArrayEquals(Arrays.copyOfRange(samples, a * 160, a * 160 + 160), audio.get(j).payload(), "audio " + a);
        }
        long prev = Long.MIN_VALUE;
        for (FrameRecord r : all) {
            assertTrue(r.timeMs() >= prev, "records in time order");
            prev = r.timeMs();
        }
        try (Store store = Store.open(StoreConfig.defaults(dir.resolve("data")), new SimpleMeterRegistry())) {
            assertEquals(frames.size(), store.segments(CAMERA, 0, Long.MAX_VALUE).stream()
                    .mapToLong(s -> s.frames()).sum(), "index frames count video only");
            assertEquals(0, store.verify().errors().size(), store.verify().toString());
        }
    }

    private static void send(PsMuxer mux, RtpPacketizer rtp, AccessUnit au, List<byte[]> out) {
        ByteBuf ps = Unpooled.buffer(PsMuxer.maxMuxedSize(au.data().length));
        mux.mux(au, ps);
        rtp.packetize(ps, au.pts90k(), false, ByteBufAllocator.DEFAULT, b -> {
            byte[] bytes = new byte[b.readableBytes()];
            b.readBytes(bytes);
            b.release();
            out.add(bytes);
        });
    }

    private static List<FrameRecord> read(Path root, boolean withAudio) throws Exception {
        long now = System.currentTimeMillis();
        try (Store store = Store.open(StoreConfig.defaults(root), new SimpleMeterRegistry());
             FrameCursor c = withAudio ? store.openCursorWithAudio(CAMERA, now - 3_600_000, now + 3_600_000)
                     : store.openCursor(CAMERA, now - 3_600_000, now + 3_600_000)) {
            List<FrameRecord> out = new ArrayList<>();
            for (FrameRecord r = c.next(); r != null; r = c.next()) {
                out.add(r);
            }
            return out;
        }
    }
}
