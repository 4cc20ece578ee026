package nvr.cli.config;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Mutates the shipped config (byte flips, token splices, line drops/duplicates, truncation) and parses
 * each result: it must load or fail with one {@link ConfigException} line; anything else is a bug.
 */
class ConfigFuzzTest {
    private static final String[] TOKENS = {"{", "}", "[", "]", ":", "-", "&a", "*a", "!!str", "!!binary", "!!set", "? ",
            "\"", "'", "|", ">", "#", "\t", "\n", "  ", "null", "~", "true", "-1", "99999999999999999999999", "0x1F",
            "1e999", ".nan", "2026-11-21", "<<: *a", "!!python/object", "!!java.io.File [x]", "%YAML 1.1\n---", "...", "\u0000", "\uFEFF"};

    @Test
    void mutatedConfigsFailTyped() throws Exception {
        byte[] seed = Files.readAllBytes(ConfigLoaderTest.DEFAULT);
        int n = "quick".equals(System.getProperty("nvr.test.profile")) ? 1_000 : 5_000;
        Random rnd = new Random(28181);
        int ok = 0;
        int rejected = 0;
        for (int i = 0; i < n; i++) {
            byte[] input = mutate(seed, rnd);
            try {
                ConfigLoader.parse("f.yaml", input, Path.of("/srv"));
                ok++;
            } catch (ConfigException e) {
                rejected++;
                assertFalse(e.getMessage().contains("\n"), "multi-line error for input #" + i + ": " + e.getMessage());
                assertTrue(e.getMessage().startsWith("f.yaml: "), e.getMessage());
            } catch (Throwable t) {
                fail("input #" + i + " escaped as " + t + ":\n" + new String(input, StandardCharsets.UTF_8), t);
            }
        }
        assertTrue(rejected > n / 4, "mutations too weak: only " + rejected + " rejected");
        assertTrue(ok > 0, "no mutation survived; the seed itself must load");
    }

    private static byte[] mutate(byte[] seed, Random rnd) {
        String s = new String(seed, StandardCharsets.UTF_8);
        int rounds = 1 + rnd.nextInt(4);
        for (int r = 0; r < rounds; r++) {
            int pos = s.isEmpty() ? 0 : rnd.nextInt(s.length());
            switch (rnd.nextInt(6)) {
                case 0 -> s = s.substring(0, pos) + TOKENS[rnd.nextInt(TOKENS.length)] + s.substring(pos);
                case 1 -> s = s.substring(0, pos) + s.substring(Math.min(s.length(), pos + 1 + rnd.nextInt(8)));
                case 2 -> {
                    String[] lines = s.split("\n", -1);
                    int l = rnd.nextInt(lines.length);
                    StringBuilder b = new StringBuilder();
                    for (int k = 0; k < lines.length; k++) {
                        if (k != l || rnd.nextBoolean()) {
                            b.append(lines[k]).append('\n');
                        }
                        if (k == l) {
                            b.append(lines[k]).append('\n');
                        }
                    }
                    s = b.toString();
                }
                case 3 -> s = s.substring(0, pos);
                case 4 -> {
                    byte[] b = s.getBytes(StandardCharsets.UTF_8);
                    if (b.length > 0) {
                        b[rnd.nextInt(b.length)] = (byte) rnd.nextInt(256);
                    }
                    return b;
                }
                default -> s = s.replaceFirst("[0-9]+", String.valueOf(rnd.nextLong() % 100_000));
            }
        }
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
