package nvr.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.Charset;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import nvr.cli.config.ConfigLoader;
import nvr.gb28181.manscdp.ManscdpMessage;
import nvr.gb28181.manscdp.ManscdpParser;
import nvr.gb28181.manscdp.ManscdpType;
import nvr.gb28181.manscdp.ManscdpWriter;
import nvr.gb28181.sip.DigestAuth;
import nvr.gb28181.sip.DigestChallenge;
import nvr.gb28181.sip.SipHeaders;
import nvr.gb28181.sip.SipMessage;
import nvr.gb28181.sip.SipParser;
import nvr.gb28181.sip.SipRequest;
import nvr.gb28181.sip.SipResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A camera that registers and announces a channel but never streams has no footage, so storage alone would
 * not show it: {@code nvr cameras list} must. A device on a UDP socket registers to {@code nvr serve} with
 * digest, answers the Catalog query with one video channel and refuses every INVITE (486 Busy); the admin
 * sees that channel, by its catalog name, as offline with the refusal and the retry count as the reason.
 */
class SipCameraStateProcessTest {
    static final String DEV = "34020000001320000077";
    static final String CH = "34020000001310000077";
    static final String PASSWORD = "devpw";

    @TempDir
    Path dir;

    @Test
    void aRegisteredChannelWhoseInvitesFailIsListedWithTheReason() throws Exception {
        try (DemoServer nvr = DemoServer.start(dir, "devices:\n  - {id: \"" + DEV + "\", password: \"" + PASSWORD + "\"}\n");
             DatagramSocket dev = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            dev.setSoTimeout(500);
            InetSocketAddress sip = new InetSocketAddress(InetAddress.getLoopbackAddress(),
                    ConfigLoader.load(nvr.cfg).sip().port());
            String domain = ConfigLoader.load(nvr.cfg).sip().domain();
            String nvrId = ConfigLoader.load(nvr.cfg).sip().id();
            register(dev, sip, domain, nvrId);

            int invitesRefused = 0;
            boolean catalogAnswered = false;
            long deadline = System.currentTimeMillis() + 30_000;
            while (invitesRefused < 2 && System.currentTimeMillis() < deadline) {
                SipMessage m = receive(dev);
                if (!(m instanceof SipRequest q)) {
                    continue;
                }
                if (q.method().equals("INVITE")) {
                    send(dev, sip, q.createResponse(486, "Busy Here", "busy" + invitesRefused));
                    invitesRefused++;
                } else if (q.method().equals("MESSAGE")) {
                    send(dev, sip, q.createResponse(200, null, "q"));
                    ManscdpMessage query = ManscdpParser.parse(q.body());
                    if (query.cmdType().equals("Catalog") && !catalogAnswered) {
                        ManscdpWriter answer = new ManscdpWriter(ManscdpType.RESPONSE, "Catalog", query.sn(), DEV)
                                .field("SumNum", 1).open("DeviceList", "Num", 1)
                                .open("Item").field("DeviceID", CH).field("Name", "north gate").field("Status", "ON")
                                .close("Item").close("DeviceList");
                        SipRequest msg = request(dev, "MESSAGE", "sip:" + nvrId + "@" + domain, nvrId, domain);
                        msg.body("Application/MANSCDP+xml", answer.toBytes(Charset.forName("GB2312")));
                        send(dev, sip, msg);
                        catalogAnswered = true;
                    }
                } else if (!q.method().equals("ACK")) {
                    send(dev, sip, q.createResponse(200, null, "x"));
                }
            }
            assertTrue(invitesRefused >= 2, "the channel was never INVITEd (catalog answered: " + catalogAnswered + ")\n"
                    + nvr.logText());

            Object cams = nvr.until(o -> DemoServer.rows(o).stream().anyMatch(c -> CH.equals(c.get("id"))
                    && ((Number) c.get("retries")).intValue() >= 1), 20, "cameras", "list", "--json");
            Map<String, Object> cam = DemoServer.rows(cams).stream().filter(c -> CH.equals(c.get("id"))).findFirst().orElseThrow();
            assertEquals("north gate", cam.get("name"));
            assertEquals("offline", cam.get("state"));
            assertEquals("sip", cam.get("source"));
            assertEquals(DEV, cam.get("device"));
            assertEquals(Boolean.TRUE, cam.get("deviceOnline"));
            assertEquals(Boolean.FALSE, cam.get("recording"));
            assertEquals("INVITE answered 486 Busy Here", cam.get("problem"));
            assertTrue(cam.get("reason").toString().matches("INVITE answered 486 Busy Here; retry \\d+"), cam.toString());
            NvrProcess.Result table = nvr.nvr("cameras", "list");
            assertEquals(0, table.exit(), table.toString());
            String row = table.out().lines().filter(l -> l.startsWith(CH)).findFirst().orElse("");
            assertTrue(row.contains("north gate") && row.contains("offline") && row.contains("486 Busy Here; retry"), table.out());
            // recordings of the announced channel are an empty answer, not "unknown camera"
            Object rec = nvr.json("recordings", "list", "--camera", CH, "--from", "now-1h", "--to", "now", "--json");
            assertTrue(DemoServer.rows(DemoServer.obj(rec).get("spans")).isEmpty());
        }
    }

