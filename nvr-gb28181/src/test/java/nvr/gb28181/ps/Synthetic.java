package nvr.gb28181.ps;

import java.io.ByteArrayOutputStream;
import java.util.Random;
import nvr.gb28181.media.AccessUnit;
import nvr.gb28181.media.Codec;

/**
 * Builds syntactically plausible Annex-B access units (real parameter-set headers, slice NALs whose
 * first header bits mark a picture start, random start-code-free bodies) for demuxer tests. Test-only.
 */
final class Synthetic {
    /** SPS/PPS of an x264 320x240 25 fps stream. */
    static final byte[] H264_SPS = hex("6764000dacd94141fb0110000003001000000303 20f1429960");
    static final byte[] H264_PPS = hex("68ebe3cb22c0");
    static final byte[] H265_VPS = hex("40010c01ffff01600000030090000003000003003c959809");
    static final byte[] H265_SPS = hex("42010101600000030090000003000003003ca00a080f165959a4932bc05a020000030002000003003210");
    static final byte[] H265_PPS = hex("4401c172b46240");

    private final Codec codec;
    private final Random random;

    Synthetic(Codec codec, long seed) {
        this.codec = codec;
        this.random = new Random(seed);
    }

    /** A keyframe: parameter sets then an IDR (H.264) / IDR_W_RADL (H.265) slice of {@code size} body bytes. */
    AccessUnit keyframe(long pts, int size) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        if (codec == Codec.H265) {
            nal(b, H265_VPS);
            nal(b, H265_SPS);
            nal(b, H265_PPS);
            slice(b, new byte[] {0x26, 0x01}, size, true);
        } else {
            nal(b, H264_SPS);
            nal(b, H264_PPS);
            slice(b, new byte[] {0x65}, size, true);
        }
        return new AccessUnit(codec, pts, true, b.toByteArray());
    }

    /** A P-frame of {@code slices} slices; {@code withParameterSets} repeats SPS/PPS first (a vendor habit). */
    AccessUnit pframe(long pts, int size, int slices, boolean withParameterSets) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        if (withParameterSets) {
            if (codec == Codec.H265) {
                nal(b, H265_VPS);
                nal(b, H265_SPS);
                nal(b, H265_PPS);
            } else {
                nal(b, H264_SPS);
                nal(b, H264_PPS);
            }
        }
        for (int s = 0; s < slices; s++) {
            slice(b, codec == Codec.H265 ? new byte[] {0x02, 0x01} : new byte[] {0x41}, size / slices, s == 0);
        }
        return new AccessUnit(codec, pts, false, b.toByteArray());
    }

    /** A G.711 or AAC audio frame (AAC with a valid ADTS header). */
    AccessUnit audio(Codec audio, long pts, int size) {
        byte[] d = new byte[size];
        random.nextBytes(d);
        if (audio == Codec.AAC) {
            d[0] = (byte) 0xFF;
            d[1] = (byte) 0xF1;
            d[2] = (byte) 0x50; // AAC LC, 44.1 kHz
            d[3] = (byte) (0x80 | (size >> 11) & 0x03);
            d[4] = (byte) (size >> 3);
            d[5] = (byte) ((size & 7) << 5 | 0x1F);
            d[6] = (byte) 0xFC;
        }
        return new AccessUnit(audio, pts, true, d);
    }

    private static void nal(ByteArrayOutputStream b, byte[] nal) {
        b.writeBytes(new byte[] {0, 0, 0, 1});
        b.writeBytes(nal);
    }

    private void slice(ByteArrayOutputStream b, byte[] header, int size, boolean firstInPicture) {
        b.writeBytes(new byte[] {0, 0, 0, 1});
        b.writeBytes(header);
        byte[] body = new byte[Math.max(2, size)];
        for (int i = 0; i < body.length; i++) {
            body[i] = (byte) (1 + random.nextInt(255)); // no zero bytes: no accidental start codes
        }
        body[0] = (byte) (firstInPicture ? body[0] | 0x80 : body[0] & 0x7F | 0x01);
        b.writeBytes(body);
    }

    static byte[] hex(String s) {
        return java.util.HexFormat.of().parseHex(s.replace(" ", ""));
    }
}
