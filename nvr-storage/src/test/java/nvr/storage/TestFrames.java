package nvr.storage;

import java.util.Random;

/** Deterministic frame payloads: the content of (camera, seq) can be regenerated to check what is read back. */
final class TestFrames {
    private TestFrames() {
    }

    static byte[] payload(String camera, long seq, int maxLen) {
        Random r = new Random(camera.hashCode() * 1_000_003L + seq);
        byte[] b = new byte[16 + r.nextInt(maxLen)];
        r.nextBytes(b);
        // first 8 bytes carry seq so a mismatch message can say which frame it was
        for (int i = 0; i < 8; i++) {
            b[i] = (byte) (seq >>> (56 - 8 * i));
        }
        return b;
    }

    static long seqOf(byte[] payload) {
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v = (v << 8) | (payload[i] & 0xff);
        }
        return v;
    }
}