    private int cseq = 1;

    private void register(DatagramSocket dev, InetSocketAddress sip, String domain, String nvrId) throws Exception {
        SipRequest r = registerRequest(dev, domain, nvrId);
        send(dev, sip, r);
        SipResponse challenge = awaitResponse(dev);
        assertEquals(401, challenge.status());
        DigestChallenge c = DigestChallenge.parse(challenge.header("WWW-Authenticate"));
        SipRequest r2 = registerRequest(dev, domain, nvrId);
        r2.headers().add("Authorization", new DigestAuth().answer(c, DEV, PASSWORD, "REGISTER", r2.uri(), 1).toHeader());
        send(dev, sip, r2);
        assertEquals(200, awaitResponse(dev).status());
    }

    private SipRequest registerRequest(DatagramSocket dev, String domain, String nvrId) {
        SipRequest r = request(dev, "REGISTER", "sip:" + nvrId + "@" + domain, DEV, domain);
        r.headers().set("Call-ID", "reg-" + DEV);
        r.headers().add("Expires", "3600");
        r.headers().add("Contact", "<sip:" + DEV + "@127.0.0.1:" + dev.getLocalPort() + ">");
        return r;
    }

    private SipRequest request(DatagramSocket dev, String method, String uri, String to, String domain) {
        SipHeaders h = new SipHeaders()
                .add("Via", "SIP/2.0/UDP 127.0.0.1:" + dev.getLocalPort() + ";rport;branch=z9hG4bK" + System.nanoTime())
                .add("From", "<sip:" + DEV + "@" + domain + ">;tag=d1").add("To", "<sip:" + to + "@" + domain + ">")
                .add("Call-ID", "m" + System.nanoTime()).add("CSeq", (cseq++) + " " + method);
        return new SipRequest(method, uri, h, null);
    }

    private static void send(DatagramSocket dev, InetSocketAddress to, SipMessage m) throws Exception {
        byte[] b = m.encode();
        dev.send(new DatagramPacket(b, b.length, to));
    }

    private static SipMessage receive(DatagramSocket dev) throws Exception {
        byte[] buf = new byte[65536];
        DatagramPacket p = new DatagramPacket(buf, buf.length);
        try {
            dev.receive(p);
        } catch (SocketTimeoutException e) {
            return null;
        }
        return new SipParser().parse(Arrays.copyOf(p.getData(), p.getLength()));
    }

    private static SipResponse awaitResponse(DatagramSocket dev) throws Exception {
        long deadline = System.currentTimeMillis() + 5000;
        while (System.currentTimeMillis() < deadline) {
            if (receive(dev) instanceof SipResponse r) {
                return r;
            }
        }
        throw new AssertionError("no SIP response from the NVR");
    }
}
