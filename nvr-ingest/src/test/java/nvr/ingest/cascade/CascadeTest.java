package nvr.ingest.cascade;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.Charset;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import nvr.gb28181.manscdp.ManscdpMessage;
import nvr.gb28181.manscdp.ManscdpParser;
import nvr.gb28181.manscdp.ManscdpTime;
import nvr.gb28181.manscdp.ManscdpType;
import nvr.gb28181.manscdp.ManscdpWriter;
import nvr.gb28181.manscdp.RecordItem;
import nvr.gb28181.sip.DigestAuth;
import nvr.gb28181.sip.DigestChallenge;
import nvr.gb28181.sip.DigestCredentials;
import nvr.gb28181.sip.SipHeaders;
import nvr.gb28181.sip.SipRequest;
import nvr.gb28181.sip.SipResponse;
import nvr.ingest.Await;
import nvr.ingest.device.RegistryRecord;
import nvr.ingest.sip.SipConfig;
import nvr.ingest.sip.SipServer;
import nvr.ingest.sip.UdpPeer;
import nvr.storage.CameraWriter;
import nvr.storage.Store;
import nvr.storage.StoreConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A fake upper platform (police/county) on a loopback socket: it challenges our REGISTER and checks the
 * digest, then queries RecordInfo over 10,000+ recorded spans held in a real store and checks the paging
 * contract: every MESSAGE carries the query's SN and the total SumNum, the next page is sent only after the
 * previous one's 200 OK, items are complete and in order, times are local without zone; Type filter and the
 * empty answer (SumNum 0, no list); Catalog; our keepalives.
 */
class CascadeTest {
    private static final String CHANNEL = "34020000001320000077";
    private static final String PLATFORM = "34020000002000000009";
    private static final ZoneId ZONE = ZoneId.of("Asia/Shanghai");
    private static final int SPANS = "quick".equals(System.getProperty("nvr.test.profile")) ? 1_000 : 10_050;
    private static final Charset GB2312 = Charset.forName("GB2312");

    @TempDir
    Path dir;

