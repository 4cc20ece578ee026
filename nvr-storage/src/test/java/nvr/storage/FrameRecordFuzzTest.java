package nvr.storage;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import nvr.storage.audit.AuditEvent;
import nvr.storage.audit.AuditLineCodec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Mutation fuzzing of the two readers of untrusted bytes in this module: the frame record reader (segment files
 * after crashes or disk damage) and the audit line parser. Neither may throw an unchecked exception, allocate
 * by an unchecked length, or return something that was never written.
 */
class FrameRecordFuzzTest {
    private static final int RUNS = "quick".equals(System.getProperty("nvr.test.profile")) ? 5_000 : 100_000;
    @TempDir
    Path dir;

    private static byte[] validSegment(Random r, Set<String> written) {
        ByteBuffer b = ByteBuffer.allocate(1 << 16);
        b.put(SegmentReader.FILE_MAGIC);
        for (int i = 0; i < 12; i++) {
            byte[] p = new byte[r.nextInt(i == 0 ? 1 : 3000)];
            r.nextBytes(p);
            long ts = 1_700_000_000_000L + i * 40;
            boolean key = r.nextBoolean();
            int st = r.nextInt(256);
            FrameRecordCodec.encodeHeader(b, ts, key, st, p);
            b.put(p);
            written.add(describe(new FrameRecord(ts, key, st, p)));
        }
        return Arrays.copyOf(b.array(), b.position());
    }

    private static String describe(FrameRecord f) {
        return f.timeMs() + "/" + f.keyframe() + "/" + f.streamType() + "/" + Arrays.hashCode(f.payload()) + "/"
                + f.payload().length;
    }

    private static byte[] mutate(byte[] in, Random r) {
        byte[] b = in.clone();
        int n = 1 + r.nextInt(4);
        for (int i = 0; i < n && b.length > 0; i++) {
            switch (r.nextInt(6)) {
                case 0 -> b[r.nextInt(b.length)] ^= (byte) (1 << r.nextInt(8));
                case 1 -> b[r.nextInt(b.length)] = (byte) r.nextInt(256);
                case 2 -> b = Arrays.copyOf(b, r.nextInt(b.length));
                case 3 -> { // a random length field where a header may be
                    int at = r.nextInt(b.length);
                    for (int k = 0; k < 4 && at + k < b.length; k++) {
                        b[at + k] = (byte) r.nextInt(256);
                    }
                }
                case 4 -> { // insert random bytes
                    int at = r.nextInt(b.length);
                    byte[] ins = new byte[1 + r.nextInt(32)];
                    r.nextBytes(ins);
                    byte[] c = new byte[b.length + ins.length];
                    System.arraycopy(b, 0, c, 0, at);
                    System.arraycopy(ins, 0, c, at, ins.length);
                    System.arraycopy(b, at, c, at + ins.length, b.length - at);
                    b = c;
                }
                default -> { // a huge length in the first record's header
                    if (b.length > 16) {
                        ByteBuffer.wrap(b).putInt(12, r.nextBoolean() ? Integer.MAX_VALUE : -1 - r.nextInt(100));
                    }
                }
            }
        }
        return b;
    }

    @Test
    void frameReaderSurvivesMutatedSegments() throws IOException {
        Random r = new Random(42);
        Path f = dir.resolve("fuzz.seg");
        Set<String> written = new HashSet<>();
        byte[] valid = validSegment(r, written);
        int framesSeen = 0;
        int stoppedEarly = 0;
        for (int run = 0; run < RUNS; run++) {
            byte[] m = mutate(valid, r);
            try (SegmentReader rd = new SegmentReader(f, new ByteArraySource(m))) {
                rd.checkFileHeader();
                long off = SegmentReader.FILE_HEADER_BYTES;
                while (true) {
                    SegmentReader.Result res = rd.read(off, m.length);
                    if (res instanceof SegmentReader.Frame fr) {
                        if (!written.contains(describe(fr.frame()))) {
                            fail("run " + run + ": reader returned a frame that was never written at " + off);
                        }
                        framesSeen++;
                        off = fr.next();
                    } else {
                        stoppedEarly += res instanceof SegmentReader.Corrupt ? 1 : 0;
                        break;
                    }
                }
            } catch (RuntimeException e) {
                throw new AssertionError("run " + run + ": reader threw " + e, e);
            }
        }
        assertTrue(framesSeen > RUNS, "mutations should leave many valid frames: " + framesSeen);
        assertTrue(stoppedEarly > RUNS / 2, "most mutations must be detected: " + stoppedEarly);
    }

    @Test
    void auditLineParserSurvivesMutatedLines() {
        Random r = new Random(7);
        String valid = AuditLineCodec.encode(new AuditEvent(1_700_000_000_000L, "3402000000\"2000000001", "playback",
                "cam\\1", 1, 2, "x\ny\u0001"));
        if (!AuditLineCodec.decode(valid).equals(new AuditEvent(1_700_000_000_000L, "3402000000\"2000000001",
                "playback", "cam\\1", 1, 2, "x\ny\u0001"))) {
            fail("round trip");
        }
        for (int run = 0; run < RUNS; run++) {
            byte[] m = mutate(valid.getBytes(java.nio.charset.StandardCharsets.UTF_8), r);
            try {
                AuditLineCodec.decode(new String(m, java.nio.charset.StandardCharsets.UTF_8));
            } catch (RuntimeException e) {
                throw new AssertionError("run " + run + ": parser threw " + e, e);
            }
        }
        for (String s : List.of("", "{", "{}", "{\"atMs\":", "{\"atMs\":1,\"fromMs\":2,\"toMs\":3,\"who\":\"\\u12\"}",
                "{\"atMs\":99999999999999999999,\"fromMs\":2,\"toMs\":3}")) {
            AuditLineCodec.decode(s);
        }
    }
}
