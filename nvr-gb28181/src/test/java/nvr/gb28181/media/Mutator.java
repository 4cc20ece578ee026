package nvr.gb28181.media;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;

/**
 * Mutation fuzzing for the wire-format parsers: bit flips, byte overwrites (with bytes that matter to
 * these formats: 0x00, 0x01, 0xFF, 0xBA, 0xE0, length-ish values), truncation, insertion, duplication and
 * deletion of ranges. Deterministic per seed. Test-only.
 */
public final class Mutator {
    private static final byte[] INTERESTING = {0, 1, (byte) 0xFF, (byte) 0x80, (byte) 0xBA, (byte) 0xBB, (byte) 0xBC,
        (byte) 0xBD, (byte) 0xE0, (byte) 0xC0, 0x24, 0x7F, (byte) 0xFE, 0x40, 0x67, 0x65, 0x26, 0x03};

    private final Random r;
    private final byte[][] tokens; // format words spliced in by text-format fuzzers (SIP, SDP, MANSRTSP)

    public Mutator(long seed) {
        this(seed, new String[0]);
    }

    /** A mutator that also splices in {@code tokens} (ISO-8859-1) and repeats runs many times (toward size limits). */
    public Mutator(long seed, String... tokens) {
        r = new Random(seed);
        this.tokens = new byte[tokens.length][];
        for (int i = 0; i < tokens.length; i++) {
            this.tokens[i] = tokens[i].getBytes(StandardCharsets.ISO_8859_1);
        }
    }

    public Random random() {
        return r;
    }

    /** Inputs per parser: 100k in the full profile (the default), 5k with -Dnvr.test.profile=quick. */
    public static int iterations() {
        return "quick".equals(System.getProperty("nvr.test.profile", "full")) ? 5_000 : 100_000;
    }

    public byte[] mutate(byte[] seed) {
        byte[] d = seed.clone();
        int rounds = 1 + r.nextInt(r.nextInt(10) == 0 ? 40 : 4);
        for (int k = 0; k < rounds && d.length > 0; k++) {
            int i = r.nextInt(d.length);
            if (tokens.length > 0 && r.nextInt(4) == 0) {
                d = r.nextBoolean() ? splice(d, i, tokens[r.nextInt(tokens.length)]) : repeatRun(d, i);
                continue;
            }
            switch (r.nextInt(9)) {
                case 0 -> d[i] ^= (byte) (1 << r.nextInt(8));
                case 1 -> d[i] = INTERESTING[r.nextInt(INTERESTING.length)];
                case 2 -> d[i] = (byte) r.nextInt(256);
                case 3 -> d = Arrays.copyOf(d, i); // truncate
                case 4 -> { // insert random bytes
                    int n = 1 + r.nextInt(16);
                    byte[] e = new byte[d.length + n];
                    System.arraycopy(d, 0, e, 0, i);
                    for (int j = 0; j < n; j++) {
                        e[i + j] = r.nextBoolean() ? INTERESTING[r.nextInt(INTERESTING.length)] : (byte) r.nextInt(256);
                    }
                    System.arraycopy(d, i, e, i + n, d.length - i);
                    d = e;
                }
                case 5 -> { // delete a range
                    int n = Math.min(d.length - i, 1 + r.nextInt(64));
                    byte[] e = new byte[d.length - n];
                    System.arraycopy(d, 0, e, 0, i);
                    System.arraycopy(d, i + n, e, i, d.length - i - n);
                    d = e;
                }
                case 6 -> { // duplicate a range (repeated headers, replayed packets)
                    int n = Math.min(d.length - i, 1 + r.nextInt(256));
                    byte[] e = new byte[d.length + n];
                    System.arraycopy(d, 0, e, 0, i + n);
                    System.arraycopy(d, i, e, i + n, d.length - i);
                    d = e;
                }
                case 7 -> { // big-endian 16-bit field to an extreme (lengths)
                    if (i + 1 < d.length) {
                        int v = r.nextBoolean() ? 0xFFFF : r.nextInt(3);
                        d[i] = (byte) (v >> 8);
                        d[i + 1] = (byte) v;
                    }
                }
                default -> { // splice a start code in
                    if (i + 3 < d.length) {
                        d[i] = 0;
                        d[i + 1] = 0;
                        d[i + 2] = 1;
                        d[i + 3] = INTERESTING[r.nextInt(INTERESTING.length)];
                    }
                }
            }
        }
        return d;
    }

    private static byte[] splice(byte[] d, int at, byte[] insert) {
        byte[] e = new byte[d.length + insert.length];
        System.arraycopy(d, 0, e, 0, at);
        System.arraycopy(insert, 0, e, at, insert.length);
        System.arraycopy(d, at, e, at + insert.length, d.length - at);
        return e;
    }

    /** The run at {@code at} repeated up to 80 times: long lines and header floods for the size limits. */
    private byte[] repeatRun(byte[] d, int at) {
        byte[] run = Arrays.copyOfRange(d, at, Math.min(d.length, at + 1 + r.nextInt(64)));
        byte[] flood = new byte[run.length * (1 + r.nextInt(80))];
        for (int o = 0; o < flood.length; o += run.length) {
            System.arraycopy(run, 0, flood, o, run.length);
        }
        return splice(d, at, flood);
    }

    public static String hex(byte[] d) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < Math.min(d.length, 256); i++) {
            b.append(String.format("%02x", d[i]));
        }
        return b + (d.length > 256 ? "... (" + d.length + " bytes)" : "");
    }
}
