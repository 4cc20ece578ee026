package nvr.gb28181.ps;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import nvr.gb28181.media.AccessUnit;
import nvr.gb28181.media.Codec;

/**
 * Writes access units as an MPEG-2 program stream the way GB/T 28181 cameras do (and ZLMediaKit expects):
 * a pack header before every frame, system header and PSM before every keyframe so a receiver can join
 * there, the frame in PES packets of at most 65535 bytes (the PES_packet_length limit) with the PTS in
 * the first. Video is stream 0xE0, audio 0xC0 (G.711 as stream_type 0x90/0x91, the GB/T 28181 values;
 * ffmpeg's PS demuxer does not know them and guesses MP2 for such audio, while its video decodes cleanly).
 * One instance per outgoing stream; not thread-safe.
 */
public final class PsMuxer {
    static final int VIDEO_ID = 0xE0;
    static final int AUDIO_ID = 0xC0;
    /** Payload bytes per PES: 65535 minus the 3 flag/length bytes and a 5-byte PTS. */
    static final int MAX_PES_PAYLOAD = 0xFFFF - 3 - 5;
    /** Mux rate in the pack header, units of 50 bytes/s; nobody paces by it, any plausible value works. */
    private static final int MUX_RATE = 0x3FFFF;

    private final Codec video;
    private final Codec audio;
    private int psmVersion;

    /** @param audio the audio codec carried on 0xC0, or null for a video-only stream */
    public PsMuxer(Codec video, Codec audio) {
        if (video == null || !video.isVideo()) {
            throw new IllegalArgumentException("video codec must be H264 or H265, got " + video);
        }
        if (audio != null && audio.isVideo()) {
            throw new IllegalArgumentException("audio codec must be an audio codec, got " + audio);
        }
        this.video = video;
        this.audio = audio;
    }

    /** Upper bound of the bytes {@link #mux} writes for a frame of {@code payloadBytes}. */
    public static int maxMuxedSize(int payloadBytes) {
        int pes = (payloadBytes + MAX_PES_PAYLOAD - 1) / MAX_PES_PAYLOAD;
        return 14 + 18 + 6 + 10 + 8 + Math.max(1, pes) * 14 + payloadBytes;
    }

    /** Appends the PS bytes of one access unit (video of this muxer's codec, or its audio) to {@code out}. */
    public void mux(AccessUnit au, ByteBuf out) {
        mux(au.codec(), au.pts90k(), au.keyframe(), Unpooled.wrappedBuffer(au.data()), out);
    }

    /**
     * Appends the PS bytes of one access unit whose bytes are the readable bytes of {@code data} (e.g. a
     * frame read ahead into a pooled buffer: no byte[] in between); {@code data}'s indexes are untouched.
     */
    public void mux(Codec codec, long pts90k, boolean keyframe, ByteBuf data, ByteBuf out) {
        boolean isVideo = codec.isVideo();
        if (isVideo ? codec != video : codec != audio) {
            throw new IllegalArgumentException("this muxer carries " + video + (audio == null ? "" : "+" + audio) + ", not " + codec);
        }
        long pts = pts90k & 0x1FFFFFFFFL;
        int start = data.readerIndex();
        int length = data.readableBytes();
        out.ensureWritable(maxMuxedSize(length));
        writeFrameHead(codec, pts, keyframe, length, out);
        int streamId = isVideo ? VIDEO_ID : AUDIO_ID;
        int pos = 0;
        do {
            int n = Math.min(MAX_PES_PAYLOAD, length - pos);
            if (pos > 0) {
                writePesHeader(out, streamId, n, false, 0);
            }
            out.writeBytes(data, start + pos, n);
            pos += n;
        } while (pos < length);
    }

    /**
     * Bytes {@link #writeFrameHead} writes: pack header, system header and PSM before a video keyframe, and
     * the first PES header (with its PTS). The PTS sits at {@code frameHeadBytes(..) - 5}, the SCR at 4.
     */
    int frameHeadBytes(boolean isVideo, boolean keyframe) {
        int streams = audio == null ? 1 : 2;
        return 14 + (isVideo && keyframe ? (12 + 3 * streams) + (16 + 4 * streams) : 0) + 14;
    }

    /** Writes what precedes a frame's first payload byte: pack header [+ system header + PSM] + first PES header. */
    void writeFrameHead(Codec codec, long pts, boolean keyframe, int length, ByteBuf out) {
        boolean isVideo = codec.isVideo();
        writePackHeader(out, pts);
        if (isVideo && keyframe) {
            writeSystemHeader(out);
            writePsm(out);
        }
        writePesHeader(out, isVideo ? VIDEO_ID : AUDIO_ID, Math.min(MAX_PES_PAYLOAD, length), true, pts);
    }

