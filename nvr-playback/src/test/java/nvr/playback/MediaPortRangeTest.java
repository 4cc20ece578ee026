package nvr.playback;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
import nvr.gb28181.mediaport.MediaPortPool;
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
    /**
     * With the process's shared pool (nvr serve shares it with ingest), a session's port is held in the pool
     * while it runs, whatever the transport, so ingest cannot take the same number, and goes back when it ends.
     */
    @Test
    void aSharedPoolHoldsEachSessionsPortUntilItEnds() throws Exception {
        try (Store store = Store.open(StoreConfig.defaults(dir.resolve("data")), new SimpleMeterRegistry())) {
            Footage.record(store, CAM, Footage.clip(Codec.H264), BASE_S * 1000);
            int min;
            try (DatagramSocket probe = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
                min = Math.min(probe.getLocalPort(), 65535 - 7);
            }
            MediaPortPool shared = new MediaPortPool(min, min + 7);
            PlaybackService service = new PlaybackService(store,
                PlaybackConfig.defaults("127.0.0.1").withMediaPorts(min, min + 7), new SimpleMeterRegistry(), shared);
            PlaybackSipHandler handler = new PlaybackSipHandler(service, SipText.NVR);
            try {
                for (String transport : new String[] {"udp", "tcp-passive", "tcp-active"}) {
                    RtpReceiver rx = transport.equals("udp") ? RtpReceiver.udp()
                        : transport.equals("tcp-passive") ? RtpReceiver.tcpListen(true) : null;
                    String call = "shared-" + transport;
                    TestDialog d = new TestDialog(call, CAM);
                    SipRequest inv = SipText.invite(call, CAM, SipText.playbackSdp("Playback", CAM, BASE_S, BASE_S + 1,
                        transport, rx == null ? 9 : rx.port(), null));
                    SipResponse r = handler.onInvite(inv, SipText.sdp(inv), d);
                    assertEquals(200, r.status(), r.toString());
                    int port = SdpParser.parse(r.body()).video().port();
                    assertTrue(shared.contains(port), transport + ": port " + port + " outside the shared pool " + shared);
                    assertFalse(shared.reserve(port), transport + ": the session's port must be held in the shared pool");
                    assertEquals(7, shared.free(), transport);
                    if (rx == null) {
                        rx = RtpReceiver.tcpConnect(port); // our offer said setup:active: we connect to the NVR's port
                    }
                    try (RtpReceiver receiver = rx) {
                        handler.onAck(d);
                        receiver.awaitQuiet(300, 5000);
                        assertTrue(receiver.count() > 0, transport + ": no media from port " + port);
                        long deadline = System.nanoTime() + 5_000_000_000L;
                        while ((service.activeSessions() > 0 || shared.free() < 8) && System.nanoTime() < deadline) {
                            Thread.sleep(10);
                        }
                    }
                    assertEquals(0, service.activeSessions(), transport);
                    assertEquals(8, shared.free(), transport + ": the ended session's port went back to the pool");
                }
            } finally {
                service.close();
            }
        }
    }
}
