package nvr.ingest.sip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import nvr.gb28181.manscdp.ManscdpMessage;
import nvr.gb28181.manscdp.ManscdpParser;
import nvr.gb28181.sdp.SdpParser;
import nvr.gb28181.sdp.SessionDescription;
import nvr.gb28181.sip.DigestAuth;
import nvr.gb28181.sip.DigestChallenge;
import nvr.gb28181.sip.MediaSessionHandler;
import nvr.gb28181.sip.SipDialog;
import nvr.gb28181.sip.SipMessage;
import nvr.gb28181.sip.SipRequest;
import nvr.gb28181.sip.SipResponse;
import nvr.gb28181.sip.SipStreamFramer;
import nvr.gb28181.sip.SipParser;
import nvr.gb28181.sip.VendorTexts;
import nvr.ingest.Await;
import nvr.ingest.cascade.UpstreamConfig;
import nvr.storage.Store;
import nvr.storage.StoreConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real server on loopback answering the texts real devices and platforms send (Hikvision REGISTER with
 * digest, Dahua keepalive, WVP Playback INVITE dialog), plus transaction behaviour (retransmitted requests
 * get the same answer; our requests are retransmitted at T1 over UDP), rate limiting of bad passwords, TCP.
 */
class SipServerWireTest {
    @TempDir
    Path dir;
    private Store store;
    private SipServer server;
    private SimpleMeterRegistry meters;
    private final List<String> calls = new CopyOnWriteArrayList<>();

    /** A playback service stand-in: answers the offer with its own SDP and records what it was asked. */
    private final MediaSessionHandler handler = new MediaSessionHandler() {
        @Override
        public SipResponse onInvite(SipRequest invite, SessionDescription offer, SipDialog dialog) {
            calls.add("invite " + offer.kind() + " " + dialog.channelId() + " " + offer.startEpochSeconds() + " " + dialog.remoteId());
            SipResponse r = invite.createResponse(200, null, dialog.localTag());
            SessionDescription answer = new SessionDescription.Builder().origin(dialog.channelId(), "127.0.0.1")
                    .session(offer.sessionName()).connection("127.0.0.1").time(offer.startTime(), offer.stopTime())
                    .psVideo(40000, "active", "sendonly", List.of()).ssrc(offer.ssrc()).build();
            r.body("application/sdp", answer.encodeBytes());
            return r;
        }

        @Override
        public void onAck(SipDialog dialog) {
            calls.add("ack " + dialog.callId());
            dialog.sendRequest("MESSAGE", "Application/MANSCDP+xml",
                    ("<?xml version=\"1.0\" encoding=\"GB2312\"?><Notify><CmdType>MediaStatus</CmdType><SN>9</SN><DeviceID>"
                            + dialog.channelId() + "</DeviceID><NotifyType>121</NotifyType></Notify>").getBytes());
        }

        @Override
        public SipResponse onInfo(SipRequest info, SipDialog dialog) {
            calls.add("info " + info.bodyText().split("\r\n")[0]);
            return info.createResponse(200, null, null);
        }

        @Override
        public void onBye(SipDialog dialog) {
            calls.add("bye " + dialog.callId());
        }
    };

    @BeforeEach
    void start() throws Exception {
        meters = new SimpleMeterRegistry();
        store = Store.open(StoreConfig.defaults(dir), meters);
        SipConfig cfg = SipConfig.of("34020000002000000001", "3402000000", 0, "12345678").withHost("127.0.0.1")
                .withUpstreams(List.of(new UpstreamConfig("34020000002000000009", "3402000000", "127.0.0.1", 9, "x", 3600, 60)));
        server = new SipServer(cfg, store, null, meters, handler);
        server.start();
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
        store.close();
    }

    private static String crlf(String s) {
        return s.replace("\r\n", "\n").replace("\n", "\r\n");
    }

