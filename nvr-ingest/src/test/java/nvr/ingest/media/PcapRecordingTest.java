package nvr.ingest.media;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import nvr.gb28181.media.Codec;
import nvr.ingest.health.StreamHealth;
import nvr.storage.FrameRecord;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Replays real ZLMediaKit captures (shared test data: PS over RTP/UDP with its start-up GOP burst) to a receiver
 * and checks the exact number of video frames ffprobe counted in them is stored.
 */
class PcapRecordingTest {
    private static final int SPEED = 8; // replay at 8x the captured pace (the start-up burst stays a burst)

    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0}")
    @CsvSource({"zlm_h264_udp.pcap,H264,846,1000000100", "zlm_h265_udp.pcap,H265,847,1000000101"})
    void storesEveryFrameOfTheCapture(String name, Codec codec, int frames, long ssrc) throws Exception {
        String shared = System.getProperty("nvr.shared.dir");
        Path pcap = shared == null ? null : Path.of(shared, "testdata", name);
        Assumptions.assumeTrue(pcap != null && Files.isReadable(pcap),
                "skipped: shared capture " + name + " not found (set -Dnvr.shared.dir to the folder holding testdata/)");
        List<PcapReplay.Datagram> packets = PcapReplay.udp(pcap);
        assertTrue(packets.size() > 1000, "datagrams in " + name + ": " + packets.size());
        String camera = "zlm-" + codec.name().toLowerCase();
        StreamHealth h;
        try (Recorder rec = new Recorder(dir)) {
            StreamHandle handle = rec.receivers.open(camera, MediaTransport.UDP, ssrc, 0);
            try (DatagramSocket s = new DatagramSocket()) {
                InetAddress lo = InetAddress.getLoopbackAddress();
                long first = packets.get(0).timeMicros();
                long t0 = System.nanoTime();
                for (PcapReplay.Datagram d : packets) {
                    long due = t0 + (d.timeMicros() - first) * 1000 / SPEED;
                    long wait = due - System.nanoTime();
                    if (wait > 1_000_000) {
                        Thread.sleep(wait / 1_000_000);
                    }
                    s.send(new DatagramPacket(d.payload(), d.payload().length, lo, handle.localPort()));
                }
            }
            rec.await(camera, 5000, x -> x.framesStored() >= frames);
            Thread.sleep(300); // and nothing more arrives
            h = rec.health(camera);
            handle.close();
        }
        assertEquals(frames, h.framesStored(), "frames stored: " + h);
        assertEquals(0, h.packetsLost(), "packets lost: " + h);
        List<FrameRecord> stored = StoreFrames.read(dir.resolve("data"), camera);
        assertEquals(frames, stored.size());
        assertTrue(stored.get(0).keyframe());
        assertEquals(codec.streamType(), stored.get(0).streamType());
        assertEquals(frames / 50 + 1, stored.stream().filter(FrameRecord::keyframe).count(), "keyframes (GOP 50)");
    }
}
