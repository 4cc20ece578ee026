package nvr.gb28181.mansrtsp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import nvr.gb28181.WireFormatException;
import org.junit.jupiter.api.Test;

class MansRtspParserTest {
    private static MansRtspRequest parse(String s) throws WireFormatException {
        return MansRtspParser.parse(s.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void playWithRangeAndScale() throws Exception {
        MansRtspRequest r = parse("PLAY RTSP/1.0\r\nCSeq: 5\r\nScale: 4.0\r\nRange: npt=12.5-\r\n\r\n");
        assertEquals(MansRtspMethod.PLAY, r.method());
        assertEquals(5, r.cseq());
        assertEquals(4.0, r.scale());
        assertEquals(12.5, r.range().startSeconds());
        assertTrue(Double.isNaN(r.range().endSeconds()));
    }

    @Test
    void nptNotations() throws Exception {
        assertTrue(parse("PLAY RTSP/1.0\r\nCSeq: 1\r\nRange: npt=now-\r\n").range().startIsNow());
        assertEquals(100, parse("PLAY RTSP/1.0\nCSeq: 1\nRange: npt=100-\n").range().startSeconds());
        assertEquals(100, parse("PLAY RTSP/1.0\nCSeq: 1\nRange: npt=100.000-\n").range().startSeconds());
        assertEquals(120, parse("PLAY RTSP/1.0\nCSeq: 1\nRange: npt=1.2E2-\n").range().startSeconds());
        assertEquals(0.5, parse("PLAY RTSP/1.0\nCSeq: 1\nrange: NPT=.5-\n").range().startSeconds());
        assertEquals(3723.5, parse("PLAY RTSP/1.0\nCSeq: 1\nRange: npt=1:02:03.5-\n").range().startSeconds());
        NptRange closed = parse("PLAY RTSP/1.0\nCSeq: 1\nRange: npt=10-20.25\n").range();
        assertEquals(20.25, closed.endSeconds());
    }

    @Test
    void scalesGbtUses() throws Exception {
        for (String s : new String[] {"0.25", "0.5", "1", "1.0", "2", "4", "8"}) {
            assertEquals(Double.parseDouble(s), parse("PLAY RTSP/1.0\r\nCSeq: 2\r\nScale: " + s + "\r\n").scale());
        }
    }

    @Test
    void pauseAndResumeAndTeardown() throws Exception {
        MansRtspRequest pause = parse("PAUSE RTSP/1.0\r\nCSeq: 3\r\nPauseTime: now\r\n\r\n");
        assertEquals(MansRtspMethod.PAUSE, pause.method());
        assertTrue(pause.pauseNow());
        MansRtspRequest resume = parse("PLAY RTSP/1.0\r\nCSeq: 4\r\n\r\n");
        assertNull(resume.range());
        assertFalse(resume.hasScale());
        assertEquals(MansRtspMethod.TEARDOWN, parse("TEARDOWN RTSP/1.0\r\nCSeq: 9\r\n").method());
    }

    @Test
    void rejectsGarbageWithTypedError() {
        String[] bad = {
            "", "PLAY\r\nCSeq: 1\r\n", "PLAY HTTP/1.1\r\nCSeq: 1\r\n", "RECORD RTSP/1.0\r\nCSeq: 1\r\n",
            "PLAY RTSP/1.0\r\n", "PLAY RTSP/1.0\r\nCSeq: x\r\n", "PLAY RTSP/1.0\r\nCSeq: 99999999999\r\n",
            "PLAY RTSP/1.0\r\nCSeq: 1\r\nScale: 0\r\n", "PLAY RTSP/1.0\r\nCSeq: 1\r\nScale: -2\r\n",
            "PLAY RTSP/1.0\r\nCSeq: 1\r\nScale: NaN\r\n", "PLAY RTSP/1.0\r\nCSeq: 1\r\nScale: Infinity\r\n",
            "PLAY RTSP/1.0\r\nCSeq: 1\r\nRange: clock=20200101T000000Z-\r\n",
            "PLAY RTSP/1.0\r\nCSeq: 1\r\nRange: npt=20-10\r\n", "PLAY RTSP/1.0\r\nCSeq: 1\r\nRange: npt=-5\r\n",
            "PLAY RTSP/1.0\r\nCSeq: 1\r\nRange: npt=1e400-\r\n", "PLAY RTSP/1.0\r\nCSeq: 1\r\nRange: npt=1:99:00-\r\n",
            "PLAY RTSP/1.0\r\nCSeq: 1\r\nno colon here\r\n", "PLAY RTSP/1.0\r\nCSeq: 1\r\n\u0000\r\n",
            "PLAY RTSP/1.0\r\nCSeq: 1\r\n" + "X: y\r\n".repeat(40),
            "PLAY RTSP/1.0\r\nCSeq: 1\r\nX: " + "a".repeat(5000) + "\r\n",
        };
        for (String s : bad) {
            WireFormatException e = assertThrows(WireFormatException.class, () -> parse(s), s);
            assertEquals("mansrtsp", e.format());
        }
    }

    @Test
    void encodesAnswerWithRtpInfo() {
        String s = new String(MansRtspResponse.encode(200, "OK", 7, new MansRtspResponse.RtpInfo(65535, 0xFFFFFFFFL)),
            StandardCharsets.US_ASCII);
        assertEquals("RTSP/1.0 200 OK\r\nCSeq: 7\r\nRTP-Info: seq=65535;rtptime=4294967295\r\n\r\n", s);
    }
}
