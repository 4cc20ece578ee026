package nvr.ingest.media;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import nvr.gb28181.media.Codec;
import nvr.gb28181.mediaport.MediaPortPool;
import nvr.ingest.health.StreamHealth;
import nvr.storage.FrameRecord;
import nvr.storage.Store;
import nvr.storage.StoreConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Port allocation, fixed (static camera) ports, SSRC demux and lock-on, TCP active reconnects. */
class PortsAndSsrcTest {
    @TempDir
    Path dir;

    @Test
    void fixedPortsAreReservedAndThePoolRunsOutWithAClearError() throws Exception {
        try (Recorder rec = new Recorder(dir)) {
            StreamHandle first = rec.receivers.open("a", MediaTransport.UDP, null, 0);
            int base = first.localPort();
            first.close();
            StreamHandle fixed = rec.receivers.open("static", MediaTransport.UDP, null, base); // a static camera's port
            assertEquals(base, fixed.localPort());
            List<StreamHandle> open = new ArrayList<>();
            IOException full = null;
            for (int i = 0; i < 200 && full == null; i++) {
                try {
                    StreamHandle h = rec.receivers.open("cam" + i, i % 2 == 0 ? MediaTransport.UDP : MediaTransport.TCP_PASSIVE, null, 0);
                    assertNotEquals(base, h.localPort(), "the pool never hands out a static camera's port");
                    open.add(h);
                } catch (IOException e) {
                    full = e;
                }
            }
            assertTrue(full != null && full.getMessage().contains("no free RTP port") && full.getMessage().contains("media.port-range"),
                    String.valueOf(full));
            assertEquals(0, rec.receivers.freePorts());
            IOException dup = assertThrows(IOException.class, () -> rec.receivers.open("other", MediaTransport.UDP, null, base));
            assertTrue(dup.getMessage().contains("distinct ssrc"), dup.getMessage());
            assertThrows(IOException.class, () -> rec.receivers.open("tcp", MediaTransport.TCP_PASSIVE, null, base));
            open.get(0).close();
            assertEquals(1, rec.receivers.freePorts());
            rec.receivers.open("again", MediaTransport.UDP, null, 0).close();
        }
    }

    /**
     * With the process's shared pool (nvr serve gives ingest and playback one), a port playback holds is never
     * handed to a camera stream, even where the OS would allow it (playback's TCP socket, ingest's UDP one).
     */
    @Test
    void aSharedPoolNeverHandsIngestAPortPlaybackHolds() throws Exception {
        int base = 20_000 + java.util.concurrent.ThreadLocalRandom.current().nextInt(400) * 100 + 50;
        PortRange range = new PortRange(base, base + 3);
        MediaPortPool shared = new MediaPortPool(base, base + 3);
        ReceiverConfig cfg = ReceiverConfig.defaults(range).withBindAddress("127.0.0.1");
        assertThrows(IllegalArgumentException.class, () -> new RtpReceivers(cfg, id -> null,
                new io.micrometer.core.instrument.simple.SimpleMeterRegistry(), java.time.Clock.systemUTC(),
                new MediaPortPool(base, base + 4)), "a pool of another range is refused");
        try (Store store = Store.open(StoreConfig.defaults(dir.resolve("shared")), new io.micrometer.core.instrument.simple.SimpleMeterRegistry());
             RtpReceivers receivers = RtpReceivers.create(cfg, store, new io.micrometer.core.instrument.simple.SimpleMeterRegistry(), shared)) {
            List<ServerSocket> playback = new ArrayList<>();
            int held = shared.bind(p -> playback.add(new ServerSocket(p, 1, InetAddress.getByName("127.0.0.1")))); // a TCP session's listener
            try {
                List<StreamHandle> open = new ArrayList<>();
                IOException full = null;
                while (full == null && open.size() < 10) {
                    try {
                        StreamHandle h = receivers.open("cam" + open.size(), MediaTransport.UDP, null, 0);
                        assertNotEquals(held, h.localPort(), "ingest got the port a playback session holds");
                        open.add(h);
                    } catch (IOException e) {
                        full = e;
                    }
                }
                assertEquals(3, open.size(), "the range's other ports");
                assertEquals(0, shared.free());
                assertTrue(full != null && full.getMessage().contains("no free RTP port"), String.valueOf(full));
                open.get(0).close();
                assertEquals(1, shared.free(), "a closed stream gives its port back to the shared pool");
            } finally {
                playback.forEach(s -> {
                    try {
                        s.close();
                    } catch (IOException ignored) {
                        // test cleanup
                    }
                });
            }
            shared.release(held);
            assertEquals(2, shared.free());
        }
    }

