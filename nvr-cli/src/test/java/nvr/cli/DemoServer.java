package nvr.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import nvr.cli.output.Json;

/**
 * A running {@code nvr serve --demo} process for process tests: started on free ports with a test
 * config (plus the test's extra YAML), ready once /health answers 200; admin commands run as separate
 * {@code nvr} processes against it; stopped with SIGTERM and checked for a graceful, trace-free shutdown.
 */
final class DemoServer implements AutoCloseable {
    final Path dir;
    final Path cfg;
    final Path log;
    final Process process;
    final int adminPort;
    final long startedMs;

    private DemoServer(Path dir, Path cfg, Path log, Process process, int adminPort, long startedMs) {
        this.dir = dir;
        this.cfg = cfg;
        this.log = log;
        this.process = process;
        this.adminPort = adminPort;
        this.startedMs = startedMs;
    }

    /** Starts the demo server in {@code dir} and waits (90 s at most) for /health 200. */
    static DemoServer start(Path dir, String extraYaml) throws Exception {
        return start(dir, extraYaml, 50);
    }

    /** As above with a media.port-range of {@code mediaPorts} ports (the demo cameras take the top three). */
    static DemoServer start(Path dir, String extraYaml, int mediaPorts) throws Exception {
        int adminPort = NvrProcess.freeTcpPort();
        Path cfg = NvrProcess.writeConfig(dir, adminPort, extraYaml, mediaPorts);
        Path log = dir.resolve("serve.log");
        long startedMs = System.currentTimeMillis();
        Process p = NvrProcess.start(dir, log, "serve", "--demo", "--config", cfg.toString());
        DemoServer s = new DemoServer(dir, cfg, log, p, adminPort, startedMs);
        long deadline = System.currentTimeMillis() + 90_000;
        while (true) {
            if (!p.isAlive()) {
                fail("nvr serve --demo exited with " + p.exitValue() + ":\n" + s.logText());
            }
            if (s.status("/health") == 200) {
                return s;
            }
            if (System.currentTimeMillis() > deadline) {
                fail("/health not 200 within 90 s:\n" + s.logText());
            }
            Thread.sleep(300);
        }
    }

    String logText() throws IOException {
        return Files.readString(log);
    }

    /** GET on the admin listener without a token. */
    HttpResponse<String> http(String path) throws InterruptedException, IOException {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + adminPort + path))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Status of a GET; -1 when nothing answers yet. */
    int status(String path) throws InterruptedException {
        try {
            return http(path).statusCode();
        } catch (IOException e) {
            return -1;
        }
    }

    /** Runs {@code nvr <args> --config <cfg>} as a separate process. */
    NvrProcess.Result nvr(String... args) throws Exception {
        String[] all = new String[args.length + 2];
        System.arraycopy(args, 0, all, 0, args.length);
        all[args.length] = "--config";
        all[args.length + 1] = cfg.toString();
        return NvrProcess.run(dir, all);
    }

    Object json(String... args) throws Exception {
        NvrProcess.Result r = nvr(args);
        assertEquals(0, r.exit(), r.toString());
        return Json.parse(r.out());
    }

    /** Re-runs a JSON command until {@code ok} holds (the demo needs a few seconds to reach a state). */
    Object until(Predicate<Object> ok, int seconds, String... args) throws Exception {
        long deadline = System.currentTimeMillis() + seconds * 1000L;
        Object last;
        do {
            last = json(args);
            if (ok.test(last)) {
                return last;
            }
            Thread.sleep(1000);
        } while (System.currentTimeMillis() < deadline);
        fail("nvr " + String.join(" ", args) + " never satisfied the condition; last: " + Json.write(last)
                + "\nserver log:\n" + logText());
        return null;
    }

    /** Every audit line written so far (the JSON-lines files under the first data root's audit/). */
    List<String> auditLines() throws IOException {
        Path audit = dir.resolve("data/audit");
        if (!Files.isDirectory(audit)) {
            return List.of();
        }
        try (var files = Files.list(audit)) {
            return files.sorted().flatMap(f -> {
                try {
                    return Files.readAllLines(f).stream();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }).toList();
        }
    }

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> rows(Object o) {
        return (List<Map<String, Object>>) o;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> obj(Object o) {
        return (Map<String, Object>) o;
    }

    /** SIGTERM; asserts a stop within 60 s with storage flushed and no stack trace in the log. */
    @Override
    public void close() throws Exception {
        process.destroy();
        boolean exited = process.waitFor(60, TimeUnit.SECONDS);
        String text = logText();
        if (!exited) {
            process.destroyForcibly();
        }
        assertTrue(exited, "serve did not stop within 60 s of SIGTERM:\n" + text);
        assertTrue(text.contains("storage flushed, fsynced and closed"), "graceful shutdown must flush storage:\n" + text);
        assertFalse(text.contains("\tat "), "no stack traces in the server log:\n" + text);
    }
}
