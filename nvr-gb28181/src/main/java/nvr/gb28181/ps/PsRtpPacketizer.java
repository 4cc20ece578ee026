package nvr.gb28181.ps;

import io.netty.buffer.ByteBuf;
import nvr.gb28181.media.Codec;

/**
 * One video frame to PS to RTP packets in one pass: the access unit's bytes are copied once, straight into
 * the packet buffer, with the pack/PES headers and the RTP headers written around them ({@link PsMuxer#mux}
 * then {@code RtpPacketizer.packetizeInto} copy every byte twice and need the whole PS in between). The
 * result is byte for byte what those two write: packets back to back, every one but the last exactly
 * {@link #stride()} bytes, RFC 4571 length prefixes when {@code framed}, marker bit on the last.
 *
 * <p>Two steps, so a frame can be laid out ahead of its sending, on another thread: {@link #layOut} writes
 * everything that depends only on the frame (thread-safe: it reads immutable state); {@link #stamp} writes
 * what depends on when and where in the stream it is sent (RTP sequence numbers and timestamp, PS SCR and
 * PTS) and keeps the stream's sequence (one thread only). The PS headers of a frame always sit in its first
 * packet (the payload limit is at least {@link #MIN_PAYLOAD} bytes), so stamping touches fixed offsets.
 *
 * <p>A stream may also carry one audio codec (G.711 on stream 0xC0, listed in the PSM before every video keyframe):
 * an audio frame is laid out and stamped like a video frame (pack header, PES with its PTS, marker on its last
 * packet), by the {@code Codec}-taking overloads. Without audio the bytes are exactly the video-only stream's.
 */
public final class PsRtpPacketizer {
    /** The frame's PS headers before its first payload byte (at most 63 bytes, video only) fit in one packet. */
    public static final int MIN_PAYLOAD = 128;
    private static final int PES_HEADER = 9; // a continuation PES header: no PTS

    private final PsMuxer muxer;
    private final Codec video;
    private final Codec audio;
    private final int payloadType;
    private final int ssrc;
    private final int maxPayload;
    private final boolean framed;
    private final int rtpHeader;
    private int sequence;

    /**
     * @param video H.264 or H.265 (a video-only PS stream)
     * @param framed RFC 4571 length prefix before each packet (RTP over TCP)
     */
    public PsRtpPacketizer(Codec video, long ssrc, int payloadType, int firstSequence, int maxPayload, boolean framed) {
        this(video, null, ssrc, payloadType, firstSequence, maxPayload, framed);
    }

    /**
     * @param audio the audio codec also carried (stream 0xC0, in the PSM), or null for a video-only stream
     * @see #PsRtpPacketizer(Codec, long, int, int, int, boolean)
     */
    public PsRtpPacketizer(Codec video, Codec audio, long ssrc, int payloadType, int firstSequence, int maxPayload,
                           boolean framed) {
        if (maxPayload < MIN_PAYLOAD || maxPayload > 0xFFFF - 12) {
            throw new IllegalArgumentException("maxPayload must be " + MIN_PAYLOAD + "..65523, got " + maxPayload);
        }
        this.muxer = new PsMuxer(video, audio);
        this.video = video;
        this.audio = audio;
        this.payloadType = payloadType & 0x7F;
        this.ssrc = (int) ssrc;
        this.maxPayload = maxPayload;
        this.framed = framed;
        this.rtpHeader = (framed ? 2 : 0) + 12;
        this.sequence = firstSequence & 0xFFFF;
    }

    public Codec codec() {
        return video;
    }

    /** The audio codec this stream also carries, or null. */
    public Codec audio() {
        return audio;
    }

    /** Bytes of every packet but a frame's last (the UDP GSO segment size). */
    public int stride() {
        return rtpHeader + maxPayload;
    }

    /** The sequence number the next stamped packet will carry. */
    public int nextSequence() {
        return sequence;
    }

    /** Exact bytes {@link #layOut} writes for a frame of {@code length} payload bytes. */
    public int packetizedSize(int length, boolean keyframe) {
        return packetizedSize(video, length, keyframe);
    }

    /** Exact bytes {@link #layOut(Codec, boolean, ByteBuf, ByteBuf)} writes for a {@code codec} frame of {@code length} bytes. */
    public int packetizedSize(Codec codec, int length, boolean keyframe) {
        int ps = psSize(codec.isVideo(), length, keyframe);
        int packets = (ps + maxPayload - 1) / maxPayload;
        return packets * rtpHeader + ps;
    }

    private int psSize(boolean isVideo, int length, boolean keyframe) {
        int pes = Math.max(1, (length + PsMuxer.MAX_PES_PAYLOAD - 1) / PsMuxer.MAX_PES_PAYLOAD);
        return muxer.frameHeadBytes(isVideo, keyframe) + (pes - 1) * PES_HEADER + length;
    }