    @Test
    void registersWithDigestAndAnswersRecordInfoInPagesFromStorage() throws Exception {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        long base = LocalDateTime.of(2026, 11, 1, 8, 0).atZone(ZONE).toInstant().toEpochMilli();
        try (Store store = Store.open(StoreConfig.defaults(dir), meters); UdpPeer platform = new UdpPeer(1)) {
            long t0 = System.nanoTime();
            CameraWriter w = store.writer(CHANNEL);
            for (int i = 0; i < SPANS; i++) {
                long t = base + i * 3_000L; // 3 s apart > Store.GAP_MS: one span each
                while (!w.append(t, true, 0x1B, new byte[] {0, 0, 0, 1, 0x65, (byte) i})) {
                    Thread.sleep(5);
                }
            }
            store.flush();
            System.out.printf("wrote %d spans in %.1f s%n", SPANS, (System.nanoTime() - t0) / 1e9);
            store.table("cameras").put(CHANNEL, new RegistryRecord().put("name", "\u5317\u95e8").put("civilCode", "340200").encode());

            UpstreamConfig up = new UpstreamConfig(PLATFORM, "3402000000", "127.0.0.1", platform.port(), "up-pass", 3600, 1);
            SipConfig cfg = SipConfig.of("34020000002000000001", "3402000000", 0, "dev").withHost("127.0.0.1")
                    .withUpstreams(List.of(up)).withZone(ZONE);
            try (SipServer server = new SipServer(cfg, store, null, meters, null)) {
                server.start();
                platform.target(server.port());

                // REGISTER without credentials -> 401; with them -> verified here -> 200.
                SipRequest reg = platform.receiveRequest("REGISTER", 5000);
                assertNotNull(reg);
                assertEquals("34020000002000000001", reg.from().user());
                SipResponse challenge = reg.createResponse(401, null, "p1");
                DigestAuth auth = new DigestAuth();
                challenge.headers().add("WWW-Authenticate",
                        new DigestChallenge("3402000000", auth.newNonce(System.currentTimeMillis()), null, "auth", "MD5", false).toHeader());
                platform.send(challenge);
                SipRequest reg2 = platform.receiveRequest("REGISTER", 5000);
                DigestCredentials cred = DigestCredentials.parse(reg2.header("Authorization"));
                assertEquals("34020000002000000001", cred.username());
                assertEquals("auth", cred.qop());
                assertTrue(DigestAuth.verify(cred, "REGISTER", "up-pass"), "our digest must verify");
                assertEquals(reg.callId(), reg2.callId());
                assertTrue(reg2.cseq().seq() > reg.cseq().seq());
                SipResponse ok = reg2.createResponse(200, null, "p1");
                ok.headers().add("Expires", "3600");
                platform.send(ok);
                Await.until(server::upstreamsRegistered, 5);

                // Our keepalive (period 1 s).
                SipRequest ka = platform.receiveRequest("MESSAGE", 3000);
                assertNotNull(ka);
                assertTrue(ManscdpParser.parse(ka.body()).is(ManscdpType.NOTIFY, "Keepalive"));
                platform.send(ka.createResponse(200, null, "k"));

                // RecordInfo over everything, Type all.
                long from = base - 60_000;
                long to = base + SPANS * 3_000L + 60_000;
                long q0 = System.nanoTime();
                query(platform, server.port(), 77, from, to, "all");
                List<RecordItem> items = collectPages(platform, 77, true);
                double seconds = (System.nanoTime() - q0) / 1e9;
                System.out.printf("RecordInfo: %d items in %d pages, %.2f s%n", items.size(),
                        (items.size() + Cascade.DEFAULT_PAGE_SIZE - 1) / Cascade.DEFAULT_PAGE_SIZE, seconds);
                assertEquals(SPANS, items.size());
                for (int i = 0; i < SPANS; i++) {
                    RecordItem it = items.get(i);
                    assertEquals(ManscdpTime.format(base + i * 3_000L, ZONE), it.startTime(), "item " + i);
                    assertEquals(CHANNEL, it.deviceId());
                    assertEquals("time", it.type());
                }
                assertEquals("2026-11-01T08:00:00", items.get(0).startTime());

                // Type alarm: nothing matches -> SumNum 0 and no RecordList, in one MESSAGE.
                query(platform, server.port(), 78, from, to, "alarm");
                ManscdpMessage empty = onePage(platform, 78);
                assertEquals(0, empty.sumNum());
                assertNull(empty.root().child("RecordList"));
                // A range with no recordings.
                query(platform, server.port(), 79, base - 86_400_000L, base - 3_600_000L, null);
                assertEquals(0, onePage(platform, 79).sumNum());
                // A narrow range: clipped spans only.
                query(platform, server.port(), 80, base + 3_000, base + 10_000, "time"); // MANSCDP times are whole seconds
                List<RecordItem> narrow = collectPages(platform, 80, false);
                assertEquals(3, narrow.size());

                // Catalog: our channels.
                SipRequest cq = platformRequest(server.port(), platform.port(),
                        new ManscdpWriter(ManscdpType.QUERY, "Catalog", 81, "34020000002000000001").toBytes(GB2312));
                platform.send(cq);
                assertEquals(200, platform.receiveResponse(3000).status());
                ManscdpMessage cat = onePage(platform, 81);
                assertEquals(1, cat.sumNum());
                assertEquals("\u5317\u95e8", cat.catalogItems().get(0).name());
                assertEquals(CHANNEL, cat.catalogItems().get(0).deviceId());
            }
        }
    }

    private static int cseq = 1;

