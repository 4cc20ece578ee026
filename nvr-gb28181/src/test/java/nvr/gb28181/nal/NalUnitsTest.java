package nvr.gb28181.nal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import nvr.gb28181.media.Codec;
import org.junit.jupiter.api.Test;

class NalUnitsTest {
    static byte[] hex(String s) {
        return java.util.HexFormat.of().parseHex(s.replace(" ", ""));
    }

    @Test
    void iteratesNalsWithThreeAndFourByteStartCodes() throws Exception {
        byte[] au = hex("00000001 6742 000001 68ce 0000 000001 65888001 00");
        List<String> nals = new ArrayList<>();
        NalUnits.forEachNal(au, 0, au.length, (a, s, e) -> nals.add(NalUnitsTest.toHex(a, s, e)));
        assertEquals(List.of("6742", "68ce", "65888001"), nals);
        assertEquals(-1, NalUnits.findStartCode(hex("0000020000"), 0, 5));
        assertEquals(2, NalUnits.findStartCode(hex("ff00000001"), 0, 5));
    }

    @Test
    void wordAtATimeSearchAgreesWithANaiveOne() {
        java.util.Random r = new java.util.Random(1);
        for (int t = 0; t < 20_000; t++) {
            byte[] a = new byte[r.nextInt(64)];
            for (int i = 0; i < a.length; i++) {
                int k = r.nextInt(10);
                a[i] = (byte) (k < 4 ? 0 : k < 6 ? 1 : r.nextInt(256));
            }
            int from = a.length == 0 ? 0 : r.nextInt(a.length);
            int to = from + (a.length == from ? 0 : r.nextInt(a.length - from + 1));
            int naive = -1;
            for (int i = from; i + 3 <= to; i++) {
                if (a[i] == 0 && a[i + 1] == 0 && a[i + 2] == 1) {
                    naive = i;
                    break;
                }
            }
            assertEquals(naive, NalUnits.findStartCode(a, from, to), () -> "in " + toHex(a, 0, a.length));
        }
    }

    @Test
    void wordAtATimeSearchAgreesWithANaiveOneOnSliceLikeData() {
        // mostly non-zero bytes with rare zeros and start codes anywhere: the 16- and 8-byte strides, the first-zero
        // test at every offset of a word, and start codes straddling words and the end of the range
        java.util.Random r = new java.util.Random(2);
        for (int t = 0; t < 50_000; t++) {
            byte[] a = new byte[r.nextInt(300)];
            for (int i = 0; i < a.length; i++) {
                a[i] = (byte) (1 + r.nextInt(255));
                if (r.nextInt(40) == 0) {
                    a[i] = 0;
                }
            }
            for (int k = r.nextInt(3); k > 0 && a.length >= 3; k--) {
                int p = r.nextInt(a.length - 2);
                a[p] = 0;
                a[p + 1] = 0;
                a[p + 2] = (byte) (r.nextInt(4) == 0 ? 3 : 1);
            }
            int from = a.length == 0 ? 0 : r.nextInt(a.length);
            int to = from + (a.length == from ? 0 : r.nextInt(a.length - from + 1));
            int naive = -1;
            for (int i = from; i + 3 <= to; i++) {
                if (a[i] == 0 && a[i + 1] == 0 && a[i + 2] == 1) {
                    naive = i;
                    break;
                }
            }
            assertEquals(naive, NalUnits.findStartCode(a, from, to), () -> "in " + toHex(a, 0, a.length));
        }
    }

    static String toHex(byte[] a, int s, int e) {
        StringBuilder b = new StringBuilder();
        for (int i = s; i < e; i++) {
            b.append(String.format("%02x", a[i]));
        }
        return b.toString();
    }

    @Test
    void keyframesAreIdrOrIrapNotParameterSets() {
        assertTrue(NalUnits.isKeyframe(Codec.H264, hex("0000000167420000000168ce0000000165888000"), 0, 20));
        assertFalse(NalUnits.isKeyframe(Codec.H264, hex("0000000167420000000168ce00000001419a8000"), 0, 20), "SPS+PPS+P");
        assertTrue(NalUnits.isKeyframe(Codec.H265, hex("000000014001 000000014201 000000014401 000000012601af"), 0, 25));
        assertTrue(NalUnits.isKeyframe(Codec.H265, hex("000000012a01af"), 0, 7), "CRA is IRAP");
        assertFalse(NalUnits.isKeyframe(Codec.H265, hex("000000014001 000000014201 000000014401 000000010201d0"), 0, 25));
    }

    @Test
    void accessUnitStarts() {
        // H.264: first_mb_in_slice == 0 starts a picture; a later slice does not; SPS/AUD/SEI do
        assertTrue(NalUnits.startsAccessUnit(Codec.H264, hex("419a"), 0, 2));
        assertFalse(NalUnits.startsAccessUnit(Codec.H264, hex("411a"), 0, 2));
        assertTrue(NalUnits.startsAccessUnit(Codec.H264, hex("67"), 0, 1));
        assertTrue(NalUnits.startsAccessUnit(Codec.H264, hex("09"), 0, 1));
        assertFalse(NalUnits.startsAccessUnit(Codec.H264, hex("0c"), 0, 1), "filler data stays with its picture");
        // H.265: first_slice_segment_in_pic_flag; VPS/SPS/PPS/AUD/prefix SEI; suffix SEI (40) does not
        assertTrue(NalUnits.startsAccessUnit(Codec.H265, hex("0201d0"), 0, 3));
        assertFalse(NalUnits.startsAccessUnit(Codec.H265, hex("020150"), 0, 3));
        assertTrue(NalUnits.startsAccessUnit(Codec.H265, hex("4001"), 0, 2));
        assertTrue(NalUnits.startsAccessUnit(Codec.H265, hex("4e01"), 0, 2));
        assertFalse(NalUnits.startsAccessUnit(Codec.H265, hex("5001"), 0, 2));
    }

    @Test
    void probesTheCodecFromTheBytes() {
        assertEquals(Codec.H264, CodecProbe.probeVideo(hex("0000000167640028"), 0, 8));
        assertEquals(Codec.H264, CodecProbe.probeVideo(hex("0000000109f0 0000000165888000"), 0, 14));
        assertEquals(Codec.H264, CodecProbe.probeVideo(hex("00000001419a0000"), 0, 8), "a P slice");
        assertEquals(Codec.H265, CodecProbe.probeVideo(hex("0000000140010c01"), 0, 8));
        assertEquals(Codec.H265, CodecProbe.probeVideo(hex("000000012601af00"), 0, 8));
        assertEquals(Codec.H265, CodecProbe.probeVideo(hex("000000014601 50"), 0, 7), "H.265 AUD");
        assertNull(CodecProbe.probeVideo(hex("0102030405060708"), 0, 8));
        byte[] adts = hex("fff15080 01dffc 00000000000000"); // frame_length 14
        assertTrue(CodecProbe.looksLikeAdts(adts, 0, adts.length));
        assertFalse(CodecProbe.looksLikeAdts(adts, 0, 10), "ADTS frame longer than the PES");
        assertFalse(CodecProbe.looksLikeAdts(hex("d5d5d5d5d5d5d5d5"), 0, 8), "G.711 silence is not ADTS");
    }
}
