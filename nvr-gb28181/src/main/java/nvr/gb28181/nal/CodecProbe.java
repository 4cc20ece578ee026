package nvr.gb28181.nal;

import nvr.gb28181.media.Codec;

/**
 * Guesses the codec of an elementary stream from its first bytes, for streams whose PSM is missing or
 * lies (H.265 labelled H.264, AAC labelled G.711 are common in the field). Video: the first NAL headers
 * that only one of H.264 / H.265 can produce; audio: an ADTS sync word with a consistent frame length.
 */
public final class CodecProbe {
    private CodecProbe() {
    }

    /** H.264 or H.265 when the Annex-B bytes say so unambiguously, else null (keep looking / trust the label). */
    public static Codec probeVideo(byte[] a, int off, int len) {
        int end = off + len;
        int sc = NalUnits.findStartCode(a, off, end);
        while (sc >= 0 && sc + 4 < end) {
            int h0 = a[sc + 3] & 0xFF;
            int h1 = a[sc + 4] & 0xFF;
            if ((h0 & 0x80) == 0) {
                int t265 = h0 >> 1;
                // H.265: nuh_layer_id 0, TemporalId 1..7 (byte 2 = 0x01..0x07); types an H.264 stream never starts with
                if ((h0 & 1) == 0 && h1 >= 1 && h1 <= 7
                        && (t265 == NalUnits.H265_VPS || t265 == NalUnits.H265_SPS || t265 == NalUnits.H265_PPS
                        || t265 == NalUnits.H265_AUD || t265 == 39 || (t265 >= 16 && t265 <= 21) || (t265 <= 9 && h1 == 1))) {
                    return Codec.H265;
                }
                int t264 = h0 & 0x1F;
                int ref = h0 >> 5;
                // every H.264 slice/IDR/SPS header byte is odd, i.e. an H.265 header with nuh_layer_id >= 32
                if (t264 == NalUnits.H264_SLICE || t264 == NalUnits.H264_SPS && ref != 0 || t264 == NalUnits.H264_PPS && ref != 0
                        || t264 == NalUnits.H264_AUD && ref == 0 || t264 == NalUnits.H264_IDR && ref != 0
                        || t264 == NalUnits.H264_SEI && ref == 0 && h1 != 1) {
                    return Codec.H264;
                }
            }
            sc = NalUnits.findStartCode(a, sc + 3, end);
        }
        return null;
    }

    /** True when the bytes start with an ADTS header (AAC) whose frame length fits a sane frame. */
    public static boolean looksLikeAdts(byte[] a, int off, int len) {
        if (len < 7 || (a[off] & 0xFF) != 0xFF || (a[off + 1] & 0xF6) != 0xF0) {
            return false;
        }
        int frameLen = (a[off + 3] & 0x03) << 11 | (a[off + 4] & 0xFF) << 3 | (a[off + 5] & 0xFF) >> 5;
        int sfi = (a[off + 2] >> 2) & 0x0F;
        return frameLen >= 7 && sfi < 13 && (frameLen == len || frameLen + 2 <= len && (a[off + frameLen] & 0xFF) == 0xFF);
    }
}
