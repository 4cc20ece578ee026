package nvr.gb28181.ps;

import io.netty.buffer.ByteBuf;

/** CRC-32/MPEG-2 (poly 0x04C11DB7, init all ones, no reflection, no final xor) that ends a PSM. */
final class Crc32Mpeg {
    private static final int[] TABLE = new int[256];

    static {
        for (int i = 0; i < 256; i++) {
            int c = i << 24;
            for (int k = 0; k < 8; k++) {
                c = (c & 0x80000000) != 0 ? c << 1 ^ 0x04C11DB7 : c << 1;
            }
            TABLE[i] = c;
        }
    }

    private Crc32Mpeg() {
    }

    static int of(ByteBuf b, int from, int len) {
        int crc = 0xFFFFFFFF;
        for (int i = from; i < from + len; i++) {
            crc = crc << 8 ^ TABLE[(crc >>> 24 ^ b.getUnsignedByte(i)) & 0xFF];
        }
        return crc;
    }
}
