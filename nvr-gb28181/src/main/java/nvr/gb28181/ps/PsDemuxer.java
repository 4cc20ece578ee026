package nvr.gb28181.ps;

import io.netty.buffer.ByteBuf;
import java.util.Arrays;
import java.util.function.Consumer;
import nvr.gb28181.WireFormatException;
import nvr.gb28181.media.AccessUnit;
import nvr.gb28181.media.Codec;
import nvr.gb28181.nal.CodecProbe;
import nvr.gb28181.rtp.RtpPacket;

/**
 * Demultiplexes one camera's MPEG-2 program stream (ISO/IEC 13818-1 2.5, as GB/T 28181 carries it in RTP)
 * into access units. One instance per stream; not thread-safe; incremental: headers and PES packets may be
 * split across RTP packets at any byte.
 *
 * <p>Frame boundaries come from three sources, strongest first: the NAL units themselves (a new picture's
 * first slice or parameter set starts a new access unit, so several frames in one packet or PES split
 * correctly), a change of RTP timestamp, and the RTP marker bit. The marker is only trusted at a clean PS
 * boundary and stops being trusted once a marked packet is followed by one with the same timestamp.
 *
 * <p>Vendor quirks handled: missing system header/PSM (the codec is probed from the bytes), H.265
 * labelled H.264 and AAC labelled G.711 (the probe wins), PES length 0 for video (payload runs to the next
 * PS start code), frames over many PES, private stream 1 / padding / private stream 2 skipped, PSM
 * entries whose es_info_length overruns the map, MPEG-1 pack and PES headers (ffmpeg {@code -f mpeg}),
 * and RTP payloads carrying raw Annex-B without any PS.
 *
 * <p>Loss: call {@link #reset()} when ingest sees a sequence gap. The demuxer then drops the frame in
 * progress and every video frame until the next keyframe (this demuxer's job, so storage never gets a
 * frame that cannot be decoded); a new demuxer also starts by waiting for a keyframe. Audio is not gated.
 *
 * <p>Errors: on malformed input the demuxer resynchronises by itself (at the next PS start code or the
 * next frame) and then throws {@link WireFormatException} from the call that met it; it stays usable.
 * Memory is bounded: a frame is capped at {@link #DEFAULT_MAX_FRAME} bytes (over that it is dropped with
 * an error), headers are parsed from a buffer of at most {@link #MAX_HEADER} bytes.
 */
public final class PsDemuxer {
    public static final int DEFAULT_MAX_FRAME = 8 << 20;
    /** Largest header held across packets: a PSM (6 + at most 1018 by the standard, we allow 4090). */
    static final int MAX_HEADER = 4096;
    private static final int MAX_AUDIO_FRAME = 64 * 1024;

    /** Counters for metrics. Plain fields written by the stream's thread: another thread may read stale values. */
    public static final class Stats {
        long packets;
        long bytes;
        long videoFrames;
        long audioFrames;
        long malformed;
        long resyncBytes;
        long oversizedFrames;
        long truncatedFrames;
        long droppedBeforeKeyframe;
        long codecRelabelled;
        long psmErrors;
        long markerDistrusted;

        public long packets() { return packets; }
        public long bytes() { return bytes; }
        public long videoFrames() { return videoFrames; }
        public long audioFrames() { return audioFrames; }
        /** Headers that made no sense (each also raised a WireFormatException). */
        public long malformed() { return malformed; }
        /** Bytes skipped while looking for the next PS start code. */
        public long resyncBytes() { return resyncBytes; }
        /** Frames dropped for exceeding the size cap. */
        public long oversizedFrames() { return oversizedFrames; }
        /** Frames dropped because the stream moved on mid-PES (packet loss or lying PES lengths). */
        public long truncatedFrames() { return truncatedFrames; }
        /** Video frames dropped while waiting for a keyframe after start or {@link #reset()}. */
        public long droppedBeforeKeyframe() { return droppedBeforeKeyframe; }
        /** Times the probed codec overrode the PSM's stream_type. */
        public long codecRelabelled() { return codecRelabelled; }
        /** PSMs with inconsistent lengths (their valid entries are still used). */
        public long psmErrors() { return psmErrors; }
        /** 1 when the stream's RTP marker bit proved unreliable and is ignored. */
        public long markerDistrusted() { return markerDistrusted; }

