package nvr.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real nvr process on bad input: exit 2 and exactly one stderr line; no server: exit 1 saying how to start it. */
class CliUsageProcessTest {
    @TempDir
    Path dir;

    private static void oneLineExit(NvrProcess.Result r, int exit, String contains) {
        assertEquals(exit, r.exit(), r.toString());
        assertEquals(1, r.errLines().size(), "exactly one stderr line expected: " + r);
        assertTrue(r.err().contains(contains), "stderr should say '" + contains + "': " + r);
        assertEquals("", r.out(), "nothing on stdout: " + r);
        assertTrue(!r.err().contains("Exception") && !r.err().contains("\tat "), "no JVM noise: " + r);
    }

    @Test
    void badArgumentsExitTwoWithOneLine() throws Exception {
        Path cfg = NvrProcess.writeConfig(dir, NvrProcess.freeTcpPort(), "");
        oneLineExit(NvrProcess.run(dir, "cameras", "list", "--bogus", "--config", cfg.toString()), 2, "Unknown option: '--bogus'");
        oneLineExit(NvrProcess.run(dir, "frobnicate"), 2, "frobnicate");
        oneLineExit(NvrProcess.run(dir, "recordings", "list", "--camera", "c1", "--from", "yesterday", "--config", cfg.toString()),
                2, "--from: 'yesterday' is not a time");
        oneLineExit(NvrProcess.run(dir, "recordings", "list", "--config", cfg.toString()), 2, "--camera");
        oneLineExit(NvrProcess.run(dir, "export", "--camera", "c1", "--config", cfg.toString()), 2, "--out");
        oneLineExit(NvrProcess.run(dir, "hold"), 2, "missing subcommand");
    }

    @Test
    void helpPrintsUsage() throws Exception {
        NvrProcess.Result r = NvrProcess.run(dir, "--help");
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.out().contains("Usage: nvr") && r.out().contains("retention"), r.toString());
        r = NvrProcess.run(dir, "export", "--help");
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.out().contains("--camera"), r.toString());
    }

    @Test
    void serverNotRunningExitsOneAndSaysHowToStartIt() throws Exception {
        Path cfg = NvrProcess.writeConfig(dir, NvrProcess.freeTcpPort(), "");
        NvrProcess.Result r = NvrProcess.run(dir, "cameras", "list", "--config", cfg.toString());
        oneLineExit(r, 1, "start it with: bin/nvr serve --config " + cfg);
        // a token left by an earlier run does not change the answer
        Files.createDirectories(dir.resolve("data"));
        Files.writeString(dir.resolve("data/admin.token"), "stale\n");
        oneLineExit(NvrProcess.run(dir, "--config", cfg.toString(), "retention", "status"), 1, "no NVR server is running");
    }

    @Test
    void badConfigExitsTwoNamingTheKey() throws Exception {
        Path cfg = NvrProcess.writeConfig(dir, NvrProcess.freeTcpPort(), "tiers: [{name: general, min-days: -3}]\n");
        oneLineExit(NvrProcess.run(dir, "serve", "--config", cfg.toString()), 2, "tiers[0].min-days: -3 is out of range; allowed: 1..3650");
        Files.writeString(cfg, Files.readString(cfg) .replace("tiers: [{name: general, min-days: -3}]", "sip: {prot: 5060}"));
        oneLineExit(NvrProcess.run(dir, "serve", "--config", cfg.toString()), 2, "duplicate key sip");
        Files.writeString(cfg, "storage:\n  rotos: [data]\n");
        oneLineExit(NvrProcess.run(dir, "serve", "--config", cfg.toString()), 2, "storage.rotos: unknown key; allowed here: roots");
        oneLineExit(NvrProcess.run(dir, "cameras", "list", "--config", cfg.toString()), 2, "storage.rotos");
        oneLineExit(NvrProcess.run(dir, "serve", "--config", dir.resolve("missing.yaml").toString()), 2, "no such config file");
    }
}
