package nvr.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * Runs the real {@code nvr} as a separate JVM (this module's classpath, {@code nvr.cli.Main}), the way
 * bin/nvr does with the fat jar; plus free loopback ports and test configs for it.
 */
final class NvrProcess {
    private NvrProcess() {
    }

    record Result(int exit, String out, String err) {
        List<String> errLines() {
            return err.isEmpty() ? List.of() : Arrays.asList(err.split("\\R"));
        }

        @Override
        public String toString() {
            return "exit " + exit + "\n--- stdout:\n" + out + "\n--- stderr:\n" + err;
        }
    }

    static List<String> command(String... args) {
        List<String> c = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx384m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xshare:auto",
                "-cp", System.getProperty("java.class.path"), "nvr.cli.Main"));
        c.addAll(List.of(args));
        return c;
    }

    /** Runs a command to completion (60 s at most). */
    static Result run(Path cwd, String... args) throws IOException, InterruptedException {
        Path out = Files.createTempFile("nvr-out", ".txt");
        Path err = Files.createTempFile("nvr-err", ".txt");
        try {
            Process p = new ProcessBuilder(command(args)).directory(cwd.toFile())
                    .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            boolean done = p.waitFor(60, TimeUnit.SECONDS);
            if (!done) {
                p.destroyForcibly();
            }
            assertTrue(done, "nvr " + String.join(" ", args) + " did not finish in 60 s");
            return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    /** Starts a long-running command (serve) with stdout and stderr to {@code log}. */
    static Process start(Path cwd, Path log, String... args) throws IOException {
        return new ProcessBuilder(command(args)).directory(cwd.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
    }

    static int freeTcpPort() throws IOException {
        try (ServerSocket s = new ServerSocket()) {
            s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            return s.getLocalPort();
        }
    }

    /** A port free for both UDP and TCP on all addresses (SIP listens on both). */
    static int freeUdpTcpPort() throws IOException {
        for (int i = 0; i < 100; i++) {
            int port = 20_000 + ThreadLocalRandom.current().nextInt(9_000);
            if (free(port)) {
                return port;
            }
        }
        throw new IOException("no free UDP+TCP port found");
    }

    /** The low end of a 50-port range whose ports are free now (RTP media). */
    /** The low end of a range of {@code size} ports whose top five (the demo cameras') are free now. */
    static int freeMediaRange(int size) throws IOException {
        for (int i = 0; i < 100; i++) {
            int low = 31_000 + ThreadLocalRandom.current().nextInt(280) * 100;
            boolean ok = true;
            for (int p = low + Math.max(0, size - 5); p < low + size && ok; p++) {
                ok = free(p);
            }
            if (ok) {
                return low;
            }
        }
        throw new IOException("no free media port range found");
    }

    private static boolean free(int port) {
        try (ServerSocket t = new ServerSocket(port); DatagramSocket u = new DatagramSocket(port)) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Writes a config with free ports and short segments into {@code dir}/nvr.yaml; returns its path. */
    static Path writeConfig(Path dir, int adminPort, String extraYaml) throws IOException {
        return writeConfig(dir, adminPort, extraYaml, 50);
    }

    /** @param mediaPorts size of media.port-range (at most 50) */
    static Path writeConfig(Path dir, int adminPort, String extraYaml, int mediaPorts) throws IOException {
        int low = freeMediaRange(mediaPorts);
        String yaml = "storage: {roots: [data], segment-max-seconds: 3, fsync-ms: 200}\n"
                + "sip: {port: " + freeUdpTcpPort() + ", advertise-ip: \"127.0.0.1\"}\n"
                + "media: {port-range: \"" + low + "-" + (low + mediaPorts - 1) + "\", bind: \"127.0.0.1\"}\n"
                + "admin: {listen: \"127.0.0.1:" + adminPort + "\"}\n"
                + extraYaml;
        Files.createDirectories(dir);
        Path file = dir.resolve("nvr.yaml");
        Files.writeString(file, yaml, StandardCharsets.UTF_8);
        return file;
    }
}