    private static SipRequest platformRequest(int serverPort, int myPort, byte[] body) {
        SipHeaders h = new SipHeaders().add("Via", "SIP/2.0/UDP 127.0.0.1:" + myPort + ";rport;branch=z9hG4bKq" + System.nanoTime())
                .add("From", "<sip:" + PLATFORM + "@3402000000>;tag=pf").add("To", "<sip:34020000002000000001@3402000000>")
                .add("Call-ID", "q" + System.nanoTime()).add("CSeq", (cseq++) + " MESSAGE").add("Max-Forwards", "70");
        SipRequest r = new SipRequest("MESSAGE", "sip:34020000002000000001@127.0.0.1:" + serverPort, h, null);
        r.body("Application/MANSCDP+xml", body);
        return r;
    }

    private static void query(UdpPeer platform, int serverPort, long sn, long from, long to, String type) throws Exception {
        ManscdpWriter w = new ManscdpWriter(ManscdpType.QUERY, "RecordInfo", sn, CHANNEL)
                .field("StartTime", ManscdpTime.format(from, ZONE)).field("EndTime", ManscdpTime.format(to, ZONE))
                .field("Secrecy", 0).field("Type", type);
        platform.send(platformRequest(serverPort, platform.port(), w.toBytes(GB2312)));
        SipResponse r = platform.receiveResponse(3000);
        assertNotNull(r);
        assertEquals(200, r.status());
    }

    private static ManscdpMessage onePage(UdpPeer platform, long sn) throws Exception {
        SipRequest m = nextAnswer(platform, sn, new HashSet<>());
        platform.send(m.createResponse(200, null, "a"));
        return ManscdpParser.parse(m.body());
    }

    /** The next MANSCDP answer with this SN, skipping keepalives and retransmissions of pages already seen. */
    private static SipRequest nextAnswer(UdpPeer platform, long sn, Set<String> seenCallIds) throws Exception {
        while (true) {
            SipRequest m = platform.receiveRequest("MESSAGE", 5000);
            assertNotNull(m, "answer SN " + sn + " did not come");
            ManscdpMessage x = ManscdpParser.parse(m.body());
            if (x.cmdType().equals("Keepalive")) {
                platform.send(m.createResponse(200, null, "k"));
                continue;
            }
            if (seenCallIds.contains(m.callId())) {
                continue; // a retransmission of a page we already answered
            }
            assertEquals(sn, x.sn(), "every page carries the query's SN");
            return m;
        }
    }

    private static List<RecordItem> collectPages(UdpPeer platform, long sn, boolean checkOrdering) throws Exception {
        List<RecordItem> items = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        int sumNum = -1;
        int pages = 0;
        while (sumNum < 0 || items.size() < sumNum) {
            SipRequest m = nextAnswer(platform, sn, seen);
            ManscdpMessage x = ManscdpParser.parse(m.body());
            assertEquals("GB2312", x.charset().name(), "answered in the query's charset");
            if (sumNum < 0) {
                sumNum = x.sumNum();
            }
            assertEquals(sumNum, x.sumNum(), "SumNum is the total on every page");
            List<RecordItem> page = x.recordItems();
            assertEquals(Integer.parseInt(x.root().child("RecordList").attributes().get("Num")), page.size());
            items.addAll(page);
            seen.add(m.callId());
            if (checkOrdering && pages == 0) {
                // Hold the first 200 OK back: only retransmissions of page 1 may arrive meanwhile, never page 2.
                long until = System.currentTimeMillis() + 1200;
                while (System.currentTimeMillis() < until) {
                    SipRequest early = platform.receiveRequest("MESSAGE", (int) Math.max(1, until - System.currentTimeMillis()));
                    if (early != null && !ManscdpParser.parse(early.body()).cmdType().equals("Keepalive")) {
                        assertEquals(m.callId(), early.callId(), "page 2 was sent before page 1's 200 OK");
                    } else if (early != null) {
                        platform.send(early.createResponse(200, null, "k"));
                    }
                }
            }
            platform.send(m.createResponse(200, null, "a"));
            pages++;
        }
        assertEquals(sumNum, items.size());
        return items;
    }
}
