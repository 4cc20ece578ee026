package nvr.gb28181.nal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import nvr.gb28181.media.Codec;

/**
 * Annex-B (ITU-T H.264/H.265 Annex B) start-code search and NAL header classification: which NAL types
 * start a new access unit, which make an access unit a keyframe. Pure functions over byte arrays.
 */
public final class NalUnits {
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private NalUnits() {
    }

    public static final int H264_SLICE = 1;
    public static final int H264_IDR = 5;
    public static final int H264_SEI = 6;
    public static final int H264_SPS = 7;
    public static final int H264_PPS = 8;
    public static final int H264_AUD = 9;

    public static final int H265_IRAP_FIRST = 16;
    public static final int H265_IRAP_LAST = 23; // 22, 23 are reserved IRAP types
    public static final int H265_VPS = 32;
    public static final int H265_SPS = 33;
    public static final int H265_PPS = 34;
    public static final int H265_AUD = 35;

    /**
     * Index of the first {@code 00 00 01} at or after {@code from} whose last byte is before {@code to},
     * or -1. The returned index points at the first zero (a 4-byte start code's leading zero is at index-1).
     */
    public static int findStartCode(byte[] a, int from, int to) {
        // Word at a time: entropy-coded slice data has a zero byte in ~3% of 8-byte words and a start code only
        // at NAL boundaries. A word without a zero byte cannot hold a start code's first byte, so it is skipped
        // whole (16 bytes per step); at a word with one, the first zero's position is computed (the lowest flagged
        // byte of the SWAR test is always a true zero) and tested, and the scan resumes right after it.
        int i = Math.max(from, 0);
        int last = to - 3; // the last index a start code can begin at
        while (i <= to - 16) {
            long m1 = zeroBytes((long) LONGS.get(a, i));
            long m2 = zeroBytes((long) LONGS.get(a, i + 8));
            if ((m1 | m2) == 0) {
                i += 16;
                continue;
            }
            int z = m1 != 0 ? i + (Long.numberOfTrailingZeros(m1) >>> 3) : i + 8 + (Long.numberOfTrailingZeros(m2) >>> 3);
            if (z > last) {
                return -1; // bytes before z are not zero and a start code cannot begin at z or later
            }
            if (a[z + 1] == 0 && a[z + 2] == 1) {
                return z;
            }
            i = z + 1;
        }
        while (i <= to - 8) {
            long m = zeroBytes((long) LONGS.get(a, i));
            if (m == 0) {
                i += 8;
                continue;
            }
            int z = i + (Long.numberOfTrailingZeros(m) >>> 3);
            if (z > last) {
                return -1;
            }
            if (a[z + 1] == 0 && a[z + 2] == 1) {
                return z;
            }
            i = z + 1;
        }
        for (; i <= last; i++) {
            if (a[i] == 0 && a[i + 1] == 0 && a[i + 2] == 1) {
                return i;
            }
        }
        return -1;
    }

    /**
     * High bit set in each byte of {@code v} that is zero, plus possibly in bytes above a zero byte (a borrow);
     * the lowest set bit always marks a true zero. 0 when no byte is zero.
     */
    private static long zeroBytes(long v) {
        return (v - 0x0101010101010101L) & ~v & 0x8080808080808080L;
    }

    /** NAL unit type from the first header byte (H.264) or the first two (H.265). */
    public static int nalType(Codec codec, byte header0) {
        return codec == Codec.H265 ? (header0 >> 1) & 0x3F : header0 & 0x1F;
    }

    public static boolean isVcl(Codec codec, int type) {
        return codec == Codec.H265 ? type < 32 : type >= 1 && type <= 5;
    }

    /** True for a NAL whose presence makes its access unit one a decoder can start from (IDR / IRAP). */
    public static boolean isKeyNal(Codec codec, int type) {
        return codec == Codec.H265 ? type >= H265_IRAP_FIRST && type <= H265_IRAP_LAST : type == H264_IDR;
    }

