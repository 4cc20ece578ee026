package nvr.playback;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import nvr.gb28181.media.Codec;
import nvr.gb28181.sdp.SdpParser;
import nvr.gb28181.sip.SipRequest;
import nvr.gb28181.sip.SipResponse;
import nvr.playback.sip.PlaybackSipHandler;
import nvr.storage.Store;
import nvr.storage.StoreConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Playback media sockets use media.port-range (what a firewall opens), skipping ports someone else holds. */
class MediaPortRangeTest {
    static final String CAM = "34020000001320000031";
    static final long BASE_S = 1_763_700_000L;

    @TempDir
    Path dir;

    @Test
    void mediaPortsComeFromTheConfiguredRangeAndSkipTakenOnes() throws Exception {
        try (Store store = Store.open(StoreConfig.defaults(dir.resolve("data")), new SimpleMeterRegistry());
             DatagramSocket taken = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            Footage.record(store, CAM, Footage.clip(Codec.H264), BASE_S * 1000);
            int p = taken.getLocalPort(); // held by "someone else" (e.g. an ingest receiver) inside the range
            int min = p - 1;
            int max = p + 2;
            PlaybackService service = new PlaybackService(store,
                PlaybackConfig.defaults("127.0.0.1").withMediaPorts(min, max), new SimpleMeterRegistry());
            PlaybackSipHandler handler = new PlaybackSipHandler(service, SipText.NVR);
            try {
                Set<Integer> used = new HashSet<>();
                for (int i = 0; i < 3; i++) {
                    try (RtpReceiver rx = RtpReceiver.udp()) {
                        String call = "range-" + i;
                        TestDialog d = new TestDialog(call, CAM);
                        SipRequest inv = SipText.invite(call, CAM,
                            SipText.playbackSdp("Playback", CAM, BASE_S, BASE_S + 1, "udp", rx.port(), null));
                        SipResponse r = handler.onInvite(inv, SipText.sdp(inv), d);
                        assertEquals(200, r.status(), r.toString());
                        int port = SdpParser.parse(r.body()).video().port();
                        assertTrue(port >= min && port <= max, "port " + port + " outside " + min + "-" + max);
                        assertNotEquals(p, port, "bound a port someone else holds");
                        used.add(port);
                        handler.onAck(d);
                        rx.awaitQuiet(300, 5000);
                        assertTrue(rx.count() > 0, "no media from port " + port);
                        long deadline = System.nanoTime() + 5_000_000_000L;
                        while (service.activeSessions() > 0 && System.nanoTime() < deadline) {
                            Thread.sleep(10);
                        }
                        assertEquals(0, service.activeSessions());
                    }
                }
                assertTrue(used.size() >= 2, "round-robin over the range, got " + used);
            } finally {
                service.close();
            }
        }
    }
}
