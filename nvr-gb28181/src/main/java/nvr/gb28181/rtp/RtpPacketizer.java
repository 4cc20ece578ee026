package nvr.gb28181.rtp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.util.function.Consumer;

/**
 * Cuts one frame's payload bytes (PS from {@link nvr.gb28181.ps.PsMuxer}) into RTP packets of at most
 * {@link #maxPayload()} payload bytes, marker bit on the frame's last packet. Keeps the sequence state of
 * one outgoing stream; one instance per stream, not thread-safe.
 */
public final class RtpPacketizer {
    /** GB/T 28181 cameras keep RTP packets under a typical 1500-byte MTU. */
    public static final int DEFAULT_MAX_PAYLOAD = 1400;

    private final long ssrc;
    private final int payloadType;
    private final int maxPayload;
    private int sequence;

    public RtpPacketizer(long ssrc, int payloadType, int firstSequence) {
        this(ssrc, payloadType, firstSequence, DEFAULT_MAX_PAYLOAD);
    }

    public RtpPacketizer(long ssrc, int payloadType, int firstSequence, int maxPayload) {
        if (maxPayload < 1 || maxPayload > 0xFFFF - 12) {
            throw new IllegalArgumentException("maxPayload must be 1..65523, got " + maxPayload);
        }
        this.ssrc = ssrc & 0xFFFFFFFFL;
        this.payloadType = payloadType & 0x7F;
        this.maxPayload = maxPayload;
        this.sequence = firstSequence & 0xFFFF;
    }

    public int maxPayload() {
        return maxPayload;
    }

    /** The sequence number the next packet will carry. */
    public int nextSequence() {
        return sequence;
    }

    /** Bytes {@link #packetizeInto} writes for a frame of {@code frameBytes}: its packets back to back. */
    public int packetizedSize(int frameBytes, boolean framed) {
        int packets = Math.max(1, (frameBytes + maxPayload - 1) / maxPayload);
        return packets * ((framed ? 2 : 0) + 12) + frameBytes;
    }

    /** Bytes of every packet but the last in {@link #packetizeInto}'s layout (the UDP GSO segment size). */
    public int packetStride(boolean framed) {
        return (framed ? 2 : 0) + 12 + maxPayload;
    }

    /**
     * Writes the RTP packets of one frame back to back into {@code out}: every packet but the last is
     * exactly {@link #packetStride} bytes, so a sender can slice (or GSO-segment) them without parsing.
     * One buffer per frame instead of one per packet: the per-packet cost is a 12-byte header and a
     * copy, not an allocation and a channel write. For RTP over TCP the result is the frame's exact
     * byte stream and can be written as one message.
     *
     * @return the number of packets written
     */
    public int packetizeInto(ByteBuf frame, long timestamp90k, boolean framed, ByteBuf out) {
        int pos = frame.readerIndex();
        int end = frame.writerIndex();
        int ts = (int) timestamp90k;
        int ssrcInt = (int) ssrc;
        int packets = 0;
        out.ensureWritable(packetizedSize(end - pos, framed));
        do {
            int n = Math.min(maxPayload, end - pos);
            boolean last = pos + n >= end;
            if (framed) {
                out.writeShort(12 + n);
            }
            out.writeByte(2 << 6);
            out.writeByte((last ? 0x80 : 0) | payloadType);
            out.writeShort(sequence);
            out.writeInt(ts);
            out.writeInt(ssrcInt);
            out.writeBytes(frame, pos, n);
            sequence = (sequence + 1) & 0xFFFF;
            pos += n;
            packets++;
        } while (pos < end);
        return packets;
    }

    /**
     * Emits the RTP packets (header + payload, no framing) for one frame's bytes. Each emitted buffer is
     * newly allocated from {@code alloc} and owned by the consumer, which must release it.
     *
     * @param timestamp90k RTP timestamp of the frame (90 kHz clock, wraps at 2^32)
     * @param framed true to prefix each packet with its RFC 4571 length (RTP over TCP)
     */
    public void packetize(ByteBuf frame, long timestamp90k, boolean framed, ByteBufAllocator alloc, Consumer<ByteBuf> out) {
        int pos = frame.readerIndex();
        int end = frame.writerIndex();
        do {
            int n = Math.min(maxPayload, end - pos);
            boolean last = pos + n >= end;
            ByteBuf pkt = alloc.buffer((framed ? 2 : 0) + 12 + n);
            RtpPacket header = RtpPacket.of(last, payloadType, sequence, timestamp90k, ssrc, frame.slice(pos, n));
            if (framed) {
                RtpEncoder.encodeFramed(header, pkt);
            } else {
                RtpEncoder.encode(header, pkt);
            }
            sequence = (sequence + 1) & 0xFFFF;
            pos += n;
            out.accept(pkt);
        } while (pos < end);
    }
}