        @Override
        public String toString() {
            return "packets=" + packets + " bytes=" + bytes + " video=" + videoFrames + " audio=" + audioFrames
                    + " malformed=" + malformed + " resyncBytes=" + resyncBytes + " oversized=" + oversizedFrames
                    + " truncated=" + truncatedFrames + " droppedBeforeKey=" + droppedBeforeKeyframe
                    + " relabelled=" + codecRelabelled + " psmErrors=" + psmErrors + " markerDistrusted=" + markerDistrusted;
        }
    }

    private enum Mode { UNKNOWN, PS, RAW }

    private enum State { SCAN, PES_PAYLOAD, PES_UNBOUNDED, SKIP }

    private final Stats stats = new Stats();
    private final VideoFrameAssembler video;
    private final int[] streamTypes = new int[256]; // PSM stream_type by stream_id, 0 = not mapped
    private Mode mode = Mode.UNKNOWN;
    private State state = State.SCAN;
    private int remaining;          // bytes left in the current PES payload or SKIP
    private int pesStream;          // stream_id of the PES being read
    private byte[] stage = new byte[2048];
    private int held;               // bytes of stage kept from the previous call (an incomplete header)
    private long rtpTs = -1;
    private long prevRtpTs = -1;
    private byte[] audio = new byte[2048];
    private int audioLen;
    private long audioPts = -1;
    private Codec audioCodec;
    private boolean audioOverflow;
    private String error;

    public PsDemuxer() {
        this(DEFAULT_MAX_FRAME);
    }

    public PsDemuxer(int maxFrameBytes) {
        if (maxFrameBytes < 1024) {
            throw new IllegalArgumentException("maxFrameBytes must be at least 1024, got " + maxFrameBytes);
        }
        video = new VideoFrameAssembler(stats, maxFrameBytes);
    }

    public Stats stats() {
        return stats;
    }

    /** Bytes of buffer this demuxer holds (capacity, not content): bounded by about 2 x max frame + 72 KiB. */
    public long retainedBytes() {
        return (long) stage.length + audio.length + video.capacity();
    }

    /** The video codec as far as known (probed from the stream, else the PSM label), or null. */
    public Codec videoCodec() {
        return video.codec();
    }

    /** Feeds one RTP packet's payload; complete frames go to {@code out}. */
    public void onRtp(RtpPacket p, Consumer<AccessUnit> out) throws WireFormatException {
        onPayload(p.payload(), p.timestamp(), p.marker(), out);
    }

    /**
     * Feeds one RTP payload with the packet's timestamp and marker bit. The buffer is read, not consumed
     * or released.
     */
    public void onPayload(ByteBuf payload, long timestamp, boolean marker, Consumer<AccessUnit> out) throws WireFormatException {
        stats.packets++;
        stats.bytes += payload.readableBytes();
        if (prevRtpTs >= 0 && timestamp != prevRtpTs) {
            endOfFrame(out);
        }
        prevRtpTs = timestamp;
        rtpTs = timestamp;
        feed(payload, true, out);
        if (marker && video.markerTrusted() && cleanBoundary() && video.hasPicture()) {
            video.endOfFrameAtMarker(out);
        }
        throwPending();
    }

    /**
     * Feeds a plain program stream (a file, no RTP): frames are cut by NAL units only. Call
     * {@link #flush} at the end to get the last frame.
     */
    public void onBytes(ByteBuf ps, Consumer<AccessUnit> out) throws WireFormatException {
        stats.bytes += ps.readableBytes();
        if (mode == Mode.UNKNOWN) {
            mode = Mode.PS; // a file or pipe of program stream, not RTP payloads to classify
        }
        int r = ps.readerIndex();
        int end = ps.writerIndex();
        while (r < end) {
            int n = Math.min(64 * 1024, end - r);
            feed(ps.slice(r, n), false, out);
            r += n;
        }
        throwPending();
    }

    /** End of stream: emits the frame in progress if it is complete as far as the PS says. */
    public void flush(Consumer<AccessUnit> out) throws WireFormatException {
        endOfFrame(out);
        throwPending();
    }