    /**
     * Appends the RTP packets of one frame whose access unit is {@code payload}'s readable bytes (indexes
     * untouched) to {@code out}, with zero sequence numbers, timestamp, SCR and PTS: {@link #stamp} fills
     * them in. Writes exactly {@link #packetizedSize} bytes.
     */
    public void layOut(boolean keyframe, ByteBuf payload, ByteBuf out) {
        layOut(video, keyframe, payload, out);
    }

    /**
     * As {@link #layOut(boolean, ByteBuf, ByteBuf)} for a frame of {@code codec}: this stream's video, or its audio
     * (an audio frame is never a keyframe: no system header or PSM).
     */
    public void layOut(Codec codec, boolean keyframe, ByteBuf payload, ByteBuf out) {
        boolean isVideo = checkCarried(codec);
        keyframe &= isVideo;
        int length = payload.readableBytes();
        int src = payload.readerIndex();
        out.ensureWritable(packetizedSize(codec, length, keyframe));
        Gather g = new Gather(out);
        g.packet();
        muxer.writeFrameHead(codec, 0, keyframe, length, out); // fits the first packet (MIN_PAYLOAD)
        g.room -= muxer.frameHeadBytes(isVideo, keyframe);
        ByteBuf pesHeader = null;
        int pos = 0;
        do {
            int n = Math.min(PsMuxer.MAX_PES_PAYLOAD, length - pos);
            if (pos > 0) {
                if (pesHeader == null) {
                    pesHeader = io.netty.buffer.Unpooled.buffer(PES_HEADER, PES_HEADER);
                }
                PsMuxer.writePesHeader(pesHeader.clear(), isVideo ? PsMuxer.VIDEO_ID : PsMuxer.AUDIO_ID, n, false, 0);
                g.put(pesHeader, 0, PES_HEADER);
            }
            g.put(payload, src + pos, n);
            pos += n;
        } while (pos < length);
        g.finish();
    }

    /**
     * Stamps one frame laid out by {@link #layOut} ({@code packets}' readable bytes, exactly one frame) with
     * the next sequence numbers, RTP timestamp {@code timestamp90k} and PS SCR/PTS for {@code pts90k}.
     *
     * @param keyframe as given to {@link #layOut} (where the PTS sits depends on it)
     * @return the number of packets
     */
    public int stamp(ByteBuf packets, boolean keyframe, long timestamp90k, long pts90k) {
        return stamp(packets, video, keyframe, timestamp90k, pts90k);
    }

    /** As {@link #stamp(ByteBuf, boolean, long, long)} for a frame laid out by {@link #layOut(Codec, boolean, ByteBuf, ByteBuf)}. */
    public int stamp(ByteBuf packets, Codec codec, boolean keyframe, long timestamp90k, long pts90k) {
        boolean isVideo = checkCarried(codec);
        keyframe &= isVideo;
        int base = packets.readerIndex();
        int stride = stride();
        int count = (packets.readableBytes() + stride - 1) / stride;
        int ts = (int) timestamp90k;
        int h = base + rtpHeader - 12;
        for (int i = 0; i < count; i++, h += stride) {
            packets.setShort(h + 2, sequence);
            packets.setInt(h + 4, ts);
            sequence = (sequence + 1) & 0xFFFF;
        }
        int ps = base + rtpHeader;
        long pts = pts90k & 0x1FFFFFFFFL;
        PsMuxer.setScr(packets, ps + 4, pts);
        PsMuxer.setTimestamp(packets, ps + muxer.frameHeadBytes(isVideo, keyframe) - 5, 0x2, pts);
        return count;
    }

    /** True for this stream's video codec, false for its audio codec; anything else is refused. */
    private boolean checkCarried(Codec codec) {
        if (codec == video) {
            return true;
        }
        if (codec != null && codec == audio) {
            return false;
        }
        throw new IllegalArgumentException("this stream carries " + video + (audio == null ? "" : "+" + audio) + ", not " + codec);
    }

    /** Writes RTP headers as packets fill up; {@code room} is the payload space left in the current packet. */
    private final class Gather {
        private final ByteBuf out;
        private int room;
        private int last = -1;

        Gather(ByteBuf out) {
            this.out = out;
        }

        void packet() {
            last = out.writerIndex();
            if (framed) {
                out.writeShort(12 + maxPayload); // fixed in finish() for the last packet
            }
            out.writeByte(2 << 6);
            out.writeByte(payloadType);
            out.writeShort(0);
            out.writeInt(0);
            out.writeInt(ssrc);
            room = maxPayload;
        }

        void put(ByteBuf src, int index, int n) {
            while (n > 0) {
                if (room == 0) {
                    packet();
                }
                int k = Math.min(room, n);
                out.writeBytes(src, index, k);
                index += k;
                n -= k;
                room -= k;
            }
        }

        void finish() {
            if (framed) {
                out.setShort(last, 12 + maxPayload - room);
            }
            int h = last + rtpHeader - 12;
            out.setByte(h + 1, 0x80 | payloadType); // marker: the frame's last packet
        }
    }
}
