package nvr.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import nvr.cli.output.Json;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The newcomer's minute, end to end with real processes: {@code nvr serve --demo} records the simulated
 * cameras (PS/RTP over loopback UDP into RocksDB-indexed segments), and the admin commands, run as
 * separate {@code nvr} processes, see them: cameras, recordings, retention, holds, export (+ verify,
 * checked with ffprobe), verify, the data-root lock, /metrics, and a clean SIGTERM.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DemoServerProcessTest {
    static final String GATE = "34020000001320000101";
    static final String LOBBY = "34020000001320000103";
    static final List<String> DEMO = List.of(GATE, "34020000001320000102", LOBBY);

    @TempDir
    static Path dir;
    static DemoServer demo;
    static Path cfg;
    static Path log;
    static Process server;
    static int adminPort;
    static long startedMs;

    @BeforeAll
    static void startDemo() throws Exception {
        demo = DemoServer.start(dir, "");
        cfg = demo.cfg;
        log = demo.log;
        server = demo.process;
        adminPort = demo.adminPort;
        startedMs = demo.startedMs;
    }

    @AfterAll
    static void stop() throws Exception {
        if (demo == null) {
            return;
        }
        demo.close(); // SIGTERM, graceful flush, no stack traces
        // after the stop, admin commands say how to start the server
        NvrProcess.Result r = NvrProcess.run(dir, "verify", "--config", cfg.toString());
        assertEquals(1, r.exit(), r.toString());
        assertTrue(r.err().contains("start it with: bin/nvr serve --config"), r.toString());
    }

    static HttpResponse<String> http(String path) throws InterruptedException, IOException {
        return demo.http(path);
    }

    static NvrProcess.Result nvr(String... args) throws Exception {
        return demo.nvr(args);
    }

    static Object json(NvrProcess.Result r) {
        assertEquals(0, r.exit(), r.toString());
        return Json.parse(r.out());
    }

    static Object until(Predicate<Object> ok, int seconds, String... args) throws Exception {
        return demo.until(ok, seconds, args);
    }

    static List<Map<String, Object>> rows(Object o) {
        return DemoServer.rows(o);
    }

    static Map<String, Object> obj(Object o) {
        return DemoServer.obj(o);
    }

    @Test
    @Order(1)
    void camerasListJsonShowsTheDemoCamerasReceiving() throws Exception {
        // receiving from the first frames; the bitrate is measured over the frames of the last seconds
        Object cams = until(o -> rows(o).stream().filter(c -> DEMO.contains(c.get("id")))
                .filter(c -> "receiving".equals(c.get("state")) && ((Number) c.get("bitrateBps")).longValue() > 0)
                .count() == 3, 45, "cameras", "list", "--json");
        for (Map<String, Object> c : rows(cams)) {
            assertTrue(c.keySet().containsAll(Set.of("id", "name", "tier", "state", "lastFrameMs", "bitrateBps")), c.toString());
            assertTrue(((Number) c.get("bitrateBps")).longValue() > 0, c.toString());
            assertTrue(((Number) c.get("lastFrameMs")).longValue() >= startedMs, c.toString());
        }
        NvrProcess.Result table = nvr("cameras", "list");
        assertEquals(0, table.exit(), table.toString());
        assertTrue(table.out().startsWith("ID") && table.out().contains("receiving") && table.out().contains("demo lobby (H.265)"),
                table.toString());
    }

    @Test
    @Order(2)
    void recordingsListShowsSpans() throws Exception {
        String to = String.valueOf(System.currentTimeMillis() + 60_000);
        Object rec = until(o -> !rows(obj(o).get("spans")).isEmpty()
                        && ((Number) rows(obj(o).get("spans")).get(0).get("frames")).longValue() >= 30,
                45, "recordings", "list", "--camera", GATE, "--from", "now-10m", "--to", to, "--json");
        Map<String, Object> m = obj(rec);
        assertEquals(GATE, m.get("camera"));
        Map<String, Object> span = rows(m.get("spans")).get(0);
        assertTrue(span.keySet().containsAll(Set.of("startMs", "endMs", "bytes", "frames")), span.toString());
        assertTrue(((Number) span.get("startMs")).longValue() >= startedMs - 1000, span.toString());
        assertTrue(((Number) span.get("bytes")).longValue() > 0, span.toString());
        assertNotNull(m.get("gaps"));
        // Inside a live recording there is no gap, not even at the live edge, whose newest frames are not indexed
        // until the next group commit (queried a few times: the edge moves between commits).
        String inside = String.valueOf(((Number) span.get("startMs")).longValue() + 1000);
        for (int i = 0; i < 4; i++) {
            Map<String, Object> live = obj(json(nvr("recordings", "list", "--camera", GATE, "--from", inside, "--to", "now",
                    "--json")));
            assertEquals(List.of(), live.get("gaps"), live.toString());
            Thread.sleep(330);
        }
        NvrProcess.Result table = nvr("recordings", "list", "--camera", GATE, "--from", "now-10m");
        assertEquals(0, table.exit(), table.toString());
        assertTrue(table.out().startsWith("FROM") && table.out().contains("span(s)"), table.toString());
        NvrProcess.Result unknown = nvr("recordings", "list", "--camera", "nope");
        assertEquals(2, unknown.exit(), unknown.toString());
        assertTrue(unknown.err().contains("unknown camera nope"), unknown.toString());
    }

    @Test
    @Order(3)
    void retentionStatusCoversEveryDemoCamera() throws Exception {
        Object st = until(o -> rows(o).stream().map(c -> c.get("camera")).toList().containsAll(DEMO), 30,
                "retention", "status", "--json");
        for (Map<String, Object> c : rows(st)) {
            assertTrue(c.keySet().containsAll(Set.of("camera", "tier", "minDays", "oldestMs", "newestMs", "projectedDays",
                    "status", "reason")), c.toString());
            assertTrue(Set.of("OK", "AT_RISK", "VIOLATED").contains(c.get("status")), c.toString());
        }
        Map<String, Object> gate = rows(st).stream().filter(c -> GATE.equals(c.get("camera"))).findFirst().orElseThrow();
        assertEquals("general", gate.get("tier"));
        assertEquals(30, ((Number) gate.get("minDays")).intValue());
        NvrProcess.Result plan = nvr("retention", "plan");
        assertEquals(0, plan.exit(), plan.toString());
        assertTrue(plan.out().contains("feasible"), plan.toString());
    }

    @Test
    @Order(4)
    void holdsCanBeCreatedListedAndReleased() throws Exception {
        NvrProcess.Result created = nvr("hold", "create", "--camera", GATE, "--from", "now-5m", "--to",
                String.valueOf(System.currentTimeMillis()), "--case", "CASE-2026-001");
        assertEquals(0, created.exit(), created.toString());
        String id = created.out().trim();
        assertFalse(id.isEmpty() || id.contains("\n"), created.toString());
        List<Map<String, Object>> holds = rows(json(nvr("hold", "list", "--json")));
        Map<String, Object> h = holds.stream().filter(x -> id.equals(x.get("id"))).findFirst().orElseThrow();
        assertEquals("CASE-2026-001", h.get("case"));
        assertTrue(h.keySet().containsAll(Set.of("id", "camera", "fromMs", "toMs", "case", "untilMs")), h.toString());
        assertEquals(0, nvr("hold", "release", id).exit());
        assertTrue(rows(json(nvr("hold", "list", "--json"))).stream().noneMatch(x -> id.equals(x.get("id"))));
    }

    @Test
    @Order(5)
    void exportWritesAnMp4ThatVerifiesAndProbes() throws Exception {
        for (String[] cam : new String[][] {{GATE, "h264"}, {LOBBY, "hevc"}}) {
            Path mp4 = dir.resolve("evidence-" + cam[1] + ".mp4");
            NvrProcess.Result r = nvr("export", "--camera", cam[0], "--from", String.valueOf(startedMs),
                    "--to", String.valueOf(System.currentTimeMillis()), "--out", mp4.toString(), "--json");
            Map<String, Object> res = obj(json(r));
            assertTrue(((Number) res.get("frames")).longValue() >= 30, r.toString());
            assertTrue(Files.size(mp4) > 1000);
            assertTrue(Files.exists(Path.of(mp4 + ".sha256.json")));
            NvrProcess.Result v = nvr("export", "verify", mp4.toString());
            assertEquals(0, v.exit(), v.toString());
            assertTrue(v.out().startsWith("OK "), v.toString());
            if (Files.isExecutable(Path.of("/usr/bin/ffprobe"))) {
                Process p = new ProcessBuilder("ffprobe", "-v", "error", "-select_streams", "v:0", "-count_frames",
                        "-show_entries", "stream=codec_name,nb_read_frames", "-of", "csv=p=0", mp4.toString())
                        .redirectErrorStream(true).start();
                String probe = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
                assertTrue(p.waitFor(60, TimeUnit.SECONDS));
                assertEquals(cam[1] + "," + res.get("frames"), probe, "ffprobe of " + mp4);
            }
        }
        // evidence is never overwritten
        Path mp4 = dir.resolve("evidence-h264.mp4");
        NvrProcess.Result again = nvr("export", "--camera", GATE, "--from", "now-1m", "--to", "now", "--out", mp4.toString());
        assertEquals(2, again.exit(), again.toString());
        assertTrue(again.err().contains("already exists"), again.toString());
        // every export is audited with the CLI's user
        String who = "\"who\":\"cli:" + System.getProperty("user.name") + "\"";
        List<String> audit = demo.auditLines();
        assertTrue(audit.stream().anyMatch(l -> l.contains("\"action\":\"export\"") && l.contains(who) && l.contains(LOBBY)),
                "export of " + LOBBY + " by " + who + " not in the audit log:\n" + String.join("\n", audit));
        // a tampered copy fails verification
        byte[] b = Files.readAllBytes(mp4);
        b[b.length / 2] ^= 0x55;
        Files.write(mp4, b);
        NvrProcess.Result v = nvr("export", "verify", mp4.toString());
        assertEquals(1, v.exit(), v.toString());
    }

    @Test
    @Order(6)
    void verifyChecksEverySegmentClean() throws Exception {
        NvrProcess.Result r = nvr("verify", "--json");
        Map<String, Object> m = obj(json(r));
        assertTrue(((Number) m.get("segments")).longValue() >= 3, r.toString());
        assertTrue(((Number) m.get("frames")).longValue() > 0, r.toString());
        assertEquals(List.of(), m.get("errors"), r.toString());
    }

    @Test
    @Order(7)
    void secondServerOnTheSameDataRootIsRefused() throws Exception {
        NvrProcess.Result r = nvr("serve");
        assertEquals(1, r.exit(), r.toString());
        assertEquals(1, r.errLines().size(), r.toString());
        Path root = dir.resolve("data").toAbsolutePath().normalize();
        assertTrue(r.err().contains("data root " + root + " is already used by a running nvr (pid " + server.pid() + ")"
                + "; stop it first"), r.toString());
        // one lock per root, the store's: no second lock file of the CLI's own
        assertTrue(Files.exists(root.resolve("lock")), "the store's lock file");
        assertFalse(Files.exists(root.resolve("nvr.lock")), "a second lock file beside the store's");
    }

    @Test
    @Order(8)
    void sipIsUpWithDigestAuthInTheConfiguredRealm() throws Exception {
        int sipPort = nvr.cli.config.ConfigLoader.load(cfg).sip().port();
        try (java.net.DatagramSocket udp = new java.net.DatagramSocket(0, java.net.InetAddress.getLoopbackAddress())) {
            udp.setSoTimeout(10_000);
            int me = udp.getLocalPort();
            String register = "REGISTER sip:34020000002000000001@3402000000 SIP/2.0\r\n"
                    + "Via: SIP/2.0/UDP 127.0.0.1:" + me + ";rport;branch=z9hG4bK-cli-test-1\r\n"
                    + "From: <sip:34020000001320000009@3402000000>;tag=cli1\r\n"
                    + "To: <sip:34020000001320000009@3402000000>\r\n"
                    + "Call-ID: cli-test-1@127.0.0.1\r\n"
                    + "CSeq: 1 REGISTER\r\n"
                    + "Contact: <sip:34020000001320000009@127.0.0.1:" + me + ">\r\n"
                    + "Max-Forwards: 70\r\nExpires: 3600\r\nContent-Length: 0\r\n\r\n";
            byte[] b = register.getBytes(StandardCharsets.US_ASCII);
            udp.send(new java.net.DatagramPacket(b, b.length, java.net.InetAddress.getLoopbackAddress(), sipPort));
            java.net.DatagramPacket resp = new java.net.DatagramPacket(new byte[4096], 4096);
            udp.receive(resp);
            String answer = new String(resp.getData(), 0, resp.getLength(), StandardCharsets.US_ASCII);
            assertTrue(answer.startsWith("SIP/2.0 401"), answer);
            assertTrue(answer.contains("realm=\"3402000000\""), answer);
        }
    }

    @Test
    @Order(9)
    void metricsArePrometheusTextWithJvmAndNvrMeters() throws Exception {
        HttpResponse<String> m = http("/metrics");
        assertEquals(200, m.statusCode());
        assertTrue(m.body().contains("jvm_memory_used_bytes"), "JVM metrics missing");
        assertTrue(m.body().lines().anyMatch(l -> l.startsWith("nvr_")), "nvr meters missing");
        assertEquals(401, HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + adminPort + "/api/cameras")).build(), HttpResponse.BodyHandlers.ofString()).statusCode(),
                "the admin API needs the token");
    }
}