    /** A PES header for {@code n} payload bytes; the frame's first carries the PTS and data_alignment_indicator. */
    static void writePesHeader(ByteBuf out, int streamId, int n, boolean first, long pts) {
        out.writeInt(0x000001 << 8 | streamId);
        out.writeShort(3 + (first ? 5 : 0) + n);
        out.writeByte(first ? 0x84 : 0x80); // '10', data_alignment_indicator on the frame's first PES
        out.writeByte(first ? 0x80 : 0x00); // PTS only
        out.writeByte(first ? 5 : 0);
        if (first) {
            writeTimestamp(out, 0x2, pts);
        }
    }

    private static void writePackHeader(ByteBuf out, long pts) {
        out.ensureWritable(14);
        out.writeInt(0x000001BA);
        setScr(out, out.writerIndex(), pts);
        out.writerIndex(out.writerIndex() + 5);
        out.writeByte(0x01);                                 // SCR ext low bits 0, marker
        out.writeByte(MUX_RATE >> 14);
        out.writeByte(MUX_RATE >> 6);
        out.writeByte((MUX_RATE << 2) & 0xFC | 0x03);
        out.writeByte(0xF8);                                 // reserved, pack_stuffing_length 0
    }

    private void writeSystemHeader(ByteBuf out) {
        int streams = audio == null ? 1 : 2;
        out.writeInt(0x000001BB);
        out.writeShort(6 + 3 * streams);
        out.writeByte(0x80 | MUX_RATE >> 15);  // marker, rate_bound
        out.writeByte(MUX_RATE >> 7);
        out.writeByte((MUX_RATE << 1) & 0xFE | 0x01);
        out.writeByte((audio == null ? 0 : 1) << 2); // audio_bound, fixed 0, CSPS 0
        out.writeByte(0xE1);                   // audio/video lock, marker, video_bound 1
        out.writeByte(0x7F);                   // packet_rate_restriction 0, reserved
        out.writeByte(VIDEO_ID);
        out.writeShort(0xE000 | 1024);         // P-STD scale 1 (x1024 bytes): 1 MiB buffer
        if (audio != null) {
            out.writeByte(AUDIO_ID);
            out.writeShort(0xC000 | 32);       // scale 0 (x128 bytes): 4 KiB buffer
        }
    }

    private void writePsm(ByteBuf out) {
        int streams = audio == null ? 1 : 2;
        int start = out.writerIndex();
        out.writeInt(0x000001BC);
        out.writeShort(10 + 4 * streams);
        out.writeByte(0xE0 | psmVersion);      // current_next_indicator 1, reserved, version
        out.writeByte(0xFF);                   // reserved, marker
        out.writeShort(0);                     // program_stream_info_length
        out.writeShort(4 * streams);
        out.writeByte(video.streamType());
        out.writeByte(VIDEO_ID);
        out.writeShort(0);
        if (audio != null) {
            out.writeByte(audio.streamType());
            out.writeByte(AUDIO_ID);
            out.writeShort(0);
        }
        out.writeInt(Crc32Mpeg.of(out, start, out.writerIndex() - start));
    }

    /** Writes a 33-bit PTS/DTS with its 4-bit prefix and marker bits (ISO/IEC 13818-1 2.4.3.7). */
    static void writeTimestamp(ByteBuf out, int prefix, long ts) {
        setTimestamp(out, out.writerIndex(), prefix, ts);
        out.writerIndex(out.writerIndex() + 5);
    }

    /** The 5 bytes of a 33-bit PTS/DTS at {@code at}, as {@link #writeTimestamp} writes them. */
    static void setTimestamp(ByteBuf out, int at, int prefix, long ts) {
        out.setByte(at, (int) (prefix << 4 | (ts >> 29) & 0x0E | 0x01));
        out.setShort(at + 1, (int) ((ts >> 14) & 0xFFFE | 0x01));
        out.setShort(at + 3, (int) ((ts << 1) & 0xFFFE | 0x01));
    }

    /**
     * The 5 bytes of a pack header's SCR (its bytes 4-8) for a frame with PTS {@code pts}: '01', SCR a
     * little before the PTS as decoders expect, SCR extension 0, markers.
     */
    static void setScr(ByteBuf out, int at, long pts) {
        long scr = Math.max(0, (pts & 0x1FFFFFFFFL) - 3600) & 0x1FFFFFFFFL;
        out.setByte(at, (int) (0x44 | (scr >> 27) & 0x38 | (scr >> 28) & 0x03));
        out.setByte(at + 1, (int) (scr >> 20));
        out.setByte(at + 2, (int) (((scr >> 12) & 0xF8) | 0x04 | (scr >> 13) & 0x03));
        out.setByte(at + 3, (int) (scr >> 5));
        out.setByte(at + 4, (int) (((scr << 3) & 0xF8) | 0x04)); // SCR ext high bits 0
    }
}
