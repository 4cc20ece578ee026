package nvr.playback;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import nvr.gb28181.media.Codec;
import nvr.gb28181.sdp.SdpParser;
import nvr.gb28181.sdp.SessionDescription;
import nvr.gb28181.sip.SipRequest;
import nvr.gb28181.sip.SipResponse;
import nvr.playback.sip.PlaybackSipHandler;
import nvr.storage.Store;
import nvr.storage.StoreConfig;
import nvr.storage.audit.AuditEvent;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Records ffmpeg-made H.264/H.265 clips into a real Store, then plays them back through the handler
 * over real 127.0.0.1 sockets and checks what arrives with ffmpeg/ffprobe.
 */
class PlaybackEndToEndTest {
    static final String CAM264 = "34020000001320000001";
    static final String CAM265 = "34020000001320000002";
    /** The H.264 clip twice with a 10 s recording gap between: 0.5-6.5 s and 16.5-22.5 s. */
    static final String CAMGAP = "34020000001320000003";
    /** Clips start half a second after a whole second so whole-second t= values fall mid-GOP. */
    static final long BASE_S = 1_763_700_000L;
    static final long T0 = BASE_S * 1000 + 500;

    @TempDir
    static Path dir;
    static Store store;
    static PlaybackService service;
    static PlaybackSipHandler handler;
    static Footage.Clip h264;
    static Footage.Clip h265;
    static int calls;

    @BeforeAll
    static void record() throws Exception {
        store = Store.open(StoreConfig.defaults(dir.resolve("data")), new SimpleMeterRegistry());
        h264 = Footage.clip(Codec.H264);
        h265 = Footage.clip(Codec.H265);
        Footage.record(store, CAM264, h264, T0);
        Footage.record(store, CAM265, h265, T0);
        Footage.record(store, CAMGAP, h264, T0);
        Footage.record(store, CAMGAP, h264, T0 + 16_000);
        service = new PlaybackService(store, PlaybackConfig.defaults("127.0.0.1"), new SimpleMeterRegistry());
        handler = new PlaybackSipHandler(service, SipText.NVR);
    }

    @AfterAll
    static void close() throws Exception {
        service.close();
        store.close();
    }

    static String callId() {
        return "call-" + (++calls) + "@127.0.0.1";
    }

    static SessionDescription answerSdp(SipResponse r) throws Exception {
        assertEquals(200, r.status(), () -> r.toString());
        return SdpParser.parse(r.body());
    }

    /** Frames the store holds for [fromS, toS): from the keyframe at or before fromS to the last frame before toS. */
    static int expectedFrames(Footage.Clip clip, long fromMs, long toMs) {
        int first = Footage.keyAtOrBefore(clip, Footage.indexAt(T0, fromMs));
        int last = Math.min(clip.size() - 1, Footage.indexAt(T0, toMs) - 1);
        return last - first + 1;
    }

    static void assertEndsWith121ThenBye(TestDialog d) throws InterruptedException {
        TestDialog.Sent m = d.next(15_000);
        assertNotNull(m, "no MediaStatus after the end of the range");
        assertEquals("MESSAGE", m.method());
        assertTrue(m.body().contains("<CmdType>MediaStatus</CmdType>") && m.body().contains("<NotifyType>121</NotifyType>"), m.body());
        TestDialog.Sent bye = d.next(5_000);
        assertNotNull(bye);
        assertEquals("BYE", bye.method());
    }

    static void assertPsMatches(Path ps, int expectedFrames, double frameSeconds) throws Exception {
        assertEquals("", FfProbe.decodeErrors(ps, "mpeg"), "ffmpeg reported decode errors");
        List<FfProbe.Frame> frames = FfProbe.frames(ps, "mpeg");
        assertEquals(expectedFrames, frames.size(), "decoded frame count");
        List<Double> pts = new ArrayList<>();
        for (FfProbe.Frame f : frames) {
            pts.add(f.ptsSeconds());
        }
        pts.sort(Double::compare);
        for (int i = 1; i < pts.size(); i++) {
            assertEquals(frameSeconds, pts.get(i) - pts.get(i - 1), 0.002, "pts step at frame " + i + ": " + pts);
        }
    }