    /** After packet loss: drops partial headers and the frame in progress; waits for the next keyframe. */
    public void reset() {
        state = State.SCAN;
        held = 0;
        remaining = 0;
        audioLen = 0;
        audioOverflow = false;
        video.reset();
        prevRtpTs = -1;
    }

    private void throwPending() throws WireFormatException {
        String e = error != null ? error : video.takeError();
        error = null;
        if (e != null) {
            throw new WireFormatException("ps", e);
        }
    }

    private void fail(String message) {
        stats.malformed++;
        if (error == null) {
            error = message;
        }
    }

    /** No PES or header is open (up to 2 held bytes are trailing stuffing, not a header). */
    private boolean cleanBoundary() {
        return held < 3 && state == State.SCAN;
    }

    /** The transport says a frame ended: close an open unbounded PES, emit the frame. */
    private void endOfFrame(Consumer<AccessUnit> out) {
        if (held > 0 && state == State.PES_UNBOUNDED) {
            sink(stage, 0, held, out); // bytes held back in case they began a start code
            held = 0;
        }
        if (state == State.PES_UNBOUNDED) {
            endPes(out);
            state = State.SCAN;
        } else if (state == State.PES_PAYLOAD || held >= 3) {
            // the frame ended inside a PES or header: the rest never came
            stats.truncatedFrames++;
            fail("frame ended inside a PES packet (" + (state == State.PES_PAYLOAD ? remaining + " payload bytes missing" : "header cut off")
                    + "); dropped it, check for packet loss");
            video.reset();
            audioLen = 0;
            state = State.SCAN;
            held = 0;
            return;
        }
        if (state == State.SKIP) {
            state = State.SCAN;
        }
        held = 0;
        video.endOfFrame(out);
    }

    private void feed(ByteBuf in, boolean packetStart, Consumer<AccessUnit> out) {
        int n = in.readableBytes();
        if (n == 0) {
            return;
        }
        if (held == 0 && state == State.PES_PAYLOAD && isVideo(pesStream) && !in.hasArray()) {
            // mid-frame packet of a direct buffer: its PES payload goes straight into the frame, one copy
            int k = Math.min(remaining, n);
            video.append(in, in.readerIndex(), k, rtpTs, out);
            remaining -= k;
            if (remaining == 0) {
                state = State.SCAN;
            }
            if (k == n) {
                return;
            }
            in = in.slice(in.readerIndex() + k, n - k);
            n -= k;
            packetStart = false;
        }
        byte[] a;
        int pos;
        int end;
        if (held == 0 && in.hasArray()) {
            a = in.array();
            pos = in.arrayOffset() + in.readerIndex();
            end = pos + n;
        } else {
            if (held + n > stage.length) {
                stage = Arrays.copyOf(stage, Math.max(held + n, stage.length * 2));
            }
            in.getBytes(in.readerIndex(), stage, held, n);
            a = stage;
            pos = 0;
            end = held + n;
            held = 0;
        }
        if (packetStart && state == State.SCAN) {
            detectMode(a, pos, end);
        }
        if (mode == Mode.RAW) {
            video.append(a, pos, end - pos, rtpTs, out);
            return;
        }
        if (mode == Mode.UNKNOWN) {
            stats.resyncBytes += end - pos;
            return;
        }
        parse(a, pos, end, out);
        if (stage.length > 64 * 1024 && held <= MAX_HEADER) {
            stage = Arrays.copyOf(stage, Math.max(2048, held)); // a big onBytes chunk passed through
        }
    }

    /** At a packet start outside any PES: PS if it starts with a PS start code, raw Annex-B if with a NAL. */
    private void detectMode(byte[] a, int pos, int end) {
        if (end - pos < 5 || a[pos] != 0 || a[pos + 1] != 0) {
            return;
        }
        int b2 = a[pos + 2] & 0xFF;
        int code = b2 == 1 ? a[pos + 3] & 0xFF : b2 == 0 && a[pos + 3] == 1 ? a[pos + 4] & 0xFF : -1;
        if (code < 0) {
            return;
        }
        if (b2 == 1 && code >= 0xB9) {
            mode = Mode.PS;
        } else if (code < 0x80) {
            if (mode != Mode.RAW) {
                mode = Mode.RAW;
                if (video.codec() == null) {
                    video.label(null);
                }
            }
        }
    }

