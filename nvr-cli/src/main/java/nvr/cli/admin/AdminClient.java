package nvr.cli.admin;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.function.Consumer;
import nvr.cli.CliException;
import nvr.cli.config.NvrConfig;
import nvr.cli.output.Json;

/**
 * Talks to a running {@code nvr serve} over its loopback admin API with the token from the data root.
 * Every failure becomes a {@link CliException}: not running (exit 1, says how to start it), rejected
 * request (the server's one-line reason and exit code).
 */
public final class AdminClient {
    private final NvrConfig config;
    private final String base;
    private final HttpClient http;

    public AdminClient(NvrConfig config) {
        this.config = config;
        String host = config.admin().host().contains(":") ? "[" + config.admin().host() + "]" : config.admin().host();
        this.base = "http://" + host + ":" + config.admin().port();
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
    }

    public Object get(String path) {
        return Json.parse(send(request(path).GET().build()));
    }

    public Object post(String path, Map<String, ?> body) {
        return Json.parse(send(request(path).POST(HttpRequest.BodyPublishers.ofString(Json.write(body))).build()));
    }

    public Object delete(String path) {
        return Json.parse(send(request(path).DELETE().build()));
    }

    /**
     * POSTs and reads a line stream: {@code progress <0..1>} lines go to {@code progress}, the final
     * {@code result <json>} line is returned, an {@code error <exit> <message>} line is thrown.
     */
    public Object postStreaming(String path, Map<String, ?> body, Consumer<Double> progress) {
        HttpRequest req = request(path).timeout(Duration.ofHours(12))
                .POST(HttpRequest.BodyPublishers.ofString(Json.write(body))).build();
        HttpResponse<java.io.InputStream> resp = exchange(req, HttpResponse.BodyHandlers.ofInputStream());
        if (resp.statusCode() != 200) {
            try (var in = resp.body()) {
                throw rejected(resp.statusCode(), new String(in.readAllBytes(), StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw CliException.failed("the NVR closed the connection: " + e.getMessage());
            }
        }
        try (BufferedReader r = new BufferedReader(new InputStreamReader(resp.body(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                if (line.startsWith("progress ")) {
                    progress.accept(Double.parseDouble(line.substring(9).trim()));
                } else if (line.startsWith("result ")) {
                    return Json.parse(line.substring(7));
                } else if (line.startsWith("error ")) {
                    String rest = line.substring(6);
                    int sp = rest.indexOf(' ');
                    int code = sp > 0 && rest.substring(0, sp).matches("[12]") ? Integer.parseInt(rest.substring(0, sp)) : 1;
                    throw new CliException(code, sp > 0 ? rest.substring(sp + 1) : rest);
                }
            }
        } catch (IOException e) {
            throw CliException.failed("the NVR closed the connection during the operation: " + e.getMessage());
        }
        throw CliException.failed("the NVR ended the operation without a result; see its log");
    }

    private HttpRequest.Builder request(String path) {
        String token;
        try {
            token = TokenFile.read(config.firstRoot());
        } catch (IOException e) {
            throw CliException.failed("cannot read the admin token " + TokenFile.path(config.firstRoot()) + ": " + e.getMessage());
        }
        if (token == null) {
            throw notRunning("no admin token in " + config.firstRoot());
        }
        return HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofMinutes(10))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .header(AdminServer.USER_HEADER, System.getProperty("user.name", "unknown").replaceAll("[^A-Za-z0-9._@-]", "_"));
    }

    private String send(HttpRequest req) {
        HttpResponse<String> resp = exchange(req, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        if (resp.statusCode() != 200) {
            throw rejected(resp.statusCode(), resp.body());
        }
        return resp.body();
    }

    /** Sends {@code req}; an unreachable NVR or an interrupt becomes a one-line CliException. */
    private <T> HttpResponse<T> exchange(HttpRequest req, HttpResponse.BodyHandler<T> body) {
        try {
            return http.send(req, body);
        } catch (IOException e) {
            throw unreachable(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw CliException.failed("interrupted");
        }
    }

    private CliException unreachable(IOException e) {
        if (e instanceof ConnectException || e instanceof HttpConnectTimeoutException) {
            return notRunning("nothing answers on " + base);
        }
        if (e instanceof HttpTimeoutException) {
            return CliException.failed("the NVR on " + base + " did not answer in time; see its log");
        }
        return CliException.failed("cannot talk to the NVR on " + base + ": " + e);
    }

    private CliException notRunning(String why) {
        return CliException.failed("no NVR server is running for " + config.file() + " (" + why
                + "); start it with: bin/nvr serve --config " + config.file());
    }

    private static CliException rejected(int status, String body) {
        String msg = body;
        int code = status == 400 || status == 404 ? CliException.USAGE : CliException.FAILED;
        try {
            if (Json.parse(body) instanceof Map<?, ?> m && m.get("error") != null) {
                msg = String.valueOf(m.get("error"));
                if (m.get("exit") instanceof Number n) {
                    code = n.intValue();
                }
            }
        } catch (RuntimeException ignored) {
            // not JSON: show the body as the server sent it
        }
        if (status == 401) {
            return CliException.failed("the NVR rejected our admin token; is another nvr using this admin.listen port?");
        }
        return new CliException(code, msg);
    }
}