    @Test
    void playbackH264OverUdpSubRangeStartsAtKeyframeAndEndsWith121() throws Exception {
        long from = BASE_S + 2;
        long to = BASE_S + 4;
        try (RtpReceiver rx = RtpReceiver.udp()) {
            String call = callId();
            TestDialog d = new TestDialog(call, CAM264);
            SipRequest invite = SipText.invite(call, CAM264, SipText.playbackSdp("Playback", CAM264, from, to, "udp", rx.port(), null));
            SessionDescription answer = answerSdp(handler.onInvite(invite, SipText.sdp(invite), d));
            assertEquals("Playback", answer.sessionName());
            assertEquals("0100000001", answer.ssrc());
            assertEquals("sendonly", answer.video().direction());
            handler.onAck(d);
            assertEndsWith121ThenBye(d);
            rx.awaitQuiet(200, 5000);
            int expected = expectedFrames(h264, from * 1000, to * 1000);
            assertEquals(63, expected); // keyframe at 1.5 s (index 25) to the frame at 3.48 s (index 87)
            assertEquals(0, rx.lost());
            List<RtpReceiver.Packet> ps = rx.packets();
            assertEquals(1, ps.stream().mapToLong(RtpReceiver.Packet::ssrc).distinct().count());
            assertEquals(100000001L, ps.get(0).ssrc()); // y= is decimal
            assertTrue(ps.stream().allMatch(p -> p.payload().length <= 1400 && p.payloadType() == 96));
            // paced at 1x: 63 frames span 62 * 40 ms
            double seconds = (ps.get(ps.size() - 1).arrivalNanos() - ps.get(0).arrivalNanos()) / 1e9;
            assertTrue(seconds > 2.2 && seconds < 3.5, "1x pacing took " + seconds + " s");
            List<Long> ts = rx.frameTimestamps();
            assertEquals(expected, ts.size());
            for (int i = 1; i < ts.size(); i++) {
                assertEquals(3600, (ts.get(i) - ts.get(i - 1)) & 0xFFFFFFFFL, "RTP timestamp step");
            }
            assertPsMatches(rx.writePs(dir, "h264-udp.ps"), expected, 0.040);
        }
        assertEquals(0, service.activeSessions());
        List<AuditEvent> audit = store.auditEvents(0, Long.MAX_VALUE);
        assertTrue(audit.stream().anyMatch(e -> e.action().equals("playback") && e.camera().equals(CAM264)
            && e.who().equals(SipText.PLATFORM) && e.fromMs() == from * 1000 && e.toMs() == to * 1000), audit.toString());
    }

    @Test
    void playbackH265OverTcpWeConnect() throws Exception {
        long from = BASE_S + 3;
        long to = BASE_S + 5;
        try (RtpReceiver rx = RtpReceiver.tcpListen(true)) {
            String call = callId();
            TestDialog d = new TestDialog(call, CAM265);
            SipRequest invite = SipText.invite(call, CAM265,
                SipText.playbackSdp("Playback", CAM265, from, to, "tcp-passive", rx.port(), null));
            SessionDescription answer = answerSdp(handler.onInvite(invite, SipText.sdp(invite), d));
            assertEquals("TCP/RTP/AVP", answer.video().proto());
            assertEquals("active", answer.video().setup());
            handler.onAck(d);
            assertEndsWith121ThenBye(d);
            rx.awaitQuiet(200, 5000);
            int expected = expectedFrames(h265, from * 1000, to * 1000);
            assertEquals(0, rx.lost());
            assertPsMatches(rx.writePs(dir, "h265-tcp.ps"), expected, 0.040);
            FfProbe.Stream s = FfProbe.stream(rx.writePs(dir, "h265-tcp2.ps"), "mpeg");
            assertEquals("hevc", s.codec());
            assertEquals(320, s.width());
        }
        assertEquals(0, service.activeSessions());
    }