    private void parse(byte[] a, int pos, int end, Consumer<AccessUnit> out) {
        while (pos < end) {
            switch (state) {
                case PES_PAYLOAD -> {
                    int n = Math.min(remaining, end - pos);
                    sink(a, pos, n, out);
                    pos += n;
                    remaining -= n;
                    if (remaining == 0) {
                        endPes(out);
                        state = State.SCAN;
                    }
                }
                case SKIP -> {
                    int n = Math.min(remaining, end - pos);
                    pos += n;
                    remaining -= n;
                    if (remaining == 0) {
                        state = State.SCAN;
                    }
                }
                case PES_UNBOUNDED -> pos = unbounded(a, pos, end, out);
                case SCAN -> pos = header(a, pos, end, out);
            }
            if (pos < 0) {
                return; // header incomplete: bytes were held for the next call
            }
        }
    }

    /** Copies payload up to the next PS start code ({@code 00 00 01 B9..FF}); holds back a possible partial one. */
    private int unbounded(byte[] a, int pos, int end, Consumer<AccessUnit> out) {
        int i = pos;
        while (true) {
            int sc = nvr.gb28181.nal.NalUnits.findStartCode(a, i, end);
            if (sc < 0) {
                break;
            }
            if (sc + 3 >= end) {
                sink(a, pos, sc - pos, out);
                hold(a, sc, end);
                return -1;
            }
            if ((a[sc + 3] & 0xFF) >= 0xB9) {
                sink(a, pos, sc - pos, out);
                endPes(out);
                state = State.SCAN;
                return sc;
            }
            i = sc + 3;
        }
        int keep = end - pos >= 2 && a[end - 1] == 0 && a[end - 2] == 0 ? 2 : end - pos >= 1 && a[end - 1] == 0 ? 1 : 0;
        sink(a, pos, end - pos - keep, out);
        if (keep > 0) {
            hold(a, end - keep, end);
            return -1;
        }
        return end;
    }

    private void hold(byte[] a, int from, int end) {
        int n = end - from;
        if (a == stage) {
            System.arraycopy(stage, from, stage, 0, n);
        } else {
            if (n > stage.length) {
                stage = new byte[n];
            }
            System.arraycopy(a, from, stage, 0, n);
        }
        held = n;
    }

    /** In SCAN state: finds and parses the next PS header; returns the new position or -1 when held. */
    private int header(byte[] a, int pos, int end, Consumer<AccessUnit> out) {
        // look for 00 00 01 xx; everything before it is garbage (zero/0xFF stuffing is tolerated silently)
        int start = pos;
        while (pos + 3 < end && !(a[pos] == 0 && a[pos + 1] == 0 && a[pos + 2] == 1)) {
            pos++;
        }
        if (pos > start) {
            skipped(a, start, pos);
        }
        if (pos + 3 >= end) {
            int keep = Math.min(3, end - pos);
            skipped(a, pos, end - keep);
            hold(a, end - keep, end);
            return -1;
        }
        int avail = end - pos;
        int code = a[pos + 3] & 0xFF;
        if (code == 0xBA) {
            if (avail < 5) {
                return need(a, pos, end, 5);
            }
            int kind = (a[pos + 4] & 0xFF) >> 4;
            int size;
            if ((kind & 0xC) == 0x4) { // MPEG-2: 14 bytes + pack_stuffing_length
                if (avail < 14) {
                    return need(a, pos, end, 14);
                }
                size = 14 + (a[pos + 13] & 0x07);
            } else if (kind == 0x2) { // MPEG-1 pack header
                size = 12;
            } else {
                fail("pack header with unknown marker bits 0x" + Integer.toHexString(a[pos + 4] & 0xFF) + "; skipped it");
                return pos + 4;
            }
            if (avail < size) {
                return need(a, pos, end, size);
            }
            return pos + size;
        }
        if (code == 0xB9) {
            return pos + 4; // program end
        }
        if (code < 0xB9) {
            // not a PS start code (e.g. a NAL start code outside any PES): skip it
            stats.resyncBytes += 4;
            fail("unexpected start code 00 00 01 " + String.format("%02X", code) + " outside a PES; skipped to the next PS header");
            return pos + 4;
        }
        if (avail < 6) {
            return need(a, pos, end, 6);
        }
        int length = (a[pos + 4] & 0xFF) << 8 | a[pos + 5] & 0xFF;
        if (code == 0xBC) {
            if (length > MAX_HEADER - 6) {
                stats.psmErrors++;
                fail("PSM of " + length + " bytes exceeds " + (MAX_HEADER - 6) + "; ignored it");
                state = State.SKIP;
                remaining = length;
                return pos + 6;
            }
            if (avail < 6 + length) {
                return need(a, pos, end, 6 + length);
            }
            parsePsm(a, pos + 6, length);
            return pos + 6 + length;
        }
        if (code >= 0xC0 && code <= 0xEF) {
            return pes(a, pos, end, code, length, out);
        }
        // system header 0xBB, private 1 0xBD, padding 0xBE, private 2 0xBF, ECM/EMM/DSMCC/... 0xF0-0xFF: skip
        if (length == 0) {
            pesStream = code; // private data of unknown length: discard up to the next PS start code
            state = State.PES_UNBOUNDED;
            return pos + 6;
        }
        state = State.SKIP;
        remaining = length;
        return pos + 6;
    }

