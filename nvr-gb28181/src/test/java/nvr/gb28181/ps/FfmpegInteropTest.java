package nvr.gb28181.ps;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import nvr.gb28181.media.AccessUnit;
import nvr.gb28181.media.Codec;
import nvr.gb28181.rtp.RtpDecoder;
import nvr.gb28181.rtp.RtpPacket;
import nvr.gb28181.rtp.RtpPacketizer;
import nvr.gb28181.rtp.RtpTcpFramer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Our demuxer against ffmpeg's PS (an MPEG-1 system stream without PSM, H.264 on 0xE2: a quirk case),
 * and ffmpeg against our muxer: every PS and PS-over-RTP stream we write must decode with zero errors.
 */
class FfmpegInteropTest {
    @TempDir
    static Path dir;

    @BeforeAll
    static void ffmpeg() {
        Ffmpeg.assumeInstalled();
    }

    @ParameterizedTest
    @EnumSource(value = Codec.class, names = {"H264", "H265"})
    void ffmpegProgramStreamDemuxesToFfmpegsOwnFrames(Codec codec) throws Exception {
        Path mpg = dir.resolve("ffmpeg-" + codec + ".mpg");
        Ffmpeg.testClip(codec, 2, "mpeg", mpg);
        List<AccessUnit> expected = Ffmpeg.annexB(codec, mpg, dir);
        assertEquals(50, expected.size());

        PsDemuxer demuxer = new PsDemuxer();
        List<AccessUnit> got = new ArrayList<>();
        byte[] ps = Files.readAllBytes(mpg);
        // feed in odd-sized chunks so headers and PES straddle calls
        for (int pos = 0; pos < ps.length; pos += 997) {
            demuxer.onBytes(Unpooled.wrappedBuffer(ps, pos, Math.min(997, ps.length - pos)), got::add);
        }
        demuxer.flush(got::add);
        assertEquals(codec, demuxer.videoCodec());
        assertEquals(expected.size(), got.size(), "frames; " + demuxer.stats());
        // ffmpeg's H.265 parser leaves a 4-byte start code's zero_byte on the previous frame, its H.264
        // parser and we (H.264/H.265 Annex B: it belongs to the next byte_stream_nal_unit) on the next one
        java.io.ByteArrayOutputStream all = new java.io.ByteArrayOutputStream();
        java.io.ByteArrayOutputStream allExpected = new java.io.ByteArrayOutputStream();
        for (int i = 0; i < expected.size(); i++) {
            all.write(got.get(i).data());
            allExpected.write(expected.get(i).data());
            assertArrayEquals(stripZeros(expected.get(i).data()), stripZeros(got.get(i).data()), "frame " + i);
            assertEquals(expected.get(i).keyframe(), got.get(i).keyframe(), "keyframe flag of frame " + i);
        }
        assertArrayEquals(allExpected.toByteArray(), all.toByteArray(), "the elementary stream, byte for byte");
        // the whole-clip splitter agrees with the streaming demuxer
        List<byte[]> split = nvr.gb28181.nal.NalUnits.splitAccessUnits(codec, allExpected.toByteArray(), 0, allExpected.size());
        assertEquals(got.size(), split.size());
        for (int i = 0; i < split.size(); i++) {
            assertArrayEquals(got.get(i).data(), split.get(i), "splitAccessUnits frame " + i);
        }
        assertEquals(0, demuxer.stats().malformed(), demuxer.stats().toString());
    }

    private static byte[] stripZeros(byte[] d) {
        int from = 0;
        int to = d.length;
        while (from < to && d[from] == 0) {
            from++;
        }
        while (to > from && d[to - 1] == 0) {
            to--;
        }
        return java.util.Arrays.copyOfRange(d, from, to);
    }

