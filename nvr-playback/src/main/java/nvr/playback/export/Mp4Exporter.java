package nvr.playback.export;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import nvr.gb28181.WireFormatException;
import nvr.gb28181.media.Codec;
import nvr.gb28181.nal.NalUnits;
import nvr.gb28181.nal.SpsInfo;
import nvr.gb28181.nal.SpsParser;
import nvr.storage.Coverage;
import nvr.storage.FrameCursor;
import nvr.storage.FrameRecord;
import nvr.storage.SegmentInfo;
import nvr.storage.Store;
import nvr.storage.audit.AuditEvent;
import org.jcodec.common.MuxerTrack;
import org.jcodec.common.VideoCodecMeta;
import org.jcodec.common.io.NIOUtils;
import org.jcodec.common.io.SeekableByteChannel;
import org.jcodec.common.model.ColorSpace;
import org.jcodec.common.model.Packet;
import org.jcodec.common.model.Size;
import org.jcodec.containers.mp4.MP4TrackType;
import org.jcodec.containers.mp4.boxes.VideoSampleEntry;
import org.jcodec.containers.mp4.muxer.MP4Muxer;
import org.jcodec.containers.mp4.muxer.MP4MuxerTrack;

/**
 * Exports a camera's recording over a time range to MP4 plus its SHA-256 manifest (see package-info).
 * Blocking; run it on a worker thread (the CLI's main thread), never on an event loop.
 */
public final class Mp4Exporter {
    static final int TIMESCALE = 90_000;
    private static final long DEFAULT_FRAME_90K = 3600; // 40 ms, for a one-frame export

    private Mp4Exporter() {
    }