    @Test
    void hikvisionRegistersWithDigestAndGetsDate() throws Exception {
        try (UdpPeer cam = new UdpPeer(server.port())) {
            String authed = hikvisionAuthorizedRegister(cam);
            cam.send(crlf(authed));
            SipResponse ok = cam.receiveResponse(3000);
            assertEquals(200, ok.status());
            assertEquals("3600", ok.header("Expires"));
            assertTrue(ok.header("Date").matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}"), ok.header("Date"));
            assertNotNull(ok.to().tag());
            // A retransmission of the same REGISTER (same branch) gets the same answer, not a second registration.
            cam.send(crlf(authed));
            SipResponse again = cam.receiveResponse(3000);
            assertEquals(200, again.status());
            assertEquals(ok.to().tag(), again.to().tag());
            assertEquals(1.0, meters.counter("nvr.sip.registrations").count());
            // Right after registering we query the catalog; unanswered over UDP it is retransmitted after T1.
            SipRequest q1 = cam.receiveRequest("MESSAGE", 3000);
            assertNotNull(q1);
            ManscdpMessage q = ManscdpParser.parse(q1.body());
            assertTrue(q.cmdType().equals("Catalog") || q.cmdType().equals("DeviceInfo"), q.cmdType());
            SipRequest retransmitted = null;
            long t0 = System.nanoTime();
            for (int i = 0; i < 6 && retransmitted == null; i++) {
                SipRequest r = cam.receiveRequest("MESSAGE", 2000);
                if (r != null && r.topVia().branch().equals(q1.topVia().branch())) {
                    retransmitted = r;
                }
            }
            assertNotNull(retransmitted, "our MESSAGE should be retransmitted over UDP");
            assertTrue((System.nanoTime() - t0) / 1e6 < 2500);
            assertEquals(1.0, server.devices().stream().filter(SipServer.DeviceStatus::online).count());
            assertEquals(1.0, meters.get("nvr.sip.devices.online").gauge().value());
        }
    }

    /** Sends the Hikvision REGISTER, checks the challenge, and returns the REGISTER the camera's firmware answers with. */
    private static String hikvisionAuthorizedRegister(UdpPeer cam) throws Exception {
        cam.send(crlf(VendorTexts.HIKVISION_REGISTER));
        SipResponse challenge = cam.receiveResponse(3000);
        assertEquals(401, challenge.status());
        DigestChallenge ch = DigestChallenge.parse(challenge.header("WWW-Authenticate"));
        assertEquals("3402000000", ch.realm());
        assertTrue(ch.offersAuthQop());
        // The camera's own digest computation (qop=auth, nc=00000001, cnonce=0a4f113b) as its firmware does it.
        String uri = "sip:34020000002000000001@3402000000";
        String ha1 = DigestAuth.md5Hex("34020000001320000001:3402000000:12345678");
        String resp = DigestAuth.md5Hex(ha1 + ":" + ch.nonce() + ":00000001:0a4f113b:auth:" + DigestAuth.md5Hex("REGISTER:" + uri));
        return String.format(VendorTexts.HIKVISION_REGISTER_AUTH_TEMPLATE, ch.realm(), ch.nonce(), resp);
    }

    /**
     * A From header is forgeable: a keepalive naming a registered camera, or a query naming the upper platform, sent
     * from another host (127.0.0.2, loopback on Linux) is refused 403 and counted; the same from the real host works.
     */
    @Test
    void messagesNamingAKnownPeerFromAnotherHostAreRefused() throws Exception {
        InetAddress other = InetAddress.getByName("127.0.0.2");
        try (UdpPeer cam = new UdpPeer(server.port());
             UdpPeer forger = UdpPeer.bound(other, server.port())) {
            cam.send(crlf(hikvisionAuthorizedRegister(cam)));
            assertEquals(200, cam.receiveResponse(3000).status());
            forger.send(VendorTexts.dahuaKeepalive(30).replace("34020000001320000002", "34020000001320000001"));
            SipResponse refused = forger.receiveResponse(3000);
            assertEquals(403, refused.status(), refused.toString());
            String query = "<?xml version=\"1.0\"?>\r\n<Query>\r\n<CmdType>DeviceInfo</CmdType>\r\n<SN>7</SN>\r\n"
                    + "<DeviceID>34020000002000000001</DeviceID>\r\n</Query>\r\n";
            String fromPlatform = "MESSAGE sip:34020000002000000001@3402000000 SIP/2.0\r\n"
                    + "Via: SIP/2.0/UDP 127.0.0.2:5060;branch=z9hG4bKq1\r\nFrom: <sip:34020000002000000009@3402000000>;tag=p1\r\n"
                    + "To: <sip:34020000002000000001@3402000000>\r\nCall-ID: q1@127.0.0.2\r\nCSeq: 1 MESSAGE\r\n"
                    + "Content-Type: Application/MANSCDP+xml\r\nMax-Forwards: 70\r\nContent-Length: " + query.length()
                    + "\r\n\r\n" + query;
            forger.send(fromPlatform);
            assertEquals(403, forger.receiveResponse(3000).status());
            assertEquals(2.0, meters.counter("nvr.sip.foreign.sources").count());
            // the camera itself, from where it registered, is heard (a new transaction: another branch)
            cam.send(VendorTexts.dahuaKeepalive(31).replace("34020000001320000002", "34020000001320000001"));
            assertEquals(200, cam.receiveResponse(3000).status());
        }
    }