    /** A port another process (or playback, which shares media.port-range) holds is skipped and not leaked. */
    @Test
    void aPortHeldByAnotherSocketIsSkippedAndGoesBackToThePool() throws Exception {
        try (Recorder rec = new Recorder(dir)) {
            StreamHandle first = rec.receivers.open("first", MediaTransport.UDP, null, 0);
            StreamHandle second = rec.receivers.open("second", MediaTransport.UDP, null, 0);
            int step = second.localPort() - first.localPort(); // round-robin: the pool hands out the next port next
            int squatted = second.localPort() + step;
            first.close();
            second.close();
            int free = rec.receivers.freePorts();
            try (DatagramSocket squatter = new DatagramSocket(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), squatted))) {
                StreamHandle h = rec.receivers.open("cam", MediaTransport.UDP, null, 0);
                assertNotEquals(squatted, h.localPort());
                assertEquals(free - 1, rec.receivers.freePorts(), "the busy port must go back to the pool");
                h.close();
            }
            assertEquals(free, rec.receivers.freePorts());
        }
    }

    @Test
    void anySsrcStreamLocksOnAndFollowsACameraRestartWithANewSsrc() throws Exception {
        List<TestClips.Frame> frames = TestClips.clip(Codec.H264, 2, 25);
        StreamHealth h;
        try (Recorder rec = new Recorder(dir)) {
            StreamHandle handle = rec.receivers.open("restarting", MediaTransport.UDP, null, 0);
            CameraSender before = new CameraSender(Codec.H264, 0xAAAA, 100, 0, false);
            CameraSender stray = new CameraSender(Codec.H264, 0xBBBB, 5000, 0, false);
            CameraSender after = new CameraSender(Codec.H264, 0xCCCC, 40_000, 90_000_000L, false); // new SSRC, seq, clock
            try (Links.Link link = Links.open(MediaTransport.UDP, handle)) {
                for (int i = 0; i < 25; i++) {
                    for (byte[] p : before.packets(frames.get(i), i)) {
                        link.send(p);
                    }
                    for (byte[] p : stray.packets(frames.get(i), i)) { // another sender on the port: ignored
                        link.send(p);
                    }
                    Thread.sleep(10);
                }
                Thread.sleep(1200); // the camera reboots
                for (int i = 0; i < frames.size(); i++) {
                    for (byte[] p : after.packets(frames.get(i), i)) {
                        link.send(p);
                    }
                    Thread.sleep(10);
                }
            }
            h = rec.await("restarting", 3000, x -> x.framesStored() == 25 + frames.size());
            handle.close();
        }
        assertEquals(25 + frames.size(), h.framesStored(), String.valueOf(h));
        assertTrue(h.packetsRejected() > 0, "stray SSRC counted: " + h);
        assertEquals(0, h.packetsLost(), "a restart is not loss: " + h);
        List<FrameRecord> stored = StoreFrames.read(dir.resolve("data"), "restarting");
        assertEquals(25 + frames.size(), stored.size());
        assertArrayEquals(frames.get(0).data(), stored.get(25).payload());
        for (int i = 1; i < stored.size(); i++) {
            assertTrue(stored.get(i).timeMs() >= stored.get(i - 1).timeMs());
        }
    }

    @Test
    void tcpActiveReconnectsWhenTheCameraDropsTheConnection() throws Exception {
        List<TestClips.Frame> frames = TestClips.clip(Codec.H265, 2, 25);
        StreamHealth h;
        try (Recorder rec = new Recorder(dir); ServerSocket camera = new ServerSocket(0, 4, InetAddress.getLoopbackAddress())) {
            camera.setSoTimeout(10_000);
            StreamHandle handle = rec.receivers.open("active", MediaTransport.TCP_ACTIVE, 0x77L, 0);
            handle.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), camera.getLocalPort()));
            CameraSender cam = new CameraSender(Codec.H265, 0x77, 0, 0, true);
            try (Links.Link link = Links.stream(camera.accept())) {
                for (int i = 0; i < 25; i++) {
                    for (byte[] p : cam.packets(frames.get(i), i)) {
                        link.send(p);
                    }
                }
            } // the camera closes the connection after the first GOP
            rec.await("active", 3000, x -> x.framesStored() == 25);
            CameraSender again = new CameraSender(Codec.H265, 0x77, 0, 0, true);
            try (Links.Link link = Links.stream(camera.accept())) { // the NVR connects again by itself
                for (int i = 0; i < frames.size(); i++) {
                    for (byte[] p : again.packets(frames.get(i), i)) {
                        link.send(p);
                    }
                }
                h = rec.await("active", 3000, x -> x.framesStored() == 25 + frames.size());
            }
            handle.close();
        }
        assertEquals(25 + frames.size(), h.framesStored(), String.valueOf(h));
    }
}
