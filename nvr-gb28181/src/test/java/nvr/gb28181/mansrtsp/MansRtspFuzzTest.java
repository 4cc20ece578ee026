package nvr.gb28181.mansrtsp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import nvr.gb28181.WireFormatException;
import org.junit.jupiter.api.Test;

/** Mutation fuzz: any byte string either parses or throws WireFormatException; nothing else escapes. */
class MansRtspFuzzTest {
    private static final String[] SEEDS = {
        "PLAY RTSP/1.0\r\nCSeq: 2\r\nScale: 4.0\r\nRange: npt=12.5-30\r\n\r\n",
        "PLAY RTSP/1.0\r\nCSeq: 3\r\nRange: npt=now-\r\n\r\n",
        "PAUSE RTSP/1.0\r\nCSeq: 4\r\nPauseTime: now\r\n\r\n",
        "TEARDOWN RTSP/1.0\r\nCSeq: 5\r\n\r\n",
        "PLAY RTSP/1.0\r\nCSeq: 6\r\nRange: npt=0:01:02.5-\r\n\r\n",
    };
    private static final byte[] INTERESTING = "-:.=eE+0123456789 \r\n\tnowNPTnpt".getBytes(StandardCharsets.US_ASCII);

    @Test
    void mutatedInputsOnlyEverThrowTypedError() {
        int n = "quick".equals(System.getProperty("nvr.test.profile")) ? 10_000 : 100_000;
        SplittableRandom rnd = new SplittableRandom(28181);
        int parsed = 0;
        int rejected = 0;
        for (int i = 0; i < n; i++) {
            byte[] input = mutate(SEEDS[rnd.nextInt(SEEDS.length)].getBytes(StandardCharsets.US_ASCII), rnd);
            try {
                MansRtspRequest r = MansRtspParser.parse(input);
                assertTrue(r.cseq() >= 0);
                if (r.hasScale()) {
                    assertTrue(r.scale() > 0 && r.scale() <= 64);
                }
                parsed++;
            } catch (WireFormatException e) {
                assertEquals("mansrtsp", e.format());
                rejected++;
            }
        }
        assertTrue(parsed > n / 100, "mutations too destructive to exercise the parser: " + parsed);
        assertTrue(rejected > n / 100, "mutations never rejected: " + rejected);
    }

    private static byte[] mutate(byte[] seed, SplittableRandom rnd) {
        byte[] b = seed.clone();
        int edits = 1 + rnd.nextInt(4);
        for (int e = 0; e < edits; e++) {
            int kind = rnd.nextInt(6);
            if (b.length == 0) {
                return new byte[] {(byte) rnd.nextInt(256)};
            }
            int pos = rnd.nextInt(b.length);
            switch (kind) {
                case 0 -> b[pos] = (byte) rnd.nextInt(256);
                case 1 -> b[pos] = INTERESTING[rnd.nextInt(INTERESTING.length)];
                case 2 -> { // delete a run
                    int len = Math.min(b.length - pos, 1 + rnd.nextInt(8));
                    byte[] c = new byte[b.length - len];
                    System.arraycopy(b, 0, c, 0, pos);
                    System.arraycopy(b, pos + len, c, pos, b.length - pos - len);
                    b = c;
                }
                case 3 -> { // duplicate a run (grows toward the size limits)
                    int len = Math.min(b.length - pos, 1 + rnd.nextInt(64));
                    byte[] c = new byte[b.length + len * (1 + rnd.nextInt(80))];
                    System.arraycopy(b, 0, c, 0, pos + len);
                    int at = pos + len;
                    while (at + len <= c.length - (b.length - pos - len)) {
                        System.arraycopy(b, pos, c, at, len);
                        at += len;
                    }
                    System.arraycopy(b, pos + len, c, c.length - (b.length - pos - len), b.length - pos - len);
                    b = c;
                }
                case 4 -> { // truncate
                    byte[] c = new byte[pos];
                    System.arraycopy(b, 0, c, 0, pos);
                    b = c;
                }
                default -> { // random bytes
                    byte[] c = new byte[rnd.nextInt(64)];
                    for (int k = 0; k < c.length; k++) {
                        c[k] = (byte) rnd.nextInt(256);
                    }
                    b = c;
                }
            }
        }
        return b;
    }
}