    @Test
    void wrongPasswordsAreRefusedThenRateLimited() throws Exception {
        try (UdpPeer cam = new UdpPeer(server.port())) {
            for (int i = 0; i < 6; i++) {
                cam.send(crlf(VendorTexts.HIKVISION_REGISTER.replace("branch=z9hG4bK1371463273", "branch=z9hG4bKa" + i)));
                SipResponse challenge = cam.receiveResponse(3000);
                if (challenge.status() == 403) {
                    assertEquals(5, i, "blocked after 5 failures");
                    assertEquals("Too many wrong passwords", challenge.reason());
                    break;
                }
                assertEquals(401, challenge.status());
                DigestChallenge ch = DigestChallenge.parse(challenge.header("WWW-Authenticate"));
                String authed = String.format(VendorTexts.HIKVISION_REGISTER_AUTH_TEMPLATE, ch.realm(), ch.nonce(),
                        "00000000000000000000000000000000").replace("branch=z9hG4bK1556932142", "branch=z9hG4bKb" + i);
                cam.send(crlf(authed));
                assertEquals(403, (cam.receiveResponse(3000)).status());
            }
            assertEquals(5.0, meters.counter("nvr.sip.auth.failures").count());
            assertEquals(1.0, meters.counter("nvr.sip.auth.rate.limited").count());
        }
    }

    @Test
    void dahuaKeepaliveFromUnregisteredDeviceIsRefusedAndGarbageCounted() throws Exception {
        try (UdpPeer cam = new UdpPeer(server.port())) {
            cam.send(VendorTexts.dahuaKeepalive(20));
            assertEquals(404, (cam.receiveResponse(3000)).status());
            cam.send("REGISTER garbage\r\n\r\n");
            cam.send(new byte[] {0, 1, 2, 3, 4, 5, 6, 7, 8});
            assertNull(cam.receive(300));
            assertTrue(meters.counter("nvr.sip.parse.errors").count() >= 2);
            // still alive
            cam.send(VendorTexts.dahuaKeepalive(21));
            assertEquals(404, (cam.receiveResponse(3000)).status());
        }
    }

