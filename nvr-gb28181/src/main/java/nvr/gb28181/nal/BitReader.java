package nvr.gb28181.nal;

import nvr.gb28181.WireFormatException;

/** Reads bits of an RBSP (emulation prevention already removed); running past the end is a typed error. */
final class BitReader {
    private final byte[] a;
    private final int end;
    private int bit; // invariant: absolute bit position, never past end * 8 after a successful read

    BitReader(byte[] a, int off, int len) {
        this.a = a;
        this.end = off + len;
        this.bit = off * 8;
    }

    int u(int n) throws WireFormatException {
        if (n == 0) {
            return 0;
        }
        if (bit + n > end * 8L) {
            throw new WireFormatException("nal", "parameter set ends early (needed " + n + " more bits)");
        }
        int v = 0;
        for (int i = 0; i < n; i++) {
            v = v << 1 | (a[bit >> 3] >> (7 - (bit & 7))) & 1;
            bit++;
        }
        return v;
    }

    long u32() throws WireFormatException {
        return (long) u(16) << 16 | u(16);
    }

    boolean flag() throws WireFormatException {
        return u(1) == 1;
    }

    void skip(int n) throws WireFormatException {
        if (bit + (long) n > end * 8L) {
            throw new WireFormatException("nal", "parameter set ends early (skipping " + n + " bits)");
        }
        bit += n;
    }

    /** Exp-Golomb ue(v), capped at 31 leading zeros. */
    int ue() throws WireFormatException {
        int zeros = 0;
        while (u(1) == 0) {
            if (++zeros > 31) {
                throw new WireFormatException("nal", "Exp-Golomb code longer than 32 bits");
            }
        }
        long v = (1L << zeros) - 1 + (zeros == 0 ? 0 : (zeros > 16 ? (long) u(zeros - 16) << 16 | u(16) : u(zeros)));
        if (v > Integer.MAX_VALUE) {
            throw new WireFormatException("nal", "Exp-Golomb value " + v + " out of range");
        }
        return (int) v;
    }

    int ue(int max, String what) throws WireFormatException {
        int v = ue();
        if (v > max) {
            throw new WireFormatException("nal", what + " = " + v + " exceeds " + max);
        }
        return v;
    }

    int se() throws WireFormatException {
        int k = ue();
        return (k & 1) == 1 ? (k + 1) / 2 : -(k / 2);
    }

    /** Copies a NAL's payload without emulation prevention bytes (00 00 03 -> 00 00); bounded by the input. */
    static int unescape(byte[] src, int off, int len, byte[] dst) {
        int n = 0;
        int zeros = 0;
        int max = Math.min(len, dst.length);
        for (int i = off; i < off + len && n < max; i++) {
            int b = src[i] & 0xFF;
            if (zeros >= 2 && b == 3) {
                zeros = 0;
                continue;
            }
            zeros = b == 0 ? zeros + 1 : 0;
            dst[n++] = (byte) b;
        }
        return n;
    }
}