    @Test
    void pauseSeekAndScale4SendKeyframesOnlyWithContinuousTimestamps() throws Exception {
        long from = BASE_S + 1;
        long to = BASE_S + 7;
        try (RtpReceiver rx = RtpReceiver.udp()) {
            String call = callId();
            TestDialog d = new TestDialog(call, CAM264);
            SipRequest invite = SipText.invite(call, CAM264, SipText.playbackSdp("Playback", CAM264, from, to, "udp", rx.port(), null));
            answerSdp(handler.onInvite(invite, SipText.sdp(invite), d));
            handler.onAck(d);
            Thread.sleep(600);
            SipResponse paused = handler.onInfo(SipText.info(call, CAM264, 2, "PAUSE RTSP/1.0\r\nCSeq: 2\r\nPauseTime: now\r\n\r\n"), d);
            assertEquals(200, paused.status());
            assertTrue(paused.bodyText().startsWith("RTSP/1.0 200 OK"), paused.bodyText());
            Thread.sleep(300);
            rx.awaitQuiet(150, 2000);
            int before = rx.frameTimestamps().size();
            assertTrue(before >= 10 && before <= 30, "frames before pause: " + before);
            Thread.sleep(400);
            assertEquals(before, rx.frameTimestamps().size(), "frames arrived while paused");
            // seek to npt 3 s = T0 + 3.5 s -> keyframe at 3 s (index 75); Scale 4 -> keyframes 75, 100, 125
            SipResponse play = handler.onInfo(SipText.info(call, CAM264, 3,
                "PLAY RTSP/1.0\r\nCSeq: 3\r\nScale: 4.0\r\nRange: npt=3.000-\r\n\r\n"), d);
            assertEquals(200, play.status());
            Matcher m = Pattern.compile("RTP-Info: seq=(\\d+);rtptime=(\\d+)").matcher(play.bodyText());
            assertTrue(m.find(), play.bodyText());
            assertEndsWith121ThenBye(d);
            rx.awaitQuiet(200, 3000);
            List<Long> ts = rx.frameTimestamps();
            assertEquals(before + 3, ts.size(), "keyframes after the seek at Scale 4");
            for (int i = 1; i < ts.size(); i++) {
                long step = (ts.get(i) - ts.get(i - 1)) & 0xFFFFFFFFL;
                assertTrue(step > 0 && step <= 90_000, "RTP timestamps must run forward continuously: step " + step);
            }
            assertEquals(3600, (ts.get(before) - ts.get(before - 1)) & 0xFFFFFFFFL, "one frame interval across pause+seek");
            assertEquals(Long.parseLong(m.group(2)), (long) ts.get(before), "RTP-Info rtptime is the next frame's");
            assertEquals(90_000, (ts.get(before + 1) - ts.get(before)) & 0xFFFFFFFFL, "Scale 4 keyframes 1 s of media apart");
            // at Scale 4 one second of media takes 250 ms
            List<Long> arrivals = new ArrayList<>();
            for (RtpReceiver.Packet p : rx.packets()) {
                if (p.marker()) {
                    arrivals.add(p.arrivalNanos());
                }
            }
            double gap = (arrivals.get(before + 2) - arrivals.get(before + 1)) / 1e9;
            assertTrue(gap > 0.18 && gap < 0.4, "Scale 4 pacing " + gap);
            Path ps = rx.writePs(dir, "seek.ps");
            assertEquals("", FfProbe.decodeErrors(ps, "mpeg"));
            List<FfProbe.Frame> frames = FfProbe.frames(ps, "mpeg");
            assertEquals(before + 3, frames.size());
            assertTrue(frames.subList(frames.size() - 3, frames.size()).stream().allMatch(FfProbe.Frame::key));
        }
        assertEquals(0, service.activeSessions());
    }

    @Test
    void recordingGapIsSkippedWithoutStallingAndTimestampsStayContinuous() throws Exception {
        long from = BASE_S + 6; // T0 + 5.5 s: keyframe at T0 + 5 s (index 125), 25 frames to the gap
        long to = BASE_S + 18; // T0 + 17.5 s: frames 0..37 of the second recording
        try (RtpReceiver rx = RtpReceiver.udp()) {
            String call = callId();
            TestDialog d = new TestDialog(call, CAMGAP);
            SipRequest invite = SipText.invite(call, CAMGAP, SipText.playbackSdp("Playback", CAMGAP, from, to, "udp", rx.port(), null));
            answerSdp(handler.onInvite(invite, SipText.sdp(invite), d));
            long t0 = System.nanoTime();
            handler.onAck(d);
            assertEndsWith121ThenBye(d);
            double seconds = (System.nanoTime() - t0) / 1e9;
            rx.awaitQuiet(200, 3000);
            int expected = 25 + 38;
            List<Long> ts = rx.frameTimestamps();
            assertEquals(expected, ts.size());
            // 63 frames at 1x take ~2.5 s; waiting out the 10 s gap would take 12.5 s
            assertTrue(seconds < 5, "gap stalled the receiver: " + seconds + " s");
            for (int i = 1; i < ts.size(); i++) {
                assertEquals(3600, (ts.get(i) - ts.get(i - 1)) & 0xFFFFFFFFL, "RTP step at frame " + i + " (the gap costs one frame)");
            }
            assertPsMatches(rx.writePs(dir, "gap.ps"), expected, 0.040);
        }
        assertEquals(0, service.activeSessions());
    }

    @Test
    void downloadOverTcpWhereTheyConnectIsFasterThanRealTime() throws Exception {
        long from = BASE_S;
        long to = BASE_S + 7;
        String call = callId();
        TestDialog d = new TestDialog(call, CAM264);
        SipRequest invite = SipText.invite(call, CAM264,
            SipText.playbackSdp("Download", CAM264, from, to, "tcp-active", 9, "a=downloadspeed:4\r\n"));
        SessionDescription answer = answerSdp(handler.onInvite(invite, SipText.sdp(invite), d));
        assertEquals("Download", answer.sessionName());
        assertEquals("passive", answer.video().setup());
        long t0 = System.nanoTime();
        try (RtpReceiver rx = RtpReceiver.tcpConnect(answer.video().port())) {
            handler.onAck(d);
            assertEndsWith121ThenBye(d);
            double seconds = (System.nanoTime() - t0) / 1e9;
            rx.awaitQuiet(200, 5000);
            assertTrue(seconds < 3.0, "6 s of footage at downloadspeed 4 took " + seconds + " s");
            assertPsMatches(rx.writePs(dir, "download.ps"), h264.size(), 0.040);
        }
        assertEquals(0, service.activeSessions());
        assertTrue(store.auditEvents(0, Long.MAX_VALUE).stream().anyMatch(e -> e.action().equals("download")));
    }
}
