package nvr.cli.admin;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;
import nvr.cli.output.Json;

/**
 * The admin HTTP API on {@code admin.listen} (loopback only). {@code /health} and {@code /metrics} are
 * open (loopback scrapers); everything under {@code /api/} needs {@code Authorization: Bearer <token>}.
 * Errors are {@code {"error": "...", "exit": 1|2}} so the CLI can exit with the right code.
 */
public final class AdminServer implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(AdminServer.class.getName());
    private static final int MAX_BODY = 64 * 1024;
    /** Who runs the CLI; audited with every footage access made through the API. */
    public static final String USER_HEADER = "X-Nvr-User";

    private final HttpServer http;
    private final ExecutorService pool;
    private final byte[] token;
    private final AdminBackend backend;
    private final Supplier<String> metrics;

    public AdminServer(InetSocketAddress listen, String token, AdminBackend backend, Supplier<String> metrics) throws IOException {
        this.token = token.getBytes(StandardCharsets.US_ASCII);
        this.backend = backend;
        this.metrics = metrics;
        this.http = HttpServer.create(listen, 16);
        this.pool = Executors.newFixedThreadPool(4, r -> {
            Thread t = new Thread(r, "admin-http");
            t.setDaemon(true);
            return t;
        });
        http.setExecutor(pool);
        http.createContext("/", this::handle);
    }

    public void start() {
        http.start();
    }

    public InetSocketAddress address() {
        return http.getAddress();
    }

    @Override
    public void close() {
        http.stop(0);
        pool.shutdownNow();
    }

    private void handle(HttpExchange ex) throws IOException {
        try {
            String path = ex.getRequestURI().getPath();
            String method = ex.getRequestMethod();
            if (path.equals("/health")) {
                boolean up = backend.ready();
                text(ex, up ? 200 : 503, up ? "ok\n" : "starting\n", "text/plain");
                return;
            }
            if (path.equals("/metrics")) {
                text(ex, 200, metrics.get(), "text/plain; version=0.0.4; charset=utf-8");
                return;
            }
            if (!path.startsWith("/api/")) {
                error(ex, 404, 2, "no such admin endpoint: " + path);
                return;
            }
            if (!authorized(ex)) {
                error(ex, 401, 1, "missing or wrong admin token");
                return;
            }
            route(ex, method, path.substring(4));
        } catch (AdminBackend.AdminException e) {
            error(ex, e.exit() == 2 ? 400 : 500, e.exit(), e.getMessage());
        } catch (BadRequest e) {
            error(ex, 400, 2, e.getMessage());
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "admin request " + ex.getRequestURI() + " failed: " + e, e);
            error(ex, 500, 1, "the NVR failed: " + e);
        } finally {
            ex.close(); // after the catch blocks: they still answer on this exchange
        }
    }

    private void route(HttpExchange ex, String method, String path) throws IOException {
        Map<String, String> q = query(ex);
        String who = "cli:" + caller(ex);
        switch (method + " " + path) {
            case "GET /cameras" -> json(ex, backend.cameras());
            case "GET /recordings" -> json(ex, backend.recordings(required(q, "camera"), time(q, "from"), time(q, "to")));
            case "GET /retention/status" -> json(ex, backend.retentionStatus());
            case "GET /retention/plan" -> json(ex, backend.retentionPlan());
            case "GET /holds" -> json(ex, backend.holds());
            case "POST /holds" -> {
                Map<String, Object> b = body(ex);
                String id = backend.createHold(str(b, "camera"), num(b, "fromMs"), num(b, "toMs"), str(b, "case"),
                        b.get("untilMs") == null ? 0 : num(b, "untilMs"), who);
                json(ex, Map.of("id", id));
            }
            case "POST /verify" -> json(ex, backend.verify());
            case "POST /export" -> export(ex, body(ex), who);
            default -> {
                if (method.equals("DELETE") && path.startsWith("/holds/")) {
                    String id = URLDecoder.decode(path.substring(7), StandardCharsets.UTF_8);
                    backend.releaseHold(id, who);
                    json(ex, Map.of("released", id));
                } else {
                    error(ex, 404, 2, "no such admin endpoint: " + method + " /api" + path);
                }
            }
        }
    }

    /** Streams {@code progress f} lines while the export runs, then one {@code result}/{@code error} line. */
    private void export(HttpExchange ex, Map<String, Object> b, String who) throws IOException {
        String camera = str(b, "camera");
        long from = num(b, "fromMs");
        long to = num(b, "toMs");
        Path out = Path.of(str(b, "out"));
        ex.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
        ex.sendResponseHeaders(200, 0);
        OutputStream os = ex.getResponseBody();
        String last;
        try {
            Map<String, Object> result = backend.export(camera, from, to, out, who, f -> {
                try {
                    os.write(String.format(java.util.Locale.ROOT, "progress %.4f%n", f).getBytes(StandardCharsets.US_ASCII));
                    os.flush();
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            last = "result " + Json.write(result);
        } catch (AdminBackend.AdminException e) {
            last = "error " + e.exit() + " " + e.getMessage();
        } catch (java.io.UncheckedIOException e) {
            return; // the client went away
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "export failed: " + e, e);
            last = "error 1 export failed: " + e;
        }
        os.write((last.replace('\n', ' ') + "\n").getBytes(StandardCharsets.UTF_8));
        os.flush();
    }

    /** The OS user the CLI runs as (it holds the token, so it is trusted as far as the token is), for the audit log. */
    private static String caller(HttpExchange ex) {
        String u = ex.getRequestHeaders().getFirst(USER_HEADER);
        return u != null && u.matches("[A-Za-z0-9._@-]{1,64}") ? u : "unknown";
    }

    private boolean authorized(HttpExchange ex) {
        String h = ex.getRequestHeaders().getFirst("Authorization");
        if (h == null || !h.startsWith("Bearer ")) {
            return false;
        }
        return MessageDigest.isEqual(token, h.substring(7).trim().getBytes(StandardCharsets.US_ASCII));
    }

    private static Map<String, String> query(HttpExchange ex) {
        Map<String, String> q = new LinkedHashMap<>();
        String raw = ex.getRequestURI().getRawQuery();
        if (raw != null) {
            for (String kv : raw.split("&")) {
                int eq = kv.indexOf('=');
                if (eq > 0) {
                    q.put(URLDecoder.decode(kv.substring(0, eq), StandardCharsets.UTF_8),
                            URLDecoder.decode(kv.substring(eq + 1), StandardCharsets.UTF_8));
                }
            }
        }
        return q;
    }

    private static String required(Map<String, String> q, String key) {
        String v = q.get(key);
        if (v == null || v.isEmpty()) {
            throw new BadRequest("missing parameter " + key);
        }
        return v;
    }

    private static long time(Map<String, String> q, String key) {
        String v = required(q, key);
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw new BadRequest(key + " must be epoch milliseconds, got " + v);
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> body(HttpExchange ex) throws IOException {
        byte[] b = ex.getRequestBody().readNBytes(MAX_BODY + 1);
        if (b.length > MAX_BODY) {
            throw new BadRequest("request body too large");
        }
        Object o;
        try {
            o = Json.parse(new String(b, StandardCharsets.UTF_8));
        } catch (RuntimeException e) {
            throw new BadRequest("request body is not JSON");
        }
        if (!(o instanceof Map)) {
            throw new BadRequest("request body must be a JSON object");
        }
        return (Map<String, Object>) o;
    }

    private static String str(Map<String, Object> b, String key) {
        if (!(b.get(key) instanceof String s) || s.isEmpty()) {
            throw new BadRequest("missing " + key);
        }
        return s;
    }

    private static long num(Map<String, Object> b, String key) {
        if (!(b.get(key) instanceof Number n)) {
            throw new BadRequest("missing " + key + " (epoch ms)");
        }
        return n.longValue();
    }

    private static void json(HttpExchange ex, Object value) throws IOException {
        text(ex, 200, Json.write(value) + "\n", "application/json");
    }

    private static void error(HttpExchange ex, int status, int exit, String message) throws IOException {
        text(ex, status, Json.write(Map.of("error", message, "exit", exit)) + "\n", "application/json");
    }

    private static void text(HttpExchange ex, int status, String body, String type) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", type);
        ex.sendResponseHeaders(status, b.length == 0 ? -1 : b.length);
        if (b.length > 0) {
            ex.getResponseBody().write(b);
        }
    }

    private static final class BadRequest extends RuntimeException {
        BadRequest(String message) {
            super(message, null, false, false);
        }
    }

    static List<String> endpoints() {
        return List.of("/health", "/metrics", "/api/cameras", "/api/recordings", "/api/retention/status",
                "/api/retention/plan", "/api/holds", "/api/export", "/api/verify");
    }
}
