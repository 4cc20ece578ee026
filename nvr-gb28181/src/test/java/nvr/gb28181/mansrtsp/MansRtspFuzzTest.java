package nvr.gb28181.mansrtsp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import nvr.gb28181.WireFormatException;
import nvr.gb28181.media.Mutator;
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
    private static final String[] TOKENS = {"-", ":", ".", "=", "e", "E", "+", "0", "9", " ", "\r\n", "\t", "now", "npt=",
        "Scale: ", "Range: ", "CSeq: ", "99999999999999999999", "1e309", "NaN", "-0"};

    @Test
    void mutatedInputsOnlyEverThrowTypedError() {
        int n = "quick".equals(System.getProperty("nvr.test.profile")) ? 10_000 : 100_000;
        Mutator m = new Mutator(28181, TOKENS);
        Random rnd = m.random();
        int parsed = 0;
        int rejected = 0;
        for (int i = 0; i < n; i++) {
            byte[] input = m.mutate(SEEDS[rnd.nextInt(SEEDS.length)].getBytes(StandardCharsets.US_ASCII));
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
}
