package nvr.gb28181.rtp;

import io.netty.buffer.ByteBuf;

/**
 * One RTP packet (RFC 3550). {@code payload} and {@code extensionData} are slices of the buffer the
 * packet was decoded from (not retained): they are valid only while the caller holds that buffer.
 *
 * @param sequence 16-bit sequence number (0..65535)
 * @param timestamp 32-bit RTP timestamp as an unsigned value
 * @param ssrc 32-bit SSRC as an unsigned value
 * @param csrcs contributing sources (0..15 entries, unsigned 32-bit values)
 * @param extensionProfile the header extension's 16-bit profile, or -1 when {@code extension} is false
 * @param extensionData the header extension's words (without its 4-byte header); empty when absent
 * @param payload the payload with padding already removed
 */
public record RtpPacket(int version, boolean padding, boolean extension, boolean marker, int payloadType,
                        int sequence, long timestamp, long ssrc, long[] csrcs, int extensionProfile,
                        ByteBuf extensionData, ByteBuf payload) {

    static final long[] NO_CSRCS = new long[0];

    /** A plain version-2 packet without padding, CSRCs or extension: what cameras and our muxer send. */
    public static RtpPacket of(boolean marker, int payloadType, int sequence, long timestamp, long ssrc, ByteBuf payload) {
        return new RtpPacket(2, false, false, marker, payloadType, sequence & 0xFFFF, timestamp & 0xFFFFFFFFL,
                ssrc & 0xFFFFFFFFL, NO_CSRCS, -1, io.netty.buffer.Unpooled.EMPTY_BUFFER, payload);
    }

    /** Header length in bytes as {@link RtpEncoder} writes it (no padding). */
    public int headerLength() {
        return 12 + 4 * csrcs.length + (extension ? 4 + extensionData.readableBytes() : 0);
    }
}
