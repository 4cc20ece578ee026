package nvr.ingest.sip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.Charset;
import java.nio.file.Path;
import java.util.List;
import nvr.gb28181.manscdp.ManscdpMessage;
import nvr.gb28181.manscdp.ManscdpParser;
import nvr.gb28181.manscdp.ManscdpType;
import nvr.gb28181.manscdp.ManscdpWriter;
import nvr.gb28181.sdp.SdpParser;
import nvr.gb28181.sdp.SessionDescription;
import nvr.gb28181.sip.DigestAuth;
import nvr.gb28181.sip.DigestChallenge;
import nvr.gb28181.sip.SipHeaders;
import nvr.gb28181.sip.SipRequest;
import nvr.gb28181.sip.SipResponse;
import nvr.ingest.Await;
import nvr.ingest.media.PortRange;
import nvr.ingest.media.ReceiverConfig;
import nvr.ingest.media.RtpReceivers;
import nvr.storage.Store;
import nvr.storage.StoreConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The live recording plan against a scripted device: the INVITE carries a GB/T 28181 SSRC and a receiver
 * port per stream; the device's BYE is answered and followed by a re-INVITE (backoff); an unanswered INVITE
 * is retried; unregistering (Expires 0) ends the session with our BYE.
 */
class RecordingPlanTest {
    private static final String DEV = "34020000001320000021";
    private static final String CH = "34020000001310000021";

    @TempDir
    Path dir;

    @Test
    void invitesEveryVideoChannelAndReInvitesAfterDeviceBye() throws Exception {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        try (Store store = Store.open(StoreConfig.defaults(dir), meters);
             RtpReceivers receivers = RtpReceivers.create(ReceiverConfig.defaults(new PortRange(41200, 41299))
                     .withBindAddress("127.0.0.1"), store, meters);
             UdpPeer dev = new UdpPeer(1)) {
            SipConfig cfg = SipConfig.of("34020000002000000001", "3402000000", 0, "pw").withHost("127.0.0.1");
            try (SipServer server = new SipServer(cfg, store, receivers, meters, null)) {
                server.start();
                dev.target(server.port());
                register(dev, 3600);
                SipRequest catalogQuery = awaitQuery(dev, "Catalog");
                // A multi-part answer: SumNum 2 over two MESSAGEs with the query's SN, one item each.
                long sn = ManscdpParser.parse(catalogQuery.body()).sn();
                ManscdpWriter part1 = new ManscdpWriter(ManscdpType.RESPONSE, "Catalog", sn, DEV)
                        .field("SumNum", 2).open("DeviceList", "Num", 1)
                        .open("Item").field("DeviceID", CH).field("Name", "cam").field("Manufacturer", "Hikvision")
                        .field("CivilCode", "340200").field("Status", "ON").field("Longitude", "117.1").field("Latitude", "31.8")
                        .close("Item").close("DeviceList");
                ManscdpWriter part2 = new ManscdpWriter(ManscdpType.RESPONSE, "Catalog", sn, DEV)
                        .field("SumNum", 2).open("DeviceList", "Num", 1)
                        .open("Item").field("DeviceID", "34020000001340000021").field("Name", "alarm in").close("Item")
                        .close("DeviceList");
                dev.send(message(dev, part1.toBytes(Charset.forName("GB2312"))));
                assertEquals(200, dev.receiveResponse(3000).status());
                dev.send(message(dev, part2.toBytes(Charset.forName("GB2312"))));
                assertEquals(200, dev.receiveResponse(3000).status());
                Await.until(() -> store.table("cameras").get("34020000001340000021") != null, 3);
                nvr.ingest.device.RegistryRecord cam = nvr.ingest.device.RegistryRecord.decode(store.table("cameras").get(CH));
                assertEquals("Hikvision", cam.get("manufacturer"));
                assertEquals("31.8", cam.get("latitude"));
                assertEquals(DEV, cam.get("deviceId"));

                SipRequest invite = dev.receiveRequest("INVITE", 5000);
                assertNotNull(invite, "the video channel must be INVITEd");
                assertEquals(CH, nvr.gb28181.sip.SipUri.parse(invite.uri()).user());
                SessionDescription offer = SdpParser.parse(invite.body());
                assertEquals(SessionDescription.Kind.PLAY, offer.kind());
                assertTrue(offer.ssrc().matches("0200000\\d{3}"), offer.ssrc()); // 0 live, domain digits 4-8, sequence
                assertTrue(invite.header("Subject").startsWith(CH + ":" + offer.ssrc() + ","));
                assertTrue(new PortRange(41200, 41299).contains(offer.video().port()));
                assertEquals("PS", offer.video().encodingOf(96));
                SipResponse ok = answer(dev, invite);
                SipRequest ack = dev.receiveRequest("ACK", 3000);
                assertNotNull(ack);
                Await.until(() -> server.recording(CH), 3);

                // The camera hangs up: we answer 200 and INVITE again after the backoff.
                SipHeaders h = new SipHeaders().add("Via", "SIP/2.0/UDP 127.0.0.1:" + dev.port() + ";branch=z9hG4bKbye" + System.nanoTime())
                        .add("From", ok.header("To")).add("To", invite.header("From")).add("Call-ID", invite.callId())
                        .add("CSeq", "2 BYE");
                dev.send(new SipRequest("BYE", "sip:34020000002000000001@127.0.0.1:" + server.port(), h, null));
                assertEquals(200, dev.receiveResponse(3000).status());
                long t0 = System.nanoTime();
                SipRequest reinvite = dev.receiveRequest("INVITE", 5000);
                assertNotNull(reinvite, "re-INVITE after the device's BYE");
                assertNotEquals(invite.callId(), reinvite.callId());
                assertTrue((System.nanoTime() - t0) / 1e6 >= 900, "re-INVITE waits for the backoff");
                // Leave it unanswered: the transaction times out (64*T1) would take 32 s; instead answer 486 and
                // expect another attempt with a longer backoff.
                dev.send(reinvite.createResponse(486, null, "busy"));
                // Meanwhile an admin sees the channel, by its catalog name, as not recording: two retries (after the
                // camera's BYE, after the 486) and why the last one failed.
                Await.until(() -> server.channels().stream().anyMatch(c -> c.lastProblem().contains("486")), 3);
                assertEquals(List.of(new SipServer.ChannelStatus(CH, DEV, "cam", true, false, 2, "INVITE answered 486 Busy Here")),
                        server.channels());
                SipRequest third = dev.receiveRequest("INVITE", 6000);
                assertNotNull(third, "retry after a refused INVITE");
                answer(dev, third);
                assertNotNull(dev.receiveRequest("ACK", 3000));
                Await.until(() -> server.recording(CH), 3);
                assertEquals(List.of(new SipServer.ChannelStatus(CH, DEV, "cam", true, true, 0, "INVITE answered 486 Busy Here")),
                        server.channels());

                // Unregister: our BYE ends the stream.
                register(dev, 0);
                SipRequest bye = dev.receiveRequest("BYE", 3000);
                assertNotNull(bye, "BYE when the device unregisters");
                assertEquals(third.callId(), bye.callId());
                dev.send(bye.createResponse(200, null, null));
                Await.until(() -> !server.recording(CH), 3);
                assertTrue(meters.counter("nvr.sip.invites").count() >= 3);
            }
        }
    }

