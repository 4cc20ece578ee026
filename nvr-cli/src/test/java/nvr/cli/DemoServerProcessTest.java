package nvr.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
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
    static Path cfg;
    static Path log;
    static Process server;
    static int adminPort;
    static long startedMs;

    @BeforeAll
    static void startDemo() throws Exception {
        adminPort = NvrProcess.freeTcpPort();
        cfg = NvrProcess.writeConfig(dir, adminPort, "");
        log = dir.resolve("serve.log");
        startedMs = System.currentTimeMillis();
        server = NvrProcess.start(dir, log, "serve", "--demo", "--config", cfg.toString());
        long deadline = System.currentTimeMillis() + 90_000;
        while (true) {
            if (!server.isAlive()) {
                fail("nvr serve --demo exited with " + server.exitValue() + ":\n" + Files.readString(log));
            }
            if (status("/health") == 200) {
                break;
            }
            if (System.currentTimeMillis() > deadline) {
                fail("/health not 200 within 90 s:\n" + Files.readString(log));
            }
            Thread.sleep(300);
        }
    }

    @AfterAll
    static void stop() throws Exception {
        if (server == null) {
            return;
        }
        server.destroy(); // SIGTERM
        boolean exited = server.waitFor(60, TimeUnit.SECONDS);
        String text = Files.readString(log);
        if (!exited) {
            server.destroyForcibly();
        }
        assertTrue(exited, "serve did not stop within 60 s of SIGTERM:\n" + text);
        assertTrue(text.contains("storage flushed, fsynced and closed"), "graceful shutdown must flush storage:\n" + text);
        assertFalse(text.contains("\tat "), "no stack traces in the server log:\n" + text);
        // after the stop, admin commands say how to start the server
        NvrProcess.Result r = NvrProcess.run(dir, "verify", "--config", cfg.toString());
        assertEquals(1, r.exit(), r.toString());
        assertTrue(r.err().contains("start it with: bin/nvr serve --config"), r.toString());
    }

    /** GET on the admin listener without a token; status -1 when nothing answers yet. */
    static HttpResponse<String> http(String path) throws InterruptedException, IOException {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + adminPort + path))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    static int status(String path) throws InterruptedException {
        try {
            return http(path).statusCode();
        } catch (IOException e) {
            return -1;
        }
    }

    static NvrProcess.Result nvr(String... args) throws Exception {
        String[] all = new String[args.length + 2];
        System.arraycopy(args, 0, all, 0, args.length);
        all[args.length] = "--config";
        all[args.length + 1] = cfg.toString();
        return NvrProcess.run(dir, all);
    }

    static Object json(NvrProcess.Result r) {
        assertEquals(0, r.exit(), r.toString());
        return Json.parse(r.out());
    }

    /** Re-runs a JSON command until {@code ok} holds (the demo needs a few seconds to reach a state). */
    static Object until(Predicate<Object> ok, int seconds, String... args) throws Exception {
        long deadline = System.currentTimeMillis() + seconds * 1000L;
        Object last;
        do {
            last = json(nvr(args));
            if (ok.test(last)) {
                return last;
            }
            Thread.sleep(1000);
        } while (System.currentTimeMillis() < deadline);
        fail("nvr " + String.join(" ", args) + " never satisfied the condition; last: " + Json.write(last)
                + "\nserver log:\n" + Files.readString(log));
        return null;
    }

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> rows(Object o) {
        return (List<Map<String, Object>>) o;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> obj(Object o) {
        return (Map<String, Object>) o;
    }

    @Test
    @Order(1)
    void camerasListJsonShowsTheDemoCamerasReceiving() throws Exception {
        Object cams = until(o -> rows(o).stream().filter(c -> DEMO.contains(c.get("id")))
                .filter(c -> "receiving".equals(c.get("state"))).count() == 3, 45, "cameras", "list", "--json");
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
        try (var files = Files.list(dir.resolve("data/audit"))) {
            String audit = String.join("\n", files.map(f -> {
                try {
                    return Files.readString(f);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }).toList());
            assertTrue(audit.lines().anyMatch(l -> l.contains("\"action\":\"export\"") && l.contains(who) && l.contains(LOBBY)),
                    "export of " + LOBBY + " by " + who + " not in the audit log:\n" + audit);
        }
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
        assertTrue(r.err().contains("is already used by a running nvr (pid " + server.pid() + ")"), r.toString());
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
