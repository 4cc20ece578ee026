package nvr.playback;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * The test's own MPEG-PS reader (no production code): splits a program stream into its units in stream order, each
 * PES payload with its stream id, PTS and the SCR of its pack, and the entries of the PSMs. A frame split over several
 * PES packets (continuations carry no PTS) is one unit. Fails the test on anything malformed.
 */
final class PsUnits {
    /** One frame: stream id (0xE0 video, 0xC0 audio), 90 kHz PTS and SCR base, the payload bytes. */
    record Unit(int streamId, long pts, long scr, byte[] payload) {
        boolean audio() {
            return streamId == 0xC0;
        }
    }

    /** PSM elementary stream entry: stream_type and stream id. */
    record PsmEntry(int streamType, int streamId) {
    }

    record Parsed(List<Unit> units, List<PsmEntry> psm, int psmCount) {
        List<Unit> of(int streamId) {
            return units.stream().filter(u -> u.streamId() == streamId).toList();
        }
    }

    static Parsed parse(byte[] ps) {
        List<Unit> units = new ArrayList<>();
        List<PsmEntry> psm = new ArrayList<>();
        int psms = 0;
        long scr = -1;
        int id = -1;
        long pts = -1;
        long unitScr = -1;
        ByteArrayOutputStream payload = new ByteArrayOutputStream();
        int i = 0;
        while (i < ps.length) {
            assertTrue(i + 6 <= ps.length && ps[i] == 0 && ps[i + 1] == 0 && ps[i + 2] == 1, "start code at " + i);
            int sid = ps[i + 3] & 0xFF;
            if (sid == 0xBA) {
                scr = (((ps[i + 4] >> 3) & 0x07L) << 30) | ((ps[i + 4] & 0x03L) << 28) | ((ps[i + 5] & 0xFFL) << 20)
                    | (((ps[i + 6] >> 3) & 0x1FL) << 15) | ((ps[i + 6] & 0x03L) << 13) | ((ps[i + 7] & 0xFFL) << 5)
                    | ((ps[i + 8] >> 3) & 0x1FL);
                i += 14 + (ps[i + 13] & 0x07);
                continue;
            }
            int len = u16(ps, i + 4);
            if (sid == 0xBC) {
                psms++;
                psm.clear();
                int infoLen = u16(ps, i + 8);
                int mapStart = i + 10 + infoLen;
                int mapLen = u16(ps, mapStart);
                for (int e = mapStart + 2; e < mapStart + 2 + mapLen; ) {
                    psm.add(new PsmEntry(ps[e] & 0xFF, ps[e + 1] & 0xFF));
                    e += 4 + u16(ps, e + 2);
                }
            } else if (sid == 0xE0 || sid == 0xC0) {
                int header = 9 + (ps[i + 8] & 0xFF);
                boolean hasPts = (ps[i + 7] & 0x80) != 0;
                if (hasPts) {
                    if (id >= 0) {
                        units.add(new Unit(id, pts, unitScr, payload.toByteArray()));
                    }
                    payload.reset();
                    id = sid;
                    pts = (((ps[i + 9] >> 1) & 0x07L) << 30) | ((ps[i + 10] & 0xFFL) << 22) | (((ps[i + 11] & 0xFF) >> 1L) << 15)
                        | ((ps[i + 12] & 0xFFL) << 7) | ((ps[i + 13] & 0xFF) >> 1);
                    unitScr = scr;
                } else {
                    assertEquals(id, sid, "continuation PES of another stream at " + i);
                }
                payload.write(ps, i + header, 6 + len - header);
            } else {
                assertEquals(0xBB, sid, "unexpected stream id 0x" + Integer.toHexString(sid) + " at " + i);
            }
            i += 6 + len;
        }
        assertEquals(ps.length, i, "PS ends inside a packet");
        if (id >= 0) {
            units.add(new Unit(id, pts, unitScr, payload.toByteArray()));
        }
        return new Parsed(List.copyOf(units), List.copyOf(psm), psms);
    }

    private static int u16(byte[] b, int at) {
        return ((b[at] & 0xFF) << 8) | (b[at + 1] & 0xFF);
    }

    private PsUnits() {
    }
}
