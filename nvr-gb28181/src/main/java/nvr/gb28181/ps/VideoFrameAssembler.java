package nvr.gb28181.ps;

import io.netty.buffer.ByteBuf;
import java.util.Arrays;
import java.util.function.Consumer;
import nvr.gb28181.media.AccessUnit;
import nvr.gb28181.media.Codec;
import nvr.gb28181.nal.CodecProbe;
import nvr.gb28181.nal.NalUnits;

/**
 * Accumulates one video elementary stream (Annex-B) and cuts it into access units where the NAL units
 * say a new picture starts (H.264 7.4.1.2.3 / H.265 7.4.2.4.4), or where the transport says a frame
 * ended ({@link #endOfFrame}). Probes the codec from the bytes and trusts that over the PSM label.
 */
final class VideoFrameAssembler {
    private static final int PROBE_LIMIT = 256 * 1024;
    private static final int PTS_SLOTS = 8;

    private final PsDemuxer.Stats stats;
    private final int maxFrame;
    private byte[] buf = new byte[64 * 1024];
    private int auStart;       // invariant: auStart <= scanPos <= len
    private int scanPos;       // next offset to look for a start code at
    private int len;
    private boolean hasVcl;
    private boolean keyframe;
    private boolean junk;      // current unit overflowed maxFrame: its bytes are dropped, not emitted
    private long auPts = -1;
    private long auRtpTs = -1;
    private long lastPts = -1;
    private final int[] pesOffset = new int[PTS_SLOTS];
    private final long[] pesPts = new long[PTS_SLOTS];
    private int pesCount;
    private Codec label;       // from the PSM or the stream id, may be wrong
    private Codec codec;       // probed; null until known
    private boolean awaitKeyframe = true;
    private boolean markerTrusted = true;
    private boolean checkContinuation; // a marker just ended a frame: the next video bytes must start a new one
    private String error;

    VideoFrameAssembler(PsDemuxer.Stats stats, int maxFrame) {
        this.stats = stats;
        this.maxFrame = maxFrame;
    }

    int capacity() {
        return buf.length;
    }

    Codec codec() {
        return codec != null ? codec : label;
    }

    void label(Codec c) {
        label = c;
    }

    /** Drops the unit in progress; the next emitted unit will be a keyframe. Keeps the probed codec. */
    void reset() {
        auStart = scanPos = len = 0;
        hasVcl = keyframe = junk = false;
        auPts = auRtpTs = -1;
        pesCount = 0;
        awaitKeyframe = true;
        checkContinuation = false;
    }

    /** An error to report to the caller (collected, so that processing can finish first), or null. */
    String takeError() {
        String e = error;
        error = null;
        return e;
    }

    /** A PES carrying this stream starts here; its PTS (or -1) applies to the first unit starting in it. */
    void pesStart(long pts, long rtpTs) {
        if (auRtpTs < 0 && len == auStart) {
            auRtpTs = rtpTs;
        }
        if (pts < 0) {
            return;
        }
        if (!hasVcl && auPts < 0) {
            auPts = pts;
            return;
        }
        if (pts == auPts) {
            return; // a continuation PES repeating its frame's PTS
        }
        if (pesCount == PTS_SLOTS) {
            System.arraycopy(pesOffset, 1, pesOffset, 0, PTS_SLOTS - 1);
            System.arraycopy(pesPts, 1, pesPts, 0, PTS_SLOTS - 1);
            pesCount--;
        }
        pesOffset[pesCount] = len;
        pesPts[pesCount++] = pts;
    }

    /** Appends straight from a (direct) buffer: the one copy of these bytes the demuxer makes. */
    void append(ByteBuf src, int index, int n, long rtpTs, Consumer<AccessUnit> out) {
        if (n <= 0) {
            return;
        }
        if (checkContinuation || len + n > buf.length) {
            byte[] tmp = new byte[n]; // rare: let the array path handle checks and growth
            src.getBytes(index, tmp);
            append(tmp, 0, n, rtpTs, out);
            return;
        }
        if (auRtpTs < 0) {
            auRtpTs = rtpTs;
        }
        src.getBytes(index, buf, len, n);
        len += n;
        scan(rtpTs, out);
    }

    void append(byte[] a, int off, int n, long rtpTs, Consumer<AccessUnit> out) {
        if (n <= 0) {
            return;
        }
        if (auRtpTs < 0) {
            auRtpTs = rtpTs;
        }
        if (checkContinuation) {
            checkContinuation = false;
            if (len == auStart && !startsFrame(a, off, n)) {
                // the marker lied (set mid-frame): ignore markers from now on, drop the orphaned rest
                markerTrusted = false;
                stats.markerDistrusted = 1;
                junk = true;
                hasVcl = true;
                error = "RTP marker bit set in the middle of a frame; ignoring markers on this stream from now on";
            }
        }
        if (len + n > buf.length) {
            makeRoom(n);
        }
        System.arraycopy(a, off, buf, len, n);
        len += n;
        scan(rtpTs, out);
        if (junk && len - scanPos < 16 && len - auStart > 64 * 1024) {
            // dropping an oversized unit: keep only the bytes the scanner has not looked at
            int keep = len - scanPos;
            System.arraycopy(buf, scanPos, buf, 0, keep);
            auStart = scanPos = 0;
            len = keep;
            pesCount = 0;
        }
    }