    private void skipped(byte[] a, int from, int to) {
        if (to <= from) {
            return;
        }
        stats.resyncBytes += to - from;
        for (int i = from; i < to; i++) {
            if (a[i] != 0 && a[i] != (byte) 0xFF) {
                fail("skipped " + (to - from) + " bytes that are not MPEG-PS; resynchronised at the next PS start code");
                return;
            }
        }
    }

    /** Holds an incomplete header of {@code size} bytes for the next call. */
    private int need(byte[] a, int pos, int end, int size) {
        // invariant: callers check avail < size and size <= MAX_HEADER, so at most MAX_HEADER bytes are held
        assert end - pos < size && size <= MAX_HEADER : size;
        hold(a, pos, end);
        return -1;
    }

    private int pes(byte[] a, int pos, int end, int code, int length, Consumer<AccessUnit> out) {
        int avail = end - pos;
        int p = pos + 6;
        long pts = -1;
        int payloadStart;
        if (avail < 9) {
            return need(a, pos, end, 9);
        }
        if ((a[p] & 0xC0) == 0x80) { // MPEG-2 PES header
            int flags = a[p + 1] & 0xFF;
            int hdl = a[p + 2] & 0xFF;
            if (avail < 9 + hdl) {
                return need(a, pos, end, 9 + hdl);
            }
            if ((flags & 0x80) != 0 && hdl >= 5) {
                pts = readTs(a, p + 3);
            }
            payloadStart = p + 3 + hdl;
        } else { // MPEG-1 PES header: stuffing, optional STD buffer, PTS/DTS or 0x0F
            int q = p;
            while (q < pos + 6 + 16 && q < end && a[q] == (byte) 0xFF) {
                q++;
            }
            if (q + 1 > end) {
                return need(a, pos, end, q + 1 - pos);
            }
            if ((a[q] & 0xC0) == 0x40) {
                q += 2;
            }
            if (q + 1 > end) {
                return need(a, pos, end, q + 1 - pos);
            }
            int t = (a[q] & 0xF0);
            int sz = t == 0x20 ? 5 : t == 0x30 ? 10 : a[q] == 0x0F ? 1 : -1;
            if (sz < 0) {
                fail("PES header of stream 0x" + Integer.toHexString(code) + " is neither MPEG-2 nor MPEG-1; skipped it");
                state = length == 0 ? State.SCAN : State.SKIP;
                remaining = length;
                return pos + 6;
            }
            if (q + sz > end) {
                return need(a, pos, end, q + sz - pos);
            }
            if (sz > 1) {
                pts = readTs(a, q);
            }
            payloadStart = q + sz;
        }
        int headerAfterLength = payloadStart - (pos + 6);
        if (length != 0 && length < headerAfterLength) {
            fail("PES length " + length + " is shorter than its own header; skipped it");
            return pos + 6;
        }
        pesStream = code;
        if (code >= 0xE0) {
            Codec label = Codec.fromStreamType(streamTypes[code]);
            if (label != null && label.isVideo()) {
                video.label(label);
            }
            video.pesStart(pts, rtpTs);
        } else {
            audioPts = pts >= 0 ? pts : rtpTs;
            audioLen = 0;
            audioOverflow = false;
        }
        if (length == 0) {
            state = State.PES_UNBOUNDED;
        } else {
            remaining = length - headerAfterLength;
            state = remaining == 0 ? State.SCAN : State.PES_PAYLOAD;
            if (remaining == 0) {
                endPes(out);
            }
        }
        return payloadStart;
    }

