package nvr.gb28181.rtp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.function.Consumer;

/**
 * Splits a TCP byte stream into RTP packets. Accepts RFC 4571 framing (2-byte big-endian length, what
 * GB/T 28181 TCP media uses) and, per frame, RTSP interleaved framing ({@code '$'}, channel, 2-byte length)
 * that some cameras send instead. One instance per connection; incremental: feed whatever the socket
 * delivered, complete packets come out.
 *
 * <p>Memory is bounded by what was received, not by length fields: a partial frame is held in a buffer
 * that grows with the bytes that arrived and never beyond one maximal frame (4 + 65535 bytes).
 * A header that cannot start an RTP packet (length under 12, version not 2) is skipped byte by byte
 * until a plausible one is found ({@link #resyncBytes()} counts them). RTCP packets multiplexed on the
 * same connection (payload types 200..204) are dropped and counted.
 *
 * <p>Telling the two framings apart per frame: a {@code '$'} first byte is RTSP interleaved unless the
 * third byte starts an RTP header (then it is an RFC 4571 length of 0x24xx). Consequence: an interleaved
 * frame of 32768..49151 bytes would be misread; cameras send RTP packets far below that.
 */
public final class RtpTcpFramer {
    /** Largest frame: 4-byte interleaved header + 65535 bytes. */
    static final int MAX_FRAME = 4 + 0xFFFF;
    /** Bytes needed to classify a frame header: framing header plus the RTP packet's first byte. */
    private static final int PROBE = 5;

    private byte[] pend = new byte[256];
    private int pendLen;
    private long frames;
    private long resyncBytes;
    private long rtcpDropped;

    /**
     * Consumes all readable bytes of {@code in} and hands every complete RTP packet to {@code out}.
     * A packet buffer is valid only during the callback (it may be a slice of {@code in} or of an
     * internal buffer); the callback must copy or decode it before returning and must not release it.
     */
    public void feed(ByteBuf in, Consumer<ByteBuf> out) {
        // Phase 1: finish a frame that began in an earlier chunk.
        while (pendLen > 0) {
            if (pendLen < PROBE) {
                take(in, PROBE - pendLen);
                if (pendLen < PROBE) {
                    return;
                }
            }
            int total = frameLength(pend[0] & 0xFF, pend[1] & 0xFF, pend[2] & 0xFF, pend[3] & 0xFF, pend[4] & 0xFF);
            if (total < 0) {
                System.arraycopy(pend, 1, pend, 0, --pendLen); // drop one byte and look again
                resyncBytes++;
                continue;
            }
            take(in, total - pendLen);
            if (pendLen < total) {
                return;
            }
            pendLen = 0;
            deliver(Unpooled.wrappedBuffer(pend, headerLength(pend[0] & 0xFF, pend[2] & 0xFF), total - headerLength(pend[0] & 0xFF, pend[2] & 0xFF)), out);
        }
        // Phase 2: frames wholly inside this chunk are delivered as slices, no copy.
        while (in.readableBytes() >= PROBE) {
            int r = in.readerIndex();
            int b0 = in.getUnsignedByte(r);
            int b2 = in.getUnsignedByte(r + 2);
            int total = frameLength(b0, in.getUnsignedByte(r + 1), b2, in.getUnsignedByte(r + 3), in.getUnsignedByte(r + 4));
            if (total < 0) {
                in.skipBytes(1);
                resyncBytes++;
                continue;
            }
            if (in.readableBytes() < total) {
                break;
            }
            int hl = headerLength(b0, b2);
            deliver(in.slice(r + hl, total - hl), out);
            in.skipBytes(total);
        }
        // Phase 3: keep the tail (a partial frame, bounded by MAX_FRAME) for the next chunk.
        take(in, in.readableBytes());
    }

    /** Drops any partial frame, e.g. when the connection is replaced. */
    public void reset() {
        pendLen = 0;
    }

    /** RTP packets delivered so far. */
    public long frames() {
        return frames;
    }

    /** Bytes skipped because no plausible frame header started there (garbage or lost sync). */
    public long resyncBytes() {
        return resyncBytes;
    }

    /** RTCP packets found on the media connection and dropped. */
    public long rtcpDropped() {
        return rtcpDropped;
    }

    /** Bytes held for an incomplete frame (at most {@value #MAX_FRAME}). */
    public int bufferedBytes() {
        return pendLen;
    }

    private void deliver(ByteBuf pkt, Consumer<ByteBuf> out) {
        int pt = pkt.getUnsignedByte(pkt.readerIndex() + 1);
        if (pt >= 200 && pt <= 204) {
            rtcpDropped++;
            return;
        }
        frames++;
        out.accept(pkt);
    }

    /** Copies up to {@code n} bytes of {@code in} into the pending buffer, growing it only by what arrived. */
    private void take(ByteBuf in, int n) {
        n = Math.min(n, in.readableBytes());
        if (n <= 0) {
            return;
        }
        int need = pendLen + n; // invariant: need <= MAX_FRAME since callers never ask beyond one frame
        if (need > pend.length) {
            pend = java.util.Arrays.copyOf(pend, Math.min(MAX_FRAME, Math.max(need, pend.length * 2)));
        }
        in.readBytes(pend, pendLen, n);
        pendLen = need;
    }

    private static boolean rtpStart(int b) {
        return (b & 0xC0) == 0x80;
    }

    private static int headerLength(int b0, int b2) {
        return b0 == '$' && !rtpStart(b2) ? 4 : 2;
    }

    /** Total frame length including its framing header, or -1 when these bytes cannot start a frame. */
    private static int frameLength(int b0, int b1, int b2, int b3, int b4) {
        if (b0 == '$' && !rtpStart(b2)) {
            // RTSP interleaved: '$', channel, length; RFC 4571 with a 0x24xx length would have RTP at b2
            int len = b2 << 8 | b3;
            return len >= 8 && rtpStart(b4) ? 4 + len : -1;
        }
        int len = b0 << 8 | b1;
        return len >= 8 && rtpStart(b2) ? 2 + len : -1;
    }
}