    /**
     * Writes {@code out} (via a temporary file renamed at the end) and {@code out + ".sha256.json"}, and
     * audits the export as {@code who}.
     *
     * @throws ExportException no footage in the range, codec not H.264/H.265, undecodable parameter sets, or
     *         the export cannot be written to the audit log (the files are then removed)
     */
    public static ExportResult export(Store store, String camera, long fromMs, long toMs, Path out, String who,
                                      ExportProgress progress) throws IOException, ExportException {
        if (toMs <= fromMs) {
            throw new ExportException("export range is empty or inverted: --to must be after --from");
        }
        List<SegmentInfo> segments = store.segments(camera, fromMs, toMs);
        if (segments.isEmpty()) {
            throw new ExportException("no recording of camera " + camera + " between " + fromMs + " and " + toMs
                + "; check `nvr recordings list`");
        }
        Codec codec = Codec.fromStreamType(segments.get(0).streamType());
        if (codec != Codec.H264 && codec != Codec.H265) {
            throw new ExportException("camera " + camera + " is recorded as stream_type 0x"
                + Integer.toHexString(segments.get(0).streamType()) + "; only H.264 and H.265 can be exported");
        }
        Coverage coverage = store.coverage(camera, fromMs, toMs);
        Path parent = out.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        Path tmp = Files.createTempFile(parent, "." + out.getFileName(), ".part");
        Frames frames;
        try {
            frames = writeMp4(store, camera, fromMs, toMs, codec, tmp, progress);
            Files.move(tmp, out, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
        String sha = sha256(out);
        List<ExportResult.SegmentHash> hashes = new ArrayList<>();
        for (SegmentInfo s : segments) {
            if (s.endMs() >= frames.firstMs && s.startMs() <= frames.lastMs) {
                hashes.add(new ExportResult.SegmentHash(s.file().toString(), s.startMs(), s.endMs(),
                    Files.size(s.file()), sha256(s.file())));
            }
        }
        ExportResult result = new ExportResult(out, ExportManifest.pathFor(out), sha, Files.size(out), codec,
            frames.width, frames.height, frames.count, frames.firstMs, frames.lastMs, List.copyOf(hashes),
            coverage.gaps(), frames.audio == null ? null : frames.audio.codec(), frames.audio == null ? 0 : frames.audio.frames());
        long now = System.currentTimeMillis();
        Path manifestTmp = Files.createTempFile(parent, "." + result.manifest().getFileName(), ".part");
        try {
            Files.writeString(manifestTmp, ExportManifest.toJson(camera, fromMs, toMs, who, now, result), StandardCharsets.UTF_8);
            Files.move(manifestTmp, result.manifest(), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(manifestTmp);
        }
        try {
            store.audit(new AuditEvent(now, who, "export", camera, fromMs, toMs,
                "file=" + out.toAbsolutePath() + " sha256=" + sha + " frames=" + frames.count
                + (frames.audio == null ? "" : " audio=" + frames.audio.codec() + " audioFrames=" + frames.audio.frames())));
        } catch (UncheckedIOException e) {
            // footage must not leave unaudited: take the export back before reporting the failure
            Files.deleteIfExists(out);
            Files.deleteIfExists(result.manifest());
            throw new ExportException("export refused because it cannot be audited: " + e.getCause().getMessage()
                + "; check the audit log's disk", e);
        }
        return result;
    }

    /** Re-hashes {@code mp4} and compares with its {@code .sha256.json} manifest. */
    public static VerifyResult verify(Path mp4) throws IOException {
        Path manifest = ExportManifest.pathFor(mp4);
        if (!Files.exists(mp4)) {
            return new VerifyResult(false, null, null, mp4 + " does not exist");
        }
        if (!Files.exists(manifest)) {
            return new VerifyResult(false, null, null, "no manifest " + manifest.getFileName() + " next to " + mp4.getFileName());
        }
        String[] expected = ExportManifest.readFileHash(manifest);
        if (expected == null) {
            return new VerifyResult(false, null, null, manifest.getFileName() + " has no fileSha256/fileBytes; not an export manifest");
        }
        String actual = sha256(mp4);
        long size = Files.size(mp4);
        if (!actual.equals(expected[0]) || size != Long.parseLong(expected[1])) {
            return new VerifyResult(false, expected[0], actual, mp4.getFileName() + " was modified: SHA-256 " + actual
                + " (" + size + " bytes) does not match the manifest's " + expected[0] + " (" + expected[1] + " bytes)");
        }
        return new VerifyResult(true, expected[0], actual, "ok");
    }

    /** What was written: frame count, the first/last frame times and the picture size. */
    private static final class Frames {
        long count;
        long firstMs = -1;
        long lastMs = -1;
        int width;
        int height;
        G711Track audio; // null: no G.711 in the range
    }

    private static Frames writeMp4(Store store, String camera, long fromMs, long toMs, Codec codec, Path file,
                                   ExportProgress progress) throws IOException, ExportException {
        Frames st = new Frames();
        SampleWriter writer = null;
        SeekableByteChannel ch = NIOUtils.writableChannel(file.toFile());
        // audio may be stored up to GAP_MS behind a later video frame: read that far past the end for it
        try (FrameCursor cursor = store.openCursorWithAudio(camera, fromMs, toMs + Store.GAP_MS)) {
            MP4Muxer muxer = MP4Muxer.createMP4MuxerToChannel(ch);
            FrameRecord pending = null;
            long lastDuration = DEFAULT_FRAME_90K;
            for (FrameRecord f; (f = cursor.next()) != null; ) {
                if (FrameRecord.isAudio(f.streamType())) {
                    if (writer != null && f.timeMs() < toMs && G711Track.carries(f.streamType())) {
                        if (st.audio == null) {
                            st.audio = new G711Track(muxer, f.streamType(), st.firstMs); // the first G.711 codec seen
                        }
                        st.audio.add(f);
                    }
                    continue; // other audio (AAC, ...) is not exported yet
                }
                if (f.timeMs() >= toMs) {
                    break;
                }
                if (f.streamType() != codec.streamType()) {
                    continue; // a codec change mid-range: only the first video codec is exported
                }
                if (writer == null) {
                    if (!f.keyframe()) {
                        continue; // a decoder must start at a keyframe
                    }
                    SpsInfo sps = sps(codec, f.payload());
                    if (sps == null) {
                        continue; // keyframe without in-band SPS: wait for one that has it
                    }
                    st.width = sps.width();
                    st.height = sps.height();
                    st.firstMs = f.timeMs();
                    writer = codec == Codec.H264 ? new AvcWriter(muxer, sps) : new HevcWriter(muxer, sps);
                }
                if (pending != null) {
                    long d = Math.max(1, (f.timeMs() - pending.timeMs()) * 90);
                    writer.add(pending, (pending.timeMs() - st.firstMs) * 90, d, st.count);
                    lastDuration = d;
                    st.count++;
                    if ((st.count & 31) == 0) {
                        progress.progress(pending.timeMs() - fromMs, toMs - fromMs, st.count);
                    }
                }
                pending = f;
            }
            if (pending == null || writer == null) {
                throw new ExportException("camera " + camera + " has no decodable video (no keyframe with SPS) in the range");
            }
            writer.add(pending, (pending.timeMs() - st.firstMs) * 90, lastDuration, st.count);
            st.count++;
            st.lastMs = pending.timeMs();
            writer.finish();
            if (st.audio != null) {
                st.audio.finish();
            }
            muxer.finish();
            progress.progress(toMs - fromMs, toMs - fromMs, st.count);
        } finally {
            ch.close();
        }
        return st;
    }

    private static SpsInfo sps(Codec codec, byte[] au) {
        try {
            return SpsParser.find(codec, au, 0, au.length);
        } catch (WireFormatException e) {
            return null;
        }
    }

    /** Adds one codec's samples to the muxer. */
    private interface SampleWriter {
        void add(FrameRecord f, long pts90k, long duration90k, long frameNo) throws IOException, ExportException;

        void finish() throws ExportException;
    }

    /** H.264: jcodec's own avc1 track converts Annex-B and builds avcC from the SPS/PPS it sees. */
    private static final class AvcWriter implements SampleWriter {
        private final MuxerTrack track;

        AvcWriter(MP4Muxer muxer, SpsInfo sps) {
            this.track = muxer.addVideoTrack(org.jcodec.common.Codec.H264,
                VideoCodecMeta.createSimpleVideoCodecMeta(new Size(sps.width(), sps.height()), ColorSpace.YUV420));
        }

        @Override
        public void add(FrameRecord f, long pts, long duration, long frameNo) throws IOException {
            track.addFrame(Packet.createPacket(ByteBuffer.wrap(f.payload()), pts, TIMESCALE, duration, frameNo,
                f.keyframe() ? Packet.FrameType.KEY : Packet.FrameType.INTER, null));
        }

        @Override
        public void finish() {
        }
    }

    /** H.265: plain jcodec track; we convert to length-prefixed NALs and add the hvc1/hvcC sample entry. */
    private static final class HevcWriter implements SampleWriter {
        private final MP4MuxerTrack track;
        private final SpsInfo sps;
        private final List<byte[]> vps = new ArrayList<>();
        private final List<byte[]> spsNals = new ArrayList<>();
        private final List<byte[]> pps = new ArrayList<>();

        HevcWriter(MP4Muxer muxer, SpsInfo sps) {
            this.sps = sps;
            this.track = muxer.addTrack(new MP4MuxerTrack(muxer.getNextTrackId(), MP4TrackType.VIDEO));
        }

        @Override
        public void add(FrameRecord f, long pts, long duration, long frameNo) throws IOException, ExportException {
            byte[] au = f.payload();
            // a NAL of n bytes after a 3-byte start code becomes 4 + n bytes: at most a third more
            ByteBuffer sample = ByteBuffer.allocate(au.length + au.length / 3 + 16);
            try {
                NalUnits.forEachNal(au, 0, au.length, (a, start, end) -> {
                    int type = (a[start] >> 1) & 0x3F;
                    switch (type) {
                        case NalUnits.H265_VPS -> remember(vps, a, start, end);
                        case NalUnits.H265_SPS -> remember(spsNals, a, start, end);
                        case NalUnits.H265_PPS -> remember(pps, a, start, end);
                        case NalUnits.H265_AUD -> { }
                        default -> {
                            int len = end - start;
                            ensure(sample, len + 4);
                            sample.putInt(len);
                            sample.put(a, start, len);
                        }
                    }
                });
            } catch (WireFormatException e) {
                throw new ExportException("H.265 frame at " + f.timeMs() + " is not Annex-B: " + e.getMessage());
            } catch (java.nio.BufferOverflowException e) {
                throw new ExportException("H.265 frame at " + f.timeMs() + " grew while converting");
            }
            sample.flip();
            track.addFrame(Packet.createPacket(sample, pts, TIMESCALE, duration, frameNo,
                f.keyframe() ? Packet.FrameType.KEY : Packet.FrameType.INTER, null));
        }

        private static void ensure(ByteBuffer b, int n) {
            if (b.remaining() < n) {
                throw new java.nio.BufferOverflowException();
            }
        }

        /** Keeps the distinct parameter sets in first-seen order (they normally repeat before every IDR). */
        private static void remember(List<byte[]> list, byte[] a, int start, int end) {
            byte[] nal = java.util.Arrays.copyOfRange(a, start, end);
            for (byte[] known : list) {
                if (java.util.Arrays.equals(known, nal)) {
                    return;
                }
            }
            if (list.size() < 16) {
                list.add(nal);
            }
        }

        @Override
        public void finish() throws ExportException {
            VideoSampleEntry entry = VideoSampleEntry.videoSampleEntry("hvc1", new Size(sps.width(), sps.height()), "nvr");
            entry.add(HvcCBox.of(vps, spsNals, pps));
            track.addSampleEntry(entry);
        }
    }

    static String sha256(Path file) throws IOException {
        MessageDigest md;
        try {
            md = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("JDK without SHA-256", e);
        }
        byte[] buf = new byte[1 << 16];
        try (InputStream in = Files.newInputStream(file)) {
            for (int n; (n = in.read(buf)) > 0; ) {
                md.update(buf, 0, n);
            }
        }
        return HexFormat.of().formatHex(md.digest());
    }
}