    @ParameterizedTest
    @EnumSource(value = Codec.class, names = {"H264", "H265"})
    void ourProgramStreamAndItsRtpDecodeInFfmpegWithoutErrors(Codec codec) throws Exception {
        Path src = dir.resolve("src-" + codec + ".mkv");
        Ffmpeg.testClip(codec, 2, "matroska", src, false);
        List<AccessUnit> frames = Ffmpeg.annexB(codec, src, dir);

        PsMuxer muxer = new PsMuxer(codec, null);
        RtpPacketizer packetizer = new RtpPacketizer(0x12345678L, 96, 65500);
        RtpTcpFramer framer = new RtpTcpFramer();
        Path psFile = dir.resolve("ours-" + codec + ".mpg");
        Path viaRtp = dir.resolve("ours-rtp-" + codec + ".mpg");
        PsDemuxer demuxer = new PsDemuxer();
        List<AccessUnit> demuxed = new ArrayList<>();
        try (OutputStream ps = Files.newOutputStream(psFile); OutputStream rtpPs = Files.newOutputStream(viaRtp)) {
            for (AccessUnit au : frames) {
                ByteBuf frame = Unpooled.buffer();
                muxer.mux(au, frame);
                ps.write(frame.array(), frame.arrayOffset(), frame.readableBytes());
                ByteBuf tcp = Unpooled.buffer();
                packetizer.packetize(frame, au.pts90k(), true, ByteBufAllocator.DEFAULT, pkt -> {
                    tcp.writeBytes(pkt);
                    pkt.release();
                });
                framer.feed(tcp, pkt -> {
                    try {
                        RtpPacket p = RtpDecoder.decode(pkt);
                        assertTrue(p.payload().readableBytes() <= 1400);
                        byte[] b = new byte[p.payload().readableBytes()];
                        p.payload().getBytes(p.payload().readerIndex(), b);
                        rtpPs.write(b);
                        demuxer.onRtp(p, demuxed::add);
                    } catch (Exception e) {
                        throw new AssertionError(e);
                    }
                });
            }
        }
        assertEquals(frames.size(), Ffmpeg.decodeCleanly(psFile, "mpeg"), "frames ffmpeg decodes from our PS");
        assertEquals(frames.size(), Ffmpeg.decodeCleanly(viaRtp, "mpeg"), "frames ffmpeg decodes from our PS over RTP");
        assertArrayEquals(Files.readAllBytes(psFile), Files.readAllBytes(viaRtp), "RTP carries the PS byte for byte");
        assertEquals(frames.size(), demuxed.size(), "our demuxer on our RTP; " + demuxer.stats());
        for (int i = 0; i < frames.size(); i++) {
            assertArrayEquals(frames.get(i).data(), demuxed.get(i).data(), "frame " + i);
            assertEquals(frames.get(i).pts90k(), demuxed.get(i).pts90k());
        }
        // the PS names the codec in its PSM: ffprobe must see it without probing heuristics going wrong
        Ffmpeg.Run probe = Ffmpeg.run("ffprobe", "-v", "error", "-show_entries", "stream=codec_name", "-of", "csv=p=0", psFile.toString());
        assertEquals(codec == Codec.H265 ? "hevc" : "h264", probe.out().strip());
    }

    /**
     * With GB/T 28181 audio (G.711A, PSM stream_type 0x90 on 0xC0, as ZLMediaKit and cameras write it)
     * the video still decodes cleanly in ffmpeg, and our demuxer returns every audio frame intact.
     * (ffmpeg's mpegps demuxer does not know stream_type 0x90 and guesses MP2 for 0xC0, so its audio
     * decode is not a check of our bytes; we check the audio against the source ourselves.)
     */
    @org.junit.jupiter.api.Test
    void ourPsWithG711AudioKeepsVideoDecodableInFfmpeg() throws Exception {
        Path src = dir.resolve("av-src.mkv");
        Ffmpeg.testClip(Codec.H264, 2, "matroska", src, false);
        List<AccessUnit> video = Ffmpeg.annexB(Codec.H264, src, dir);
        Path alaw = dir.resolve("tone.alaw");
        Ffmpeg.check("ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i", "sine=frequency=1000:sample_rate=8000", "-t", "2",
                "-c:a", "pcm_alaw", "-f", "alaw", alaw.toString());
        byte[] pcm = Files.readAllBytes(alaw);
        PsMuxer muxer = new PsMuxer(Codec.H264, Codec.G711A);
        List<AccessUnit> in = new ArrayList<>();
        ByteBuf file = Unpooled.buffer();
        int a = 0;
        for (AccessUnit v : video) {
            in.add(v);
            muxer.mux(v, file);
            for (int k = 0; k < 2 && a + 160 <= pcm.length; k++, a += 160) { // 20 ms of 8 kHz G.711 per PES
                AccessUnit au = new AccessUnit(Codec.G711A, v.pts90k() + 1800L * k, true, java.util.Arrays.copyOfRange(pcm, a, a + 160));
                in.add(au);
                muxer.mux(au, file);
            }
        }
        Path mpg = dir.resolve("av.mpg");
        Files.write(mpg, java.util.Arrays.copyOfRange(file.array(), file.arrayOffset(), file.arrayOffset() + file.readableBytes()));
        Ffmpeg.Run r = Ffmpeg.run("ffmpeg", "-v", "error", "-i", mpg.toString(), "-map", "0:v", "-f", "framecrc", "-");
        assertEquals(0, r.exit(), r.err());
        // ffmpeg's stream probing tries its MP2 guess for 0xC0 and says "Header missing": not about our video
        String videoErrors = r.err().lines().filter(l -> !l.startsWith("[mp2 @")).collect(java.util.stream.Collectors.joining("\n"));
        assertEquals("", videoErrors.strip(), "ffmpeg errors decoding the video of our A/V PS");
        long decoded = r.out().lines().filter(l -> !l.startsWith("#")).count();
        assertEquals(video.size(), decoded, "video frames ffmpeg decoded");
        PsDemuxer demuxer = new PsDemuxer();
        List<AccessUnit> out = new ArrayList<>();
        demuxer.onBytes(file, out::add);
        demuxer.flush(out::add);
        PsRoundTripTest.assertFrames(in, out);
    }
}
