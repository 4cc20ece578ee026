package nvr.gb28181.rtp;

import io.netty.buffer.ByteBuf;

/** Writes RTP packets (RFC 3550) and the RFC 4571 length prefix for RTP over TCP. Stateless. */
public final class RtpEncoder {
    private RtpEncoder() {
    }

    /** Writes the 12-byte header plus CSRCs/extension of {@code p} and its payload (no padding) to {@code out}. */
    public static void encode(RtpPacket p, ByteBuf out) {
        writeHeader(p, out);
        out.writeBytes(p.payload(), p.payload().readerIndex(), p.payload().readableBytes());
    }

    /** Writes only the header of {@code p}; the caller appends the payload (avoids copying it twice). */
    public static void writeHeader(RtpPacket p, ByteBuf out) {
        int extBytes = p.extension() ? p.extensionData().readableBytes() : 0;
        if ((extBytes & 3) != 0) {
            throw new IllegalArgumentException("RTP extension data must be a multiple of 4 bytes, got " + extBytes);
        }
        if (p.csrcs().length > 15) {
            throw new IllegalArgumentException("at most 15 CSRCs, got " + p.csrcs().length);
        }
        out.writeByte(2 << 6 | (p.extension() ? 0x10 : 0) | p.csrcs().length);
        out.writeByte((p.marker() ? 0x80 : 0) | (p.payloadType() & 0x7F));
        out.writeShort(p.sequence());
        out.writeInt((int) p.timestamp());
        out.writeInt((int) p.ssrc());
        for (long c : p.csrcs()) {
            out.writeInt((int) c);
        }
        if (p.extension()) {
            out.writeShort(p.extensionProfile());
            out.writeShort(extBytes / 4);
            out.writeBytes(p.extensionData(), p.extensionData().readerIndex(), extBytes);
        }
    }

    /** Writes {@code p} with its RFC 4571 2-byte length prefix, as RTP over TCP (GB/T 28181 TCP media) sends it. */
    public static void encodeFramed(RtpPacket p, ByteBuf out) {
        int len = p.headerLength() + p.payload().readableBytes();
        if (len > 0xFFFF) {
            throw new IllegalArgumentException("RTP packet of " + len + " bytes does not fit an RFC 4571 frame");
        }
        out.writeShort(len);
        encode(p, out);
    }
}
