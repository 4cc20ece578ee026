package nvr.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import nvr.cli.config.ConfigLoader;
import nvr.cli.config.NvrConfig;
import nvr.cli.demo.DemoCameras;
import nvr.playback.FfProbe;
import nvr.playback.RtpReceiver;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * A police platform gets footage from a served NVR over real SIP/UDP: {@code nvr serve --demo} records
 * the demo cameras and registers (digest auth) to the platform configured under {@code upstream:}, played
 * here by {@link UpperPlatform} with its own SIP text. The platform asks RecordInfo for the last minute,
 * then INVITEs s=Playback for sub-ranges: of the H.264 demo camera over UDP (10 s) and over TCP with
 * a=setup:passive (the platform listens, the NVR connects, RFC 4571 framing), and of the H.265 demo camera
 * over UDP. Each time it receives PS/RTP until MediaStatus 121 and the NVR's BYE, and ffmpeg decodes what
 * arrived with zero errors, the right codec and the range's frame count. The access is in the audit log under
 * the platform's id. Anyone else, or the platform's id from another host, is refused 403 with nothing
 * streamed or audited. One server and one recording serve every case (started once, ~15 s of footage).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PlatformPlaybackProcessTest {
    static final String GATE = DemoServerProcessTest.GATE;
    static final String LOBBY = DemoServerProcessTest.LOBBY;
    static final ZoneId ZONE = ZoneId.systemDefault(); // the server runs on this machine: same local time
    static final DateTimeFormatter LOCAL = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss");
    static final Charset GB2312 = Charset.forName("GB2312");
    /**
     * A narrow media.port-range: the three demo cameras hold its top ports, playback gets the other two. So the
     * third session (TCP, after two UDP ones) is where a playback allocator of its own, blind to ingest's ports,
     * would hand out a demo camera's port number again: the one shared pool must not.
     */
    static final int MEDIA_PORTS = 5;

    @TempDir
    static Path dir;
    static UpperPlatform platform;
    static DemoServer nvr;
    static String nvrId;
    /** Each camera's first recorded span: [startMs, endMs, frames]. */
    static long[] gate;
    static long[] lobby;

    @BeforeAll
    static void serveAndRecord() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/ffmpeg")) && Files.isExecutable(Path.of("/usr/bin/ffprobe")),
                "ffmpeg/ffprobe not installed: skipping the platform playback process test");
        platform = new UpperPlatform();
        String yaml = "upstream:\n  - {id: \"" + UpperPlatform.ID + "\", domain: \"" + UpperPlatform.DOMAIN
                + "\", host: \"127.0.0.1\", port: " + platform.port() + ", password: \"" + UpperPlatform.PASSWORD
                + "\", keepalive-seconds: 5}\n";
        nvr = DemoServer.start(dir, yaml, MEDIA_PORTS);
        NvrConfig.Sip sip = ConfigLoader.load(nvr.cfg).sip();
        platform.nvr(sip.port());
        nvrId = sip.id();

        // the NVR registered to us with a correct digest answer
        long regDeadline = System.currentTimeMillis() + 15_000;
        while (platform.registrations == 0 && platform.registerProblem == null && System.currentTimeMillis() < regDeadline) {
            Thread.sleep(100);
        }
        assertNull(platform.registerProblem);
        assertTrue(platform.registrations > 0, "the NVR never registered to its upper platform:\n" + nvr.logText());
        assertEquals(nvrId, platform.registeredAs, "the NVR authenticates as its own sip.id");

        // 14 s of footage of both cameras (they start together), so every range below is all recorded
        gate = recorded(GATE, 14_000);
        lobby = recorded(LOBBY, 14_000);
    }

    @AfterAll
    static void stop() throws Exception {
        try (UpperPlatform p = platform; DemoServer n = nvr) {
            // SIGTERM and a trace-free shutdown (DemoServer.close), then the platform's socket
        }
    }

    private static long[] recorded(String camera, long atLeastMs) throws Exception {
        Object rec = nvr.until(o -> {
            List<Map<String, Object>> spans = DemoServer.rows(DemoServer.obj(o).get("spans"));
            return !spans.isEmpty() && ((Number) spans.get(0).get("endMs")).longValue()
                    - ((Number) spans.get(0).get("startMs")).longValue() >= atLeastMs;
        }, 40, "recordings", "list", "--camera", camera, "--from", "now-10m", "--to", "now", "--json");
        Map<String, Object> span = DemoServer.rows(DemoServer.obj(rec).get("spans")).get(0);
        return new long[] {((Number) span.get("startMs")).longValue(), ((Number) span.get("endMs")).longValue(),
            ((Number) span.get("frames")).longValue()};
    }

    private static double fps(long[] span) {
        return span[2] * 1000.0 / (span[1] - span[0]);
    }

    @Test
    @Order(1)
    void recordInfoListsTheRecordingInLocalTime() throws Exception {
        recordInfo(gate[0]);
    }

    @Test
    @Order(2)
    void playbackOverUdpOfH264() throws Exception {
        long t1 = gate[0] / 1000 + 2;
        playback(GATE, false, t1, t1 + 10, fps(gate), "h264", "0001");
    }

    @Test
    @Order(4)
    void playbackOverTcpToAPassivePlatformOfH264() throws Exception {
        long t1 = gate[0] / 1000 + 5; // another range than the UDP case, so its audit line is told apart
        playback(GATE, true, t1, t1 + 4, fps(gate), "h264", "0002");
    }

    @Test
    @Order(3)
    void playbackOverUdpOfH265() throws Exception {
        long t1 = lobby[0] / 1000 + 2;
        playback(LOBBY, false, t1, t1 + 4, fps(lobby), "hevc", "0003");
    }

    @Test
    @Order(5)
    void strangersGetNoFootage() throws Exception {
        long t1 = gate[0] / 1000 + 2;
        strangersGetNoFootage(t1, t1 + 10);
    }

    /**
     * (3) Footage only goes to the configured platform's host: an unknown id, and the platform's id forged
     * from another address (127.0.0.2), are refused 403 and nothing of theirs is audited or streamed.
     */
    private void strangersGetNoFootage(long t1, long t2) throws Exception {
        int sipPort = ConfigLoader.load(nvr.cfg).sip().port();
        try (RtpReceiver rtp = RtpReceiver.udp()) {
            String stranger = "34020000002000000077";
            String[][] cases = {{"127.0.0.1", stranger}, {"127.0.0.2", UpperPlatform.ID}};
            int refused = 0;
            for (String[] c : cases) {
                DatagramSocket bound;
                try {
                    bound = new DatagramSocket(new InetSocketAddress(InetAddress.getByName(c[0]), 0));
                } catch (java.net.BindException e) {
                    continue; // 127.0.0.2 is loopback on Linux, not on every OS
                }
                try (DatagramSocket s = bound) {
                    s.setSoTimeout(5_000);
                    String sdp = "v=0\r\no=" + c[1] + " 0 0 IN IP4 127.0.0.1\r\ns=Playback\r\nu=" + GATE + ":0\r\n"
                            + "c=IN IP4 127.0.0.1\r\nt=" + t1 + " " + t2 + "\r\nm=video " + rtp.port() + " RTP/AVP 96\r\n"
                            + "a=recvonly\r\na=rtpmap:96 PS/90000\r\ny=1200000002\r\n";
                    String invite = "INVITE sip:" + GATE + "@" + UpperPlatform.DOMAIN + " SIP/2.0\r\n"
                            + "Via: SIP/2.0/UDP " + c[0] + ":" + s.getLocalPort() + ";rport;branch=z9hG4bK-x-" + c[0] + "\r\n"
                            + "From: <sip:" + c[1] + "@" + UpperPlatform.DOMAIN + ">;tag=x1\r\n"
                            + "To: <sip:" + GATE + "@" + UpperPlatform.DOMAIN + ">\r\n"
                            + "Call-ID: x-" + c[0] + "@" + c[0] + "\r\nCSeq: 1 INVITE\r\n"
                            + "Contact: <sip:" + c[1] + "@" + c[0] + ":" + s.getLocalPort() + ">\r\nMax-Forwards: 70\r\n"
                            + "Content-Type: APPLICATION/SDP\r\nContent-Length: " + sdp.length() + "\r\n\r\n" + sdp;
                    byte[] b = invite.getBytes(StandardCharsets.US_ASCII);
                    s.send(new DatagramPacket(b, b.length, InetAddress.getLoopbackAddress(), sipPort));
                    String status;
                    do {
                        DatagramPacket p = new DatagramPacket(new byte[8192], 8192);
                        s.receive(p);
                        status = new String(p.getData(), 0, p.getLength(), StandardCharsets.ISO_8859_1);
                    } while (status.startsWith("SIP/2.0 1"));
                    assertTrue(status.startsWith("SIP/2.0 403"), c[1] + " at " + c[0] + " got: " + status);
                    refused++;
                }
            }
            Thread.sleep(500);
            assertTrue(refused >= 1);
            String refusals = " " + refused + ".0";
            assertEquals(0, rtp.count(), "a refused INVITE streamed footage");
            assertTrue(nvr.auditLines().stream().noneMatch(l -> l.contains(stranger) || l.contains("127.0.0.2")));
            assertTrue(nvr.http("/metrics").body().lines().anyMatch(l -> l.startsWith("nvr_sip_session_refusals_total") && l.endsWith(refusals)),
                    "refusals are counted on /metrics");
        }
    }

    /** (1) MESSAGE RecordInfo Query for the last minute; every answer page acknowledged; items in local time. */
    private void recordInfo(long spanStartMs) throws Exception {
        long now = System.currentTimeMillis();
        String from = LOCAL.format(LocalDateTime.ofInstant(Instant.ofEpochMilli(now - 60_000), ZONE));
        String to = LOCAL.format(LocalDateTime.ofInstant(Instant.ofEpochMilli(now + 5_000), ZONE));
        String xml = "<?xml version=\"1.0\" encoding=\"GB2312\"?>\r\n<Query>\r\n<CmdType>RecordInfo</CmdType>\r\n<SN>4711</SN>\r\n"
                + "<DeviceID>" + GATE + "</DeviceID>\r\n<StartTime>" + from + "</StartTime>\r\n<EndTime>" + to + "</EndTime>\r\n"
                + "<Secrecy>0</Secrecy>\r\n<Type>all</Type>\r\n</Query>\r\n";
        int me = platform.port();
        platform.sendRequest("MESSAGE sip:" + nvrId + "@" + UpperPlatform.DOMAIN + " SIP/2.0\r\n"
                + "Via: SIP/2.0/UDP 127.0.0.1:" + me + ";rport;branch=z9hG4bK-ri-1\r\n"
                + "From: <sip:" + UpperPlatform.ID + "@" + UpperPlatform.DOMAIN + ">;tag=ri1\r\n"
                + "To: <sip:" + nvrId + "@" + UpperPlatform.DOMAIN + ">\r\n"
                + "Call-ID: ri-1@127.0.0.1\r\nCSeq: 20 MESSAGE\r\nMax-Forwards: 70\r\n",
                "Application/MANSCDP+xml", xml.getBytes(GB2312));
        UpperPlatform.Msg ok = platform.next(m -> m.isResponse() && "ri-1@127.0.0.1".equals(m.callId()), 5_000);
        assertNotNull(ok, "no answer to the RecordInfo MESSAGE");
        assertEquals(200, ok.status(), ok.raw());

        int sumNum = -1;
        List<long[]> items = new ArrayList<>();
        while (sumNum < 0 || items.size() < sumNum) {
            UpperPlatform.Msg page = platform.next(m -> m.isRequest("MESSAGE") && m.body().contains("<CmdType>RecordInfo</CmdType>"), 5_000);
            assertNotNull(page, "RecordInfo answer incomplete: " + items.size() + " of SumNum " + sumNum);
            platform.answer(page, 200, "OK", null); // the next page only follows this 200
            assertTrue(page.body().contains("<SN>4711</SN>"), page.body());
            int n = Integer.parseInt(tag(page.body(), "SumNum"));
            assertTrue(sumNum < 0 || sumNum == n, "SumNum changed between pages: " + page.body());
            sumNum = n;
            Matcher item = Pattern.compile("<Item>(.*?)</Item>", Pattern.DOTALL).matcher(page.body());
            while (item.find()) {
                assertEquals(GATE, tag(item.group(1), "DeviceID"), item.group(1));
                items.add(new long[] {localMs(tag(item.group(1), "StartTime")), localMs(tag(item.group(1), "EndTime"))});
            }
        }
        assertTrue(sumNum >= 1, "the camera records, so RecordInfo must list at least one item");
        assertEquals(sumNum, items.size());
        long first = items.stream().mapToLong(i -> i[0]).min().orElseThrow();
        // local times without a zone, whole seconds: the first item starts where the index says recording began
        assertTrue(Math.abs(first - spanStartMs) <= 1_000, "first RecordInfo item starts at " + first + ", index says " + spanStartMs);
        for (long[] i : items) {
            assertTrue(i[0] < i[1] && i[1] <= System.currentTimeMillis() + 2_000, "bad item " + i[0] + "-" + i[1]);
        }
    }

    /**
     * (2) INVITE s=Playback of camera for [t1, t2) over UDP, or TCP with our offer a=setup:passive (we listen,
     * the NVR connects from a port of media.port-range); ACK; PS/RTP until MediaStatus 121 and BYE; ffmpeg
     * checks what arrived; the access is audited with the platform as who.
     */
    private void playback(String camera, boolean tcp, long t1, long t2, double fps, String codec, String seq) throws Exception {
        int me = platform.port();
        String callId = "pb-" + seq + "@127.0.0.1";
        String ssrc = "1" + UpperPlatform.DOMAIN.substring(3, 8) + seq; // history, domain digits, sequence
        String what = camera + " over " + (tcp ? "TCP" : "UDP");
        try (RtpReceiver rtp = tcp ? RtpReceiver.tcpListen(true) : RtpReceiver.udp()) {
            String sdp = "v=0\r\no=" + UpperPlatform.ID + " 0 0 IN IP4 127.0.0.1\r\ns=Playback\r\nu=" + camera + ":0\r\n"
                    + "c=IN IP4 127.0.0.1\r\nt=" + t1 + " " + t2 + "\r\nm=video " + rtp.port()
                    + (tcp ? " TCP/RTP/AVP 96\r\n" : " RTP/AVP 96\r\n")
                    + "a=recvonly\r\na=rtpmap:96 PS/90000\r\n"
                    + (tcp ? "a=setup:passive\r\na=connection:new\r\n" : "") + "y=" + ssrc + "\r\n";
            platform.sendRequest("INVITE sip:" + camera + "@" + UpperPlatform.DOMAIN + " SIP/2.0\r\n"
                    + "Via: SIP/2.0/UDP 127.0.0.1:" + me + ";rport;branch=z9hG4bK-pb-" + seq + "\r\n"
                    + "From: <sip:" + UpperPlatform.ID + "@" + UpperPlatform.DOMAIN + ">;tag=pb" + seq + "\r\n"
                    + "To: <sip:" + camera + "@" + UpperPlatform.DOMAIN + ">\r\n"
                    + "Call-ID: " + callId + "\r\nCSeq: 1 INVITE\r\n"
                    + "Contact: <sip:" + UpperPlatform.ID + "@127.0.0.1:" + me + ">\r\nMax-Forwards: 70\r\n"
                    + "Subject: " + camera + ":" + ssrc + "," + UpperPlatform.ID + ":0\r\n",
                    "APPLICATION/SDP", sdp.getBytes(StandardCharsets.US_ASCII));
            UpperPlatform.Msg ok = platform.next(m -> m.isResponse() && callId.equals(m.callId()) && m.status() >= 200, 10_000);
            assertNotNull(ok, "no final answer to INVITE Playback of " + what + ":\n" + nvr.logText());
            assertEquals(200, ok.status(), ok.raw());
            assertTrue(ok.body().contains("s=Playback") && ok.body().contains("y=" + ssrc), ok.body());
            if (tcp) {
                assertTrue(ok.body().contains("TCP/RTP/AVP") && ok.body().contains("a=setup:active"),
                        "the NVR answers a passive TCP offer as the active side:\n" + ok.body());
            }
            Matcher mediaPort = Pattern.compile("m=video (\\d+) ").matcher(ok.body());
            assertTrue(mediaPort.find(), ok.body());
            NvrConfig config = ConfigLoader.load(nvr.cfg);
            NvrConfig.Media media = config.media();
            int port = Integer.parseInt(mediaPort.group(1));
            assertTrue(port >= media.portMin() && port <= media.portMax(), "playback media port " + port
                    + " is outside media.port-range " + media.portMin() + "-" + media.portMax());
            // ingest and playback share one pool for the range: a static camera's port is never a session's
            for (NvrConfig.Camera c : DemoCameras.cameraConfigs(config)) {
                assertTrue(port != c.port(), what + ": playback got port " + port + ", which camera " + c.id() + " records on");
            }
            String toWithTag = ok.h("to");
            Matcher contact = Pattern.compile("sip:([^@>;]+)@([^:>;]+):(\\d+)").matcher(ok.h("contact"));
            assertTrue(contact.find(), ok.raw());
            platform.send("ACK sip:" + contact.group(1) + "@" + contact.group(2) + ":" + contact.group(3) + " SIP/2.0\r\n"
                    + "Via: SIP/2.0/UDP 127.0.0.1:" + me + ";rport;branch=z9hG4bK-pb-" + seq + "-ack\r\n"
                    + "From: <sip:" + UpperPlatform.ID + "@" + UpperPlatform.DOMAIN + ">;tag=pb" + seq + "\r\n"
                    + "To: " + toWithTag + "\r\nCall-ID: " + callId + "\r\nCSeq: 1 ACK\r\nMax-Forwards: 70\r\n"
                    + "Content-Length: 0\r\n\r\n");

            // the range at 1x: MediaStatus 121 at its end, then the NVR's BYE
            UpperPlatform.Msg status = platform.next(m -> m.isRequest("MESSAGE") && callId.equals(m.callId()), (t2 - t1) * 1000 + 15_000);
            assertNotNull(status, "no MediaStatus at the end of the range of " + what + "; " + rtp.count() + " RTP packets:\n" + nvr.logText());
            platform.answer(status, 200, "OK", null);
            assertEquals("MediaStatus", tag(status.body(), "CmdType"), status.body());
            assertEquals("121", tag(status.body(), "NotifyType"), status.body());
            UpperPlatform.Msg bye = platform.next(m -> m.isRequest("BYE") && callId.equals(m.callId()), 5_000);
            assertNotNull(bye, "no BYE after MediaStatus 121");
            platform.answer(bye, 200, "OK", null);
            rtp.awaitQuiet(300, 3_000);

            List<RtpReceiver.Packet> packets = rtp.packets();
            assertTrue(packets.size() > 20, "only " + packets.size() + " RTP packets of " + what);
            assertTrue(packets.stream().allMatch(p -> p.ssrc() == Long.parseLong(ssrc) && p.payloadType() == 96),
                    "RTP must carry our y= SSRC and payload type 96");
            assertEquals(0, rtp.lost(), "RTP packets lost on loopback");
            Path ps = rtp.writePs(dir, "recv-" + seq + ".ps");
            assertEquals("", FfProbe.decodeErrors(ps, "mpeg"), "ffmpeg errors decoding the received PS of " + what);
            FfProbe.Stream s = FfProbe.stream(ps, "mpeg");
            assertEquals(codec, s.codec(), what);
            assertEquals(320, s.width(), what);
            List<FfProbe.Frame> frames = FfProbe.frames(ps, "mpeg");
            assertTrue(frames.get(0).key(), "playback starts at a keyframe");
            int gop = 0;
            for (int i = 1; i < frames.size() && gop == 0; i++) {
                gop = frames.get(i).key() ? i : 0;
            }
            // Every frame the store holds for the range, from the keyframe at or before T1, as the NVR's own export
            // of the range counts them (same start rule). Checked exactly: an estimate from the demo camera's average
            // rate failed by one frame on a loaded CI box, where the live encoder slows down in some seconds.
            Object exported = nvr.json("export", "--camera", camera, "--from", String.valueOf(t1 * 1000), "--to",
                    String.valueOf(t2 * 1000), "--out", dir.resolve("range-" + seq + ".mp4").toString(), "--json");
            long stored = ((Number) DemoServer.obj(exported).get("frames")).longValue();
            assertEquals(stored, s.frames(), what + ": decoded frames vs the frames stored for the range");
            // and the range is really recorded: at the camera's average rate, plus at most one GOP before T1
            long expected = Math.round(fps * (t2 - t1));
            assertTrue(stored >= expected * 8 / 10 && stored <= expected + Math.max(gop, 1) + 2,
                    what + ": " + stored + " frames stored in the range; ~" + expected + " at " + fps + " fps, GOP " + gop);
        }

        // the access is on record with the platform as who, camera and range
        String rangeFrom = "\"fromMs\":" + t1 * 1000;
        List<String> audit = nvr.auditLines();
        assertTrue(audit.stream().anyMatch(l -> l.contains("\"action\":\"playback\"") && l.contains("\"who\":\"" + UpperPlatform.ID + "\"")
                && l.contains(camera) && l.contains(rangeFrom)), "playback of " + what + " not audited:\n" + String.join("\n", audit));
    }

    private static String tag(String xml, String name) {
        Matcher m = Pattern.compile("<" + name + ">\\s*([^<]*?)\\s*</" + name + ">").matcher(xml);
        assertTrue(m.find(), "<" + name + "> missing in " + xml);
        return m.group(1);
    }

    private static long localMs(String local) {
        return LocalDateTime.parse(local, LOCAL).atZone(ZONE).toInstant().toEpochMilli();
    }
}
