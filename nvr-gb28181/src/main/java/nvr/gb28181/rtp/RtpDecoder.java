package nvr.gb28181.rtp;

import io.netty.buffer.ByteBuf;
import nvr.gb28181.WireFormatException;

/** Parses one RTP packet (RFC 3550 section 5.1) from a datagram or a de-framed TCP chunk. Stateless. */
public final class RtpDecoder {
    private RtpDecoder() {
    }

    /**
     * Decodes the readable bytes of {@code buf} as one RTP packet without moving its reader index.
     * The returned payload is a slice of {@code buf}; the caller keeps ownership of {@code buf}.
     */
    public static RtpPacket decode(ByteBuf buf) throws WireFormatException {
        return decode(buf, false);
    }

    /**
     * Like {@link #decode}, for a receive path that owns {@code buf} (a datagram): on success narrows {@code buf}'s
     * reader and writer index to the payload and returns {@code buf} itself as the payload, instead of a new slice
     * object per packet. On a {@link WireFormatException} {@code buf} is left as it was.
     */
    public static RtpPacket decodeInPlace(ByteBuf buf) throws WireFormatException {
        return decode(buf, true);
    }

    private static RtpPacket decode(ByteBuf buf, boolean inPlace) throws WireFormatException {
        int base = buf.readerIndex();
        int len = buf.readableBytes();
        if (len < 12) {
            throw new WireFormatException("rtp", "RTP packet of " + len + " bytes is shorter than the 12-byte header");
        }
        int b0 = buf.getUnsignedByte(base);
        int b1 = buf.getUnsignedByte(base + 1);
        int version = b0 >>> 6;
        if (version != 2) {
            throw new WireFormatException("rtp", "RTP version " + version + " (expected 2): not an RTP stream or out of sync");
        }
        boolean padding = (b0 & 0x20) != 0;
        boolean extension = (b0 & 0x10) != 0;
        int cc = b0 & 0x0F;
        int pos = 12 + 4 * cc;
        // invariant: every offset below is checked against len before it is read
        if (pos > len) {
            throw new WireFormatException("rtp", "RTP header claims " + cc + " CSRCs but the packet has " + len + " bytes");
        }
        long[] csrcs = cc == 0 ? RtpPacket.NO_CSRCS : new long[cc];
        for (int i = 0; i < cc; i++) {
            csrcs[i] = buf.getUnsignedInt(base + 12 + 4 * i);
        }
        int extProfile = -1;
        ByteBuf extData = io.netty.buffer.Unpooled.EMPTY_BUFFER;
        if (extension) {
            if (pos + 4 > len) {
                throw new WireFormatException("rtp", "RTP extension bit set but the packet ends before the extension header");
            }
            extProfile = buf.getUnsignedShort(base + pos);
            int extLen = 4 * buf.getUnsignedShort(base + pos + 2);
            pos += 4;
            if (pos + extLen > len) {
                throw new WireFormatException("rtp", "RTP header extension of " + extLen + " bytes overruns the " + len + "-byte packet");
            }
            extData = buf.slice(base + pos, extLen);
            pos += extLen;
        }
        int end = len;
        if (padding) {
            int pad = buf.getUnsignedByte(base + len - 1);
            if (pad == 0 || pos + pad > len) {
                throw new WireFormatException("rtp", "RTP padding count " + pad + " is invalid for a " + len + "-byte packet");
            }
            end -= pad;
        }
        ByteBuf payload;
        if (inPlace) {
            payload = buf.setIndex(base + pos, base + end); // invariant: pos <= end <= len, checked above
        } else {
            payload = buf.slice(base + pos, end - pos);
        }
        return new RtpPacket(version, padding, extension, (b1 & 0x80) != 0, b1 & 0x7F,
                buf.getUnsignedShort(base + 2), buf.getUnsignedInt(base + 4), buf.getUnsignedInt(base + 8),
                csrcs, extProfile, extData, payload);
    }
}
