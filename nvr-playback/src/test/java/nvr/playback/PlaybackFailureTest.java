package nvr.playback;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import nvr.gb28181.media.Codec;
import nvr.gb28181.sip.SipRequest;
import nvr.gb28181.sip.SipResponse;
import nvr.playback.sip.PlaybackSipHandler;
import nvr.storage.Store;
import nvr.storage.StoreConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad requests and bad receivers: a clear SIP error or a clean teardown, no leaked session, counters. */
class PlaybackFailureTest {
    static final String CAM = "34020000001320000021";
    static final String BIG = "34020000001320000022";
    static final long BASE_S = 1_763_700_000L;
    static final long T0 = BASE_S * 1000;
    /** The clip recorded back to back this many times for BIG: ~9 MB, more than socket buffers hold. */
    static final int BIG_REPEATS = 40;

    @TempDir
    static Path dir;
    static Store store;
    static PlaybackService service;
    static PlaybackSipHandler handler;
    static int calls;

    @BeforeAll
    static void setUp() throws Exception {
        store = Store.open(StoreConfig.defaults(dir.resolve("data")), new SimpleMeterRegistry());
        Footage.Clip clip = Footage.clip(Codec.H264);
        Footage.record(store, CAM, clip, T0);
        for (int i = 0; i < BIG_REPEATS; i++) {
            Footage.record(store, BIG, clip, T0 + i * clip.size() * Footage.FRAME_MS);
        }
        PlaybackConfig cfg = PlaybackConfig.defaults("127.0.0.1").withStallTimeoutMs(1000).withConnectTimeoutMs(1000)
            .withSendBufferBytes(256 << 10);
        service = new PlaybackService(store, cfg, new SimpleMeterRegistry());
        handler = new PlaybackSipHandler(service, SipText.NVR);
    }

    @AfterAll
    static void tearDown() throws Exception {
        service.close();
        store.close();
    }

    static String call() {
        return "fail-" + (++calls);
    }

    SipResponse invite(String call, String channel, String sdp, TestDialog d) throws Exception {
        SipRequest r = SipText.invite(call, channel, sdp);
        return handler.onInvite(r, SipText.sdp(r), d);
    }

    void assertRefused(int status, String warningPart, String metric, String channel, String sdp) throws Exception {
        double before = service.metrics().errors(metric);
        String call = call();
        TestDialog d = new TestDialog(call, channel);
        SipResponse r = invite(call, channel, sdp, d);
        assertEquals(status, r.status(), r.toString());
        String warning = r.header("Warning");
        assertNotNull(warning, "refusal without a Warning reason");
        assertTrue(warning.startsWith("399 ") && warning.contains(warningPart), warning);
        assertEquals(before + 1, service.metrics().errors(metric), metric);
        assertEquals(0, service.activeSessions());
        assertNull(d.next(0), "a refused INVITE sends nothing in-dialog");
    }

    @Test
    void refusesBadInvitesWithAReason() throws Exception {
        String unknown = "34020000001329999999";
        assertRefused(404, "unknown channel", "not-found", unknown,
            SipText.playbackSdp("Playback", unknown, BASE_S, BASE_S + 3, "udp", 40000, null));
        assertRefused(488, "inverted", "bad-range", CAM,
            SipText.playbackSdp("Playback", CAM, BASE_S + 4, BASE_S + 1, "udp", 40000, null));
        assertRefused(488, "inverted", "bad-range", CAM,
            SipText.playbackSdp("Playback", CAM, BASE_S + 2, BASE_S + 2, "udp", 40000, null));
        assertRefused(488, "no time range", "bad-range", CAM,
            SipText.playbackSdp("Playback", CAM, 0, 0, "udp", 40000, null));
        assertRefused(404, "no recording", "no-footage", CAM,
            SipText.playbackSdp("Playback", CAM, BASE_S - 3600, BASE_S - 60, "udp", 40000, null));
        assertRefused(488, "PS", "bad-offer", CAM,
            SipText.playbackSdp("Playback", CAM, BASE_S, BASE_S + 3, "udp", 40000, null)
                .replace("96 98 97", "98").replace("a=rtpmap:96 PS/90000\r\n", ""));
        assertRefused(488, "m=video", "bad-offer", CAM,
            SipText.playbackSdp("Playback", CAM, BASE_S, BASE_S + 3, "udp", 40000, null).replace("m=video", "m=audio"));
        assertRefused(488, "not Playback or Download", "bad-offer", CAM,
            SipText.playbackSdp("Play", CAM, BASE_S, BASE_S + 3, "udp", 40000, null));
        assertRefused(488, "media protocol", "bad-offer", CAM,
            SipText.playbackSdp("Playback", CAM, BASE_S, BASE_S + 3, "udp", 40000, null).replace("RTP/AVP", "RTP/SAVP"));
    }

