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
}
