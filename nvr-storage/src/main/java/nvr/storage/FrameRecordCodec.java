package nvr.storage;

import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/**
 * Encodes and checks the 24-byte header of a frame record (big-endian):
 * {@code magic u32 'NVRF' | payload length u32 | flags u8 | stream_type u8 | reserved u16 = 0 | time ms i64 |
 * crc32c u32}. The CRC covers header bytes 0..20 and the payload, so a torn or flipped record never passes.
 */
final class FrameRecordCodec {
    static final int MAGIC = 0x4E565246; // "NVRF"
    static final int HEADER_BYTES = 24;
    static final int FLAG_KEYFRAME = 1;
    /** Upper bound of one access unit; a length field above it is corruption, never an allocation size. */
    static final int MAX_PAYLOAD = 16 << 20;

    private FrameRecordCodec() {
    }

    /** Writes the header for payload into dst (position advanced by {@link #HEADER_BYTES}). */
    static void encodeHeader(ByteBuffer dst, long timeMs, boolean keyframe, int streamType, byte[] payload) {
        int start = dst.position();
        dst.putInt(MAGIC);
        dst.putInt(payload.length);
        dst.put((byte) (keyframe ? FLAG_KEYFRAME : 0));
        dst.put((byte) streamType);
        dst.putShort((short) 0);
        dst.putLong(timeMs);
        dst.putInt(crc(dst, start, payload));
    }

    private static int crc(ByteBuffer header, int start, byte[] payload) {
        CRC32C crc = new CRC32C();
        ByteBuffer covered = header.duplicate();
        covered.limit(start + 20).position(start);
        crc.update(covered);
        crc.update(payload, 0, payload.length);
        return (int) crc.getValue();
    }

    /** A parsed header; the CRC is checked separately once the payload is read. */
    record Header(int payloadLength, boolean keyframe, int streamType, long timeMs, int crc) {
        long recordBytes() {
            return HEADER_BYTES + (long) payloadLength;
        }
    }

    /**
     * Parses the {@link #HEADER_BYTES} bytes at h[0..]; throws {@link CorruptRecordException} when they cannot
     * start a record (so no length field is ever trusted before it is range-checked).
     */
    static Header decode(byte[] h) throws CorruptRecordException {
        ByteBuffer b = ByteBuffer.wrap(h, 0, HEADER_BYTES);
        if (b.getInt(0) != MAGIC) {
            throw new CorruptRecordException("bad frame magic");
        }
        int len = b.getInt(4);
        if (len < 0 || len > MAX_PAYLOAD) {
            throw new CorruptRecordException("frame length " + Integer.toUnsignedString(len) + " out of range");
        }
        int flags = b.get(8) & 0xff;
        if ((flags & ~FLAG_KEYFRAME) != 0 || b.getShort(10) != 0) {
            throw new CorruptRecordException("unknown frame flags");
        }
        return new Header(len, (flags & FLAG_KEYFRAME) != 0, b.get(9) & 0xff, b.getLong(12), b.getInt(20));
    }

    /** True when the stored CRC matches header bytes 0..20 and the payload. */
    static boolean crcMatches(byte[] h, Header header, byte[] payload) {
        CRC32C crc = new CRC32C();
        crc.update(h, 0, 20);
        crc.update(payload, 0, payload.length);
        return (int) crc.getValue() == header.crc();
    }

    /** As {@link #crcMatches(byte[], Header, byte[])} for a payload in a buffer (read, position unchanged). */
    static boolean crcMatches(byte[] h, Header header, ByteBuffer payload) {
        CRC32C crc = new CRC32C();
        crc.update(h, 0, 20);
        crc.update(payload.duplicate()); // intrinsic on heap and direct buffers
        return (int) crc.getValue() == header.crc();
    }

    /** A record that cannot be valid; the message says why, for reports. */
    static final class CorruptRecordException extends Exception {
        CorruptRecordException(String problem) {
            super(problem, null, false, false);
        }
    }
}