    private static long readTs(byte[] a, int p) {
        return ((long) (a[p] & 0x0E) << 29) | ((a[p + 1] & 0xFF) << 22) | ((a[p + 2] & 0xFE) << 14)
                | ((a[p + 3] & 0xFF) << 7) | ((a[p + 4] & 0xFF) >> 1);
    }

    private static boolean isVideo(int streamId) {
        return streamId >= 0xE0 && streamId <= 0xEF;
    }

    private void sink(byte[] a, int off, int n, Consumer<AccessUnit> out) {
        if (n <= 0) {
            return;
        }
        if (pesStream >= 0xE0 && pesStream <= 0xEF) {
            video.append(a, off, n, rtpTs, out);
        } else if (pesStream >= 0xC0 && pesStream <= 0xDF) {
            if (audioLen + n > MAX_AUDIO_FRAME) {
                if (!audioOverflow) {
                    fail("audio PES exceeds " + MAX_AUDIO_FRAME + " bytes; dropped it");
                }
                audioOverflow = true;
                return;
            }
            if (audioLen + n > audio.length) {
                audio = Arrays.copyOf(audio, Math.max(audioLen + n, audio.length * 2));
            }
            System.arraycopy(a, off, audio, audioLen, n);
            audioLen += n;
        }
    }

    /** A PES packet ended: audio PES are one frame each; video continues until a frame boundary. */
    private void endPes(Consumer<AccessUnit> out) {
        if (pesStream < 0xC0 || pesStream > 0xDF) {
            return;
        }
        if (audioOverflow || audioLen == 0) {
            audioLen = 0;
            audioOverflow = false;
            return;
        }
        Codec c = audioCodec(pesStream);
        stats.audioFrames++;
        out.accept(new AccessUnit(c, audioPts, true, Arrays.copyOf(audio, audioLen)));
        audioLen = 0;
    }

    private Codec audioCodec(int streamId) {
        Codec label = Codec.fromStreamType(streamTypes[streamId]);
        if (audioCodec == null || label != null && label != audioCodec && audioCodec != Codec.AAC) {
            Codec probed = CodecProbe.looksLikeAdts(audio, 0, audioLen) ? Codec.AAC : null;
            Codec c = probed != null ? probed : label != null && !label.isVideo() ? label : Codec.G711A;
            if (probed != null && label != null && label != probed) {
                stats.codecRelabelled++;
            }
            audioCodec = c;
        }
        return audioCodec;
    }

    /** ISO/IEC 13818-1 2.5.4: keeps every complete (stream_type, stream_id) entry even if a length lies. */
    private void parsePsm(byte[] a, int p, int length) {
        int end = p + length;
        if (length < 6) {
            stats.psmErrors++;
            return;
        }
        int infoLen = (a[p + 2] & 0xFF) << 8 | a[p + 3] & 0xFF;
        int q = p + 4 + infoLen;
        if (q + 2 > end) {
            stats.psmErrors++;
            return;
        }
        int mapLen = (a[q] & 0xFF) << 8 | a[q + 1] & 0xFF;
        q += 2;
        int mapEnd = Math.min(q + mapLen, end);
        if (q + mapLen > end) {
            stats.psmErrors++;
        }
        while (q + 4 <= mapEnd) {
            int type = a[q] & 0xFF;
            int id = a[q + 1] & 0xFF;
            int esInfo = (a[q + 2] & 0xFF) << 8 | a[q + 3] & 0xFF;
            streamTypes[id] = type;
            if (id >= 0xE0 && Codec.fromStreamType(type) != null && Codec.fromStreamType(type).isVideo()) {
                video.label(Codec.fromStreamType(type));
            }
            q += 4 + esInfo;
            if (q > mapEnd) {
                stats.psmErrors++; // bad elementary_stream_info_length: keep what we have
                break;
            }
        }
    }
}