    /** The transport says the current frame is complete: emit it if it holds a picture. */
    void endOfFrame(Consumer<AccessUnit> out) {
        if (hasVcl) {
            emit(len, out);
            auStart = scanPos = len = 0;
            pesCount = 0;
            auRtpTs = -1;
        }
    }

    /** Like {@link #endOfFrame}, on the RTP marker bit; checks that the next bytes really start a frame. */
    void endOfFrameAtMarker(Consumer<AccessUnit> out) {
        endOfFrame(out);
        checkContinuation = true;
    }

    boolean markerTrusted() {
        return markerTrusted;
    }

    /** True when the bytes begin with a start code whose NAL begins an access unit (or too few bytes to tell). */
    private boolean startsFrame(byte[] a, int off, int n) {
        int sc = n >= 4 && a[off] == 0 && a[off + 1] == 0 && a[off + 2] == 1 ? off
                : n >= 5 && a[off] == 0 && a[off + 1] == 0 && a[off + 2] == 0 && a[off + 3] == 1 ? off + 1 : -1;
        if (sc < 0) {
            return false;
        }
        Codec c = codec();
        return c == null || NalUnits.startsAccessUnit(c, a, sc + 3, off + n);
    }

    boolean hasPicture() {
        return hasVcl;
    }

    private void makeRoom(int n) {
        int live = len - auStart;
        if (live + n > maxFrame && !junk) {
            junk = true; // invariant: buffer never grows past maxFrame + one chunk
            stats.oversizedFrames++;
            error = "video frame exceeds " + maxFrame + " bytes; dropped it and resynchronised at the next frame";
            hasVcl = true; // so the next access-unit start cuts (and drops) it
            keyframe = false;
            int keep = len - scanPos;
            System.arraycopy(buf, scanPos, buf, 0, keep);
            auStart = scanPos = 0;
            len = keep;
            pesCount = 0;
            live = keep;
        } else if (auStart > 0) {
            System.arraycopy(buf, auStart, buf, 0, live);
            scanPos -= auStart;
            for (int i = 0; i < pesCount; i++) {
                pesOffset[i] -= auStart;
            }
            len = live;
            auStart = 0;
        }
        if (len + n > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(len + n, Math.min(maxFrame + 256 * 1024, buf.length * 2)));
        }
    }

    private void scan(long rtpTs, Consumer<AccessUnit> out) {
        if (codec == null) {
            Codec probed = CodecProbe.probeVideo(buf, auStart, len - auStart);
            if (probed != null) {
                if (label != null && probed != label) {
                    stats.codecRelabelled++;
                }
                codec = probed;
            } else if (len - auStart < PROBE_LIMIT && (label == null || len - auStart < 64)) {
                return; // not enough bytes to tell yet
            } else {
                codec = label != null ? label : Codec.H264;
            }
        }
        Codec c = codec;
        int need = c == Codec.H265 ? 3 : 2; // start-code bytes after which startsAccessUnit can decide
        int sc = NalUnits.findStartCode(buf, scanPos, len);
        while (sc >= 0) {
            int nal = sc + 3;
            if (nal + need > len) {
                scanPos = sc;
                return;
            }
            if (hasVcl && NalUnits.startsAccessUnit(c, buf, nal, len)) {
                int cut = sc > auStart && buf[sc - 1] == 0 ? sc - 1 : sc;
                emit(cut, out);
                auStart = cut;
                auRtpTs = rtpTs;
                assignPts(cut);
            }
            int t = NalUnits.nalType(c, buf[nal]);
            if (NalUnits.isVcl(c, t)) {
                hasVcl = true;
                keyframe |= NalUnits.isKeyNal(c, t);
            }
            sc = NalUnits.findStartCode(buf, nal, len);
        }
        scanPos = Math.max(scanPos, len - 3);
    }

    /** Picks the PTS for a unit starting at {@code cut}: the latest PES that started at or before it. */
    private void assignPts(int cut) {
        auPts = -1;
        int used = 0;
        for (int i = 0; i < pesCount; i++) {
            if (pesOffset[i] <= cut) {
                auPts = pesPts[i];
                used = i + 1;
            }
        }
        System.arraycopy(pesOffset, used, pesOffset, 0, pesCount - used);
        System.arraycopy(pesPts, used, pesPts, 0, pesCount - used);
        pesCount -= used;
    }

    private void emit(int end, Consumer<AccessUnit> out) {
        boolean wasJunk = junk;
        boolean key = keyframe;
        long pts = auPts >= 0 ? auPts : auRtpTs >= 0 ? auRtpTs : lastPts;
        hasVcl = keyframe = junk = false;
        auPts = -1;
        if (wasJunk) {
            return;
        }
        if (awaitKeyframe && !key) {
            stats.droppedBeforeKeyframe++;
            return;
        }
        awaitKeyframe = false;
        lastPts = pts;
        stats.videoFrames++;
        out.accept(new AccessUnit(codec(), pts, key, Arrays.copyOfRange(buf, auStart, end)));
    }
}
