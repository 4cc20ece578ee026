package nvr.gb28181.ps;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.ByteArrayOutputStream;

/** Hand-builds program streams, including the malformed and vendor-specific shapes real cameras send. Test-only. */
final class PsBuilder {
    private final ByteArrayOutputStream b = new ByteArrayOutputStream();

    /** MPEG-2 pack header with {@code stuffing} 0xFF stuffing bytes (Hikvision sends some). */
    PsBuilder pack(long scr, int stuffing) {
        ByteBuf t = Unpooled.buffer();
        t.writeInt(0x1BA);
        t.writeByte((int) (0x44 | (scr >> 27) & 0x38 | (scr >> 28) & 0x03));
        t.writeByte((int) (scr >> 20));
        t.writeByte((int) (((scr >> 12) & 0xF8) | 0x04 | (scr >> 13) & 0x03));
        t.writeByte((int) (scr >> 5));
        t.writeByte((int) (((scr << 3) & 0xF8) | 0x04));
        t.writeByte(0x01);
        t.writeMedium(0x0FFFFF);
        t.writeByte(0xF8 | stuffing);
        for (int i = 0; i < stuffing; i++) {
            t.writeByte(0xFF);
        }
        return raw(t);
    }

    PsBuilder systemHeader() {
        return raw(new byte[] {0, 0, 1, (byte) 0xBB, 0, 12, (byte) 0x80, 0x1E, (byte) 0xFF, (byte) 0xFE, (byte) 0xE1, (byte) 0x7F,
            (byte) 0xE0, (byte) 0xE0, (byte) 0xE8, (byte) 0xC0, (byte) 0xC0, 0x20});
    }

    /** A PSM mapping (stream_type, stream_id) pairs; {@code esInfoLength} is written for each entry, as is. */
    PsBuilder psm(int esInfoLength, int... typeIdPairs) {
        ByteBuf t = Unpooled.buffer();
        int entries = typeIdPairs.length / 2;
        int mapLen = 4 * entries;
        t.writeInt(0x1BC);
        t.writeShort(10 + mapLen);
        t.writeByte(0xE0);
        t.writeByte(0xFF);
        t.writeShort(0);
        t.writeShort(mapLen);
        for (int i = 0; i < entries; i++) {
            t.writeByte(typeIdPairs[2 * i]);
            t.writeByte(typeIdPairs[2 * i + 1]);
            t.writeShort(esInfoLength);
        }
        t.writeInt(0); // CRC: nobody checks it
        return raw(t);
    }

    /** A PES with an MPEG-2 header; {@code pts} < 0 for none; {@code lengthZero} writes PES_packet_length 0. */
    PsBuilder pes(int streamId, long pts, byte[] data, int off, int len, boolean lengthZero) {
        ByteBuf t = Unpooled.buffer();
        t.writeInt(0x100 | streamId);
        int hdl = pts >= 0 ? 5 : 0;
        t.writeShort(lengthZero ? 0 : 3 + hdl + len);
        t.writeByte(0x80);
        t.writeByte(pts >= 0 ? 0x80 : 0);
        t.writeByte(hdl);
        if (pts >= 0) {
            PsMuxer.writeTimestamp(t, 2, pts);
        }
        t.writeBytes(data, off, len);
        return raw(t);
    }

    PsBuilder pes(int streamId, long pts, byte[] data) {
        return pes(streamId, pts, data, 0, data.length, false);
    }

    /** A non-media packet (private stream 1 0xBD, padding 0xBE, ...) of {@code len} bytes, or length 0 + bytes. */
    PsBuilder other(int streamId, int len, boolean lengthZero) {
        ByteBuf t = Unpooled.buffer();
        t.writeInt(0x100 | streamId);
        t.writeShort(lengthZero ? 0 : len);
        for (int i = 0; i < len; i++) {
            t.writeByte(0x5A);
        }
        return raw(t);
    }

    PsBuilder raw(byte[] d) {
        b.writeBytes(d);
        return this;
    }

    private PsBuilder raw(ByteBuf t) {
        byte[] d = new byte[t.readableBytes()];
        t.readBytes(d);
        return raw(d);
    }

    byte[] bytes() {
        return b.toByteArray();
    }

    int size() {
        return b.size();
    }
}