    /**
     * Whether the NAL at {@code nal} (its header byte; {@code end} exclusive) begins a new access unit,
     * given that the current access unit already holds a VCL NAL. Parameter sets, AUD and prefix SEI
     * always do (H.264 7.4.1.2.3, H.265 7.4.2.4.4); a slice does when it is its picture's first
     * (first_mb_in_slice == 0, first_slice_segment_in_pic_flag == 1). Too few bytes to tell: false.
     */
    public static boolean startsAccessUnit(Codec codec, byte[] a, int nal, int end) {
        if (nal >= end) {
            return false;
        }
        if (codec == Codec.H265) {
            int t = (a[nal] >> 1) & 0x3F;
            if (t < 32) {
                return nal + 2 < end && (a[nal + 2] & 0x80) != 0;
            }
            return t <= 35 || t == 39 || (t >= 41 && t <= 44) || (t >= 48 && t <= 55);
        }
        int t = a[nal] & 0x1F;
        if (t == 1 || t == 2 || t == 5) {
            return nal + 1 < end && (a[nal + 1] & 0x80) != 0; // ue(v) first_mb_in_slice == 0 is the bit '1'
        }
        return t == H264_SEI || t == H264_SPS || t == H264_PPS || t == H264_AUD || (t >= 14 && t <= 18);
    }

    /** True when an Annex-B access unit contains an IDR (H.264) or IRAP (H.265) slice. Parameter sets alone are not enough. */
    public static boolean isKeyframe(Codec codec, byte[] a, int off, int len) {
        int end = off + len;
        int sc = findStartCode(a, off, end);
        while (sc >= 0) {
            int nal = sc + 3;
            if (nal < end && isKeyNal(codec, nalType(codec, a[nal]))) {
                return true;
            }
            sc = findStartCode(a, nal, end);
        }
        return false;
    }

    /**
     * Splits a whole Annex-B elementary stream (a clip, a file) into access units by the same rules the
     * demuxer uses: a new unit starts at a parameter set / AUD / prefix SEI or a picture's first slice once
     * the current unit holds a slice; a 4-byte start code's leading zero goes with the unit it starts.
     * Bytes before the first start code are dropped. For streaming input use the PS demuxer instead.
     */
    public static java.util.List<byte[]> splitAccessUnits(Codec codec, byte[] a, int off, int len) {
        java.util.List<byte[]> units = new java.util.ArrayList<>();
        int end = off + len;
        int sc = findStartCode(a, off, end);
        int start = sc > off && a[sc - 1] == 0 ? sc - 1 : sc;
        boolean hasVcl = false;
        while (sc >= 0) {
            int nal = sc + 3;
            if (hasVcl && startsAccessUnit(codec, a, nal, end)) {
                int cut = sc > start && a[sc - 1] == 0 ? sc - 1 : sc;
                units.add(java.util.Arrays.copyOfRange(a, start, cut));
                start = cut;
                hasVcl = false;
            }
            if (nal < end && isVcl(codec, nalType(codec, a[nal]))) {
                hasVcl = true;
            }
            sc = findStartCode(a, nal, end);
        }
        if (start >= 0 && start < end && hasVcl) {
            units.add(java.util.Arrays.copyOfRange(a, start, end));
        }
        return units;
    }

    /** Calls {@code visitor} for each NAL (header byte offset, end exclusive without trailing zeros) in an Annex-B buffer. */
    public static void forEachNal(byte[] a, int off, int len, NalVisitor visitor) throws nvr.gb28181.WireFormatException {
        int end = off + len;
        int sc = findStartCode(a, off, end);
        while (sc >= 0) {
            int nal = sc + 3;
            int next = findStartCode(a, nal, end);
            int nalEnd = next < 0 ? end : next;
            while (nalEnd > nal && a[nalEnd - 1] == 0) {
                nalEnd--; // trailing_zero_8bits / the next 4-byte start code's leading zero
            }
            if (nalEnd > nal) {
                visitor.nal(a, nal, nalEnd);
            }
            sc = next;
        }
    }

    /** Receives one NAL unit: {@code a[start]} is its header, {@code end} is exclusive. */
    @FunctionalInterface
    public interface NalVisitor {
        void nal(byte[] a, int start, int end) throws nvr.gb28181.WireFormatException;
    }
}