    @Test
    void wvpPlaybackInviteIsServedByTheSessionHandler() throws Exception {
        try (UdpPeer platform = new UdpPeer(server.port())) {
            String invite = VendorTexts.wvpPlaybackInvite("127.0.0.1:" + server.port());
            platform.send(invite);
            SipResponse trying = platform.receiveResponse(3000);
            assertEquals(100, trying.status());
            SipResponse ok = platform.receiveResponse(3000);
            assertEquals(200, ok.status(), ok.toString());
            assertNotNull(ok.to().tag());
            assertNotNull(ok.header("Contact"));
            SessionDescription answer = SdpParser.parse(ok.body());
            assertEquals("1200001234", answer.ssrc());
            assertEquals(List.of("invite PLAYBACK 34020000001320000001 1700000000 34020000002000000009"), calls);
            // ACK (new branch) -> handler.onAck, which sends MediaStatus in the dialog
            SipRequest inv = (SipRequest) new SipParser().parse(invite.getBytes(StandardCharsets.ISO_8859_1));
            String dialogHeaders = "Call-ID: " + inv.callId() + "\r\nFrom: " + inv.header("From") + "\r\nTo: " + ok.header("To")
                    + "\r\nMax-Forwards: 70\r\n";
            platform.send("ACK sip:34020000001320000001@127.0.0.1:" + server.port() + " SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:"
                    + platform.port() + ";branch=z9hG4bKack1\r\n" + dialogHeaders + "CSeq: 1 ACK\r\nContent-Length: 0\r\n\r\n");
            SipRequest status = platform.receiveRequest("MESSAGE", 3000);
            assertNotNull(status);
            assertEquals(inv.callId(), status.callId());
            assertEquals(ok.to().tag(), status.from().tag());
            assertEquals("121", ManscdpParser.parse(status.body()).text("NotifyType"));
            platform.send(status.createResponse(200, null, null));
            // INFO with MANSRTSP
            String rtsp = "PAUSE MANSRTSP/1.0\r\nCSeq: 2\r\nPauseTime: now\r\n\r\n";
            platform.send("INFO sip:34020000001320000001@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:" + platform.port()
                    + ";branch=z9hG4bKinfo1\r\n" + dialogHeaders + "CSeq: 2 INFO\r\nContent-Type: Application/MANSRTSP\r\n"
                    + "Content-Length: " + rtsp.length() + "\r\n\r\n" + rtsp);
            assertEquals(200, (platform.receiveResponse(3000)).status());
            platform.send("BYE sip:34020000001320000001@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:" + platform.port()
                    + ";branch=z9hG4bKbye1\r\n" + dialogHeaders + "CSeq: 3 BYE\r\nContent-Length: 0\r\n\r\n");
            assertEquals(200, (platform.receiveResponse(3000)).status());
            Await.until(() -> calls.size() == 4, 3);
            assertEquals("ack " + inv.callId(), calls.get(1));
            assertEquals("info PAUSE MANSRTSP/1.0", calls.get(2));
            assertEquals("bye " + inv.callId(), calls.get(3));
            // BYE for a dialog that no longer exists
            platform.send("BYE sip:34020000001320000001@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:" + platform.port()
                    + ";branch=z9hG4bKbye2\r\n" + dialogHeaders + "CSeq: 4 BYE\r\nContent-Length: 0\r\n\r\n");
            assertEquals(481, (platform.receiveResponse(3000)).status());
        }
    }

    @Test
    void registersOverTcpWithFramedMessages() throws Exception {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
            OutputStream out = s.getOutputStream();
            InputStream in = s.getInputStream();
            String reg = crlf(VendorTexts.DAHUA_REGISTER).replace("SIP/2.0/UDP", "SIP/2.0/TCP");
            byte[] bytes = ("\r\n" + reg).getBytes(StandardCharsets.ISO_8859_1);
            out.write(bytes, 0, 10); // split across writes
            out.flush();
            Thread.sleep(50);
            out.write(bytes, 10, bytes.length - 10);
            out.flush();
            SipResponse r = (SipResponse) readTcp(in);
            assertEquals(401, r.status());
            DigestChallenge ch = DigestChallenge.parse(r.header("WWW-Authenticate"));
            String auth = new DigestAuth().answer(ch, "34020000001320000002", "12345678", "REGISTER",
                    "sip:34020000002000000001@3402000000", 1).toHeader();
            String reg2 = reg.replace("CSeq: 1 REGISTER", "CSeq: 2 REGISTER").replace("branch=z9hG4bK1885712410", "branch=z9hG4bK2")
                    .replace("Content-Length: 0", "Authorization: " + auth + "\r\nContent-Length: 0");
            out.write(reg2.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            assertEquals(200, ((SipResponse) readTcp(in)).status());
            // the catalog query comes back over the same connection
            SipMessage q = readTcp(in);
            assertTrue(q instanceof SipRequest req && req.isMethod("MESSAGE"), String.valueOf(q));
            Charset gb = ManscdpParser.parse(q.body()).charset();
            assertEquals("GB2312", gb.name());
        }
    }

    private static SipMessage readTcp(InputStream in) throws Exception {
        SipStreamFramer framer = new SipStreamFramer(new SipParser());
        io.netty.buffer.ByteBuf buf = io.netty.buffer.Unpooled.buffer();
        byte[] b = new byte[4096];
        long deadline = System.currentTimeMillis() + 3000;
        while (System.currentTimeMillis() < deadline) {
            int n = in.read(b, 0, 1); // byte by byte: never read past one message
            if (n < 0) {
                break;
            }
            buf.writeBytes(b, 0, n);
            SipMessage m = framer.next(buf);
            if (m != null) {
                return m;
            }
        }
        throw new AssertionError("no SIP message over TCP");
    }
}