    @Test
    void garbageMansRtspIsRefusedAndTheSessionLivesOnUntilBye() throws Exception {
        try (RtpReceiver rx = RtpReceiver.udp()) {
            String call = call();
            TestDialog d = new TestDialog(call, CAM);
            assertEquals(200, invite(call, CAM, SipText.playbackSdp("Playback", CAM, BASE_S, BASE_S + 6, "udp", rx.port(), null), d).status());
            handler.onAck(d);
            double before = service.metrics().errors("bad-mansrtsp");
            for (String garbage : new String[] {"PLAY RTSP/1.0\r\n\r\n", "\u0001\u0002garbage", "FLY RTSP/1.0\r\nCSeq: 1\r\n",
                    "PLAY RTSP/1.0\r\nCSeq: 4\r\nRange: npt=9-3\r\n"}) {
                SipResponse r = handler.onInfo(SipText.info(call, CAM, 2, garbage), d);
                assertEquals(400, r.status(), garbage);
                assertTrue(r.header("Warning").contains("MANSRTSP"), r.header("Warning"));
            }
            assertEquals(before + 4, service.metrics().errors("bad-mansrtsp"));
            SipResponse badScale = handler.onInfo(SipText.info(call, CAM, 3, "PLAY RTSP/1.0\r\nCSeq: 3\r\nScale: 3\r\n"), d);
            assertTrue(badScale.bodyText().startsWith("RTSP/1.0 457"), badScale.bodyText());
            assertEquals(481, handler.onInfo(SipText.info("no-such-call", CAM, 3, "PAUSE RTSP/1.0\r\nCSeq: 3\r\n"),
                new TestDialog("no-such-call", CAM)).status());
            Thread.sleep(300);
            assertEquals(1, service.activeSessions());
            assertTrue(rx.count() > 0, "still streaming after garbage control");
            handler.onBye(d);
            awaitNoSessions();
            assertNull(d.next(300), "no BYE back for the peer's own BYE");
        }
    }

    @Test
    void tcpReceiverThatNeverReadsIsDroppedAfterTheStallTimeout() throws Exception {
        double before = service.metrics().errors("receiver-stalled");
        try (RtpReceiver rx = RtpReceiver.tcpListen(false)) {
            String call = call();
            TestDialog d = new TestDialog(call, BIG);
            long to = BASE_S + BIG_REPEATS * 6;
            assertEquals(200, invite(call, BIG, SipText.playbackSdp("Download", BIG, BASE_S, to, "tcp-passive", rx.port(), null), d).status());
            handler.onAck(d);
            TestDialog.Sent bye = d.next(15_000);
            assertNotNull(bye, "stalled receiver never dropped");
            assertEquals("BYE", bye.method());
        }
        awaitNoSessions();
        assertEquals(before + 1, service.metrics().errors("receiver-stalled"));
    }

    @Test
    void udpReceiverThatDisappearsEndsTheSession() throws Exception {
        double before = service.metrics().errors("receiver-gone");
        RtpReceiver rx = RtpReceiver.udp();
        String call = call();
        TestDialog d = new TestDialog(call, CAM);
        assertEquals(200, invite(call, CAM, SipText.playbackSdp("Playback", CAM, BASE_S, BASE_S + 6, "udp", rx.port(), null), d).status());
        handler.onAck(d);
        Thread.sleep(400);
        assertTrue(rx.count() > 0);
        rx.close(); // ICMP port unreachable from now on
        TestDialog.Sent bye = d.next(5_000);
        assertNotNull(bye, "vanished UDP receiver not noticed");
        assertEquals("BYE", bye.method());
        awaitNoSessions();
        assertEquals(before + 1, service.metrics().errors("receiver-gone"));
    }

    @Test
    void tcpReceiverThatDisconnectsAndPassivePortNobodyUsesEndTheSession() throws Exception {
        double before = service.metrics().errors("receiver-gone");
        RtpReceiver rx = RtpReceiver.tcpListen(true);
        String call = call();
        TestDialog d = new TestDialog(call, CAM);
        assertEquals(200, invite(call, CAM, SipText.playbackSdp("Playback", CAM, BASE_S, BASE_S + 6, "tcp-passive", rx.port(), null), d).status());
        handler.onAck(d);
        Thread.sleep(400);
        rx.close();
        TestDialog.Sent bye = d.next(5_000);
        assertNotNull(bye);
        assertEquals("BYE", bye.method());

        String call2 = call();
        TestDialog d2 = new TestDialog(call2, CAM);
        assertEquals(200, invite(call2, CAM, SipText.playbackSdp("Playback", CAM, BASE_S, BASE_S + 6, "tcp-active", 9, null), d2).status());
        handler.onAck(d2);
        TestDialog.Sent bye2 = d2.next(5_000); // connect timeout is 1 s in this test
        assertNotNull(bye2);
        assertEquals("BYE", bye2.method());
        awaitNoSessions();
        assertEquals(before + 2, service.metrics().errors("receiver-gone"));
    }

    static void awaitNoSessions() throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (service.activeSessions() > 0 && System.nanoTime() < end) {
            Thread.sleep(20);
        }
        assertEquals(0, service.activeSessions(), "leaked session");
        assertEquals(0, service.metrics().activeSessions(), "active gauge");
    }
}
