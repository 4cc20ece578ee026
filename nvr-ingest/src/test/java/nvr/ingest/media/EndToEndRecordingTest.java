package nvr.ingest.media;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import nvr.gb28181.media.Codec;
import nvr.ingest.health.StreamHealth;
import nvr.storage.FrameRecord;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A simulated camera sends a real ffmpeg clip as PS over RTP, at real-time pace, over each transport; the store
 * must hold exactly the frames sent, byte for byte, each stamped within one frame interval of its capture time
 * (the sender's 25 fps schedule, which the RTP timestamps carry; actual sends may lag on a loaded machine).
 */
class EndToEndRecordingTest {
    private static final String CAMERA = "34020000001320000001";

    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0} over {1}")
    @CsvSource({"H264,UDP", "H264,TCP_PASSIVE", "H264,TCP_ACTIVE", "H265,UDP", "H265,TCP_PASSIVE", "H265,TCP_ACTIVE"})
    void recordsEveryFrameByteForByte(Codec codec, MediaTransport transport) throws Exception {
        List<TestClips.Frame> frames = TestClips.clip(codec, 3, 25);
        long[] sentMs = new long[frames.size()];
        long[] scheduledMs = new long[frames.size()];
        StreamHealth live;
        try (Recorder rec = new Recorder(dir)) {
            long ssrc = 0x12345678L;
            StreamHandle h = rec.receivers.open(CAMERA, transport, ssrc, 0);
            assertEquals(CAMERA, h.cameraId());
            CameraSender cam = new CameraSender(codec, ssrc, 65_500, (1L << 32) - 20 * 3600, transport != MediaTransport.UDP);
            List<List<byte[]>> packets = new java.util.ArrayList<>(); // sequence and RTP timestamp both wrap mid-clip
            for (int i = 0; i < frames.size(); i++) {
                packets.add(cam.packets(frames.get(i), i)); // prepared up front: the send loop only sends
            }
            try (Links.Link link = Links.open(transport, h)) {
                long t0 = System.nanoTime();
                long t0Ms = System.currentTimeMillis();
                for (int i = 0; i < frames.size(); i++) {
                    long due = t0 + i * 40_000_000L;
                    long wait = due - System.nanoTime();
                    if (wait > 0) {
                        Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                    }
                    scheduledMs[i] = t0Ms + i * 40L; // the camera's capture clock: what the RTP timestamps say
                    sentMs[i] = System.currentTimeMillis(); // later when this shared machine delays the sender
                    for (byte[] p : packets.get(i)) {
                        link.send(p);
                    }
                }
                live = rec.await(CAMERA, 5000, s -> s.framesStored() == frames.size());
            }
            h.close();
        }
        assertEquals(frames.size(), live.framesStored(), "frames stored per health: " + live);
        assertEquals(0, live.packetsLost());
        assertEquals(0, live.framesDroppedBroken());
        assertEquals(0, live.psErrors());
        assertEquals(25, live.gopFrames());
        assertTrue(live.bitrateBps() > 0 && live.fps() > 15, "rates " + live);

        List<FrameRecord> stored = StoreFrames.read(dir.resolve("data"), CAMERA);
        assertEquals(frames.size(), stored.size());
        long prev = Long.MIN_VALUE;
        for (int i = 0; i < frames.size(); i++) {
            FrameRecord r = stored.get(i);
            assertArrayEquals(frames.get(i).data(), r.payload(), "frame " + i);
            assertEquals(frames.get(i).keyframe(), r.keyframe(), "keyframe flag of frame " + i);
            assertEquals(codec.streamType(), r.streamType());
            assertTrue(Math.abs(r.timeMs() - scheduledMs[i]) <= 40, "frame " + i + " stamped " + (r.timeMs() - scheduledMs[i])
                    + " ms from its capture time (sent " + (sentMs[i] - scheduledMs[i]) + " ms after it)");
            assertTrue(r.timeMs() >= prev, "timestamps never go back");
            prev = r.timeMs();
        }
    }
}