    private int cseq = 1;

    private void register(UdpPeer dev, int expires) throws Exception {
        SipRequest r = request(dev, "REGISTER", "sip:34020000002000000001@3402000000", "3402000000");
        r.headers().add("Expires", Integer.toString(expires));
        r.headers().add("Contact", "<sip:" + DEV + "@127.0.0.1:" + dev.port() + ">");
        dev.send(r);
        SipResponse ch = dev.receiveResponse(3000);
        assertEquals(401, ch.status());
        DigestChallenge c = DigestChallenge.parse(ch.header("WWW-Authenticate"));
        SipRequest r2 = request(dev, "REGISTER", "sip:34020000002000000001@3402000000", "3402000000");
        r2.headers().add("Expires", Integer.toString(expires));
        r2.headers().add("Contact", "<sip:" + DEV + "@127.0.0.1:" + dev.port() + ">");
        r2.headers().add("Authorization", new DigestAuth().answer(c, DEV, "pw", "REGISTER", r2.uri(), 1).toHeader());
        r2.headers().set("Call-ID", "reg-" + DEV);
        dev.send(r2);
        assertEquals(200, dev.receiveResponse(3000).status());
    }

    private SipRequest request(UdpPeer dev, String method, String uri, String toDomain) {
        SipHeaders h = new SipHeaders().add("Via", "SIP/2.0/UDP 127.0.0.1:" + dev.port() + ";rport;branch=z9hG4bK" + System.nanoTime())
                .add("From", "<sip:" + DEV + "@3402000000>;tag=d1").add("To", "<sip:" + (method.equals("REGISTER") ? DEV
                        : "34020000002000000001") + "@" + toDomain + ">")
                .add("Call-ID", method.equals("REGISTER") ? "reg-" + DEV : "m" + System.nanoTime()).add("CSeq", (cseq++) + " " + method);
        return new SipRequest(method, uri, h, null);
    }

    private SipRequest message(UdpPeer dev, byte[] body) {
        SipRequest m = request(dev, "MESSAGE", "sip:34020000002000000001@3402000000", "3402000000");
        m.body("Application/MANSCDP+xml", body);
        return m;
    }

    private SipRequest awaitQuery(UdpPeer dev, String cmd) throws Exception {
        long deadline = System.currentTimeMillis() + 5000;
        while (System.currentTimeMillis() < deadline) {
            SipRequest q = dev.receiveRequest("MESSAGE", 5000);
            assertNotNull(q);
            dev.send(q.createResponse(200, null, "q"));
            ManscdpMessage m = ManscdpParser.parse(q.body());
            if (m.cmdType().equals(cmd)) {
                return q;
            }
        }
        throw new AssertionError("no " + cmd + " query");
    }

    private SipResponse answer(UdpPeer dev, SipRequest invite) throws Exception {
        SipResponse ok = invite.createResponse(200, null, "cam" + System.nanoTime());
        ok.headers().add("Contact", "<sip:" + CH + "@127.0.0.1:" + dev.port() + ">");
        ok.body("application/sdp", ("v=0\r\no=" + CH + " 0 0 IN IP4 127.0.0.1\r\ns=Play\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
                + "m=video 15060 RTP/AVP 96\r\na=sendonly\r\na=rtpmap:96 PS/90000\r\ny=0200000001\r\n").getBytes());
        dev.send(ok);
        return ok;
    }
}
