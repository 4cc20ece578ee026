package nvr.gb28181.ps;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.List;
import nvr.gb28181.media.AccessUnit;
import nvr.gb28181.media.Codec;
import nvr.gb28181.nal.SpsInfo;
import nvr.gb28181.nal.SpsParser;
import nvr.gb28181.rtp.Pcap;
import nvr.gb28181.rtp.RtpDecoder;
import nvr.gb28181.rtp.RtpPacket;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The real ZLMediaKit captures demux to exactly the frame counts ffprobe found (testdata/README.md). */
class CaptureDemuxTest {

    @ParameterizedTest
    @CsvSource({"zlm_h264_udp.pcap, H264, 846, 1000000100", "zlm_h265_udp.pcap, H265, 847, 1000000101"})
    void demuxesEveryFrameOfTheCapture(String file, Codec codec, int frames, long ssrc) throws Exception {
        List<Pcap.Datagram> datagrams = Pcap.udp(SharedData.file(file));
        PsDemuxer demuxer = new PsDemuxer();
        List<AccessUnit> out = new ArrayList<>();
        int rtp = 0;
        for (Pcap.Datagram d : datagrams) {
            RtpPacket p = RtpDecoder.decode(Unpooled.wrappedBuffer(d.payload()));
            assertEquals(ssrc, p.ssrc());
            demuxer.onRtp(p, out::add);
            rtp++;
        }
        demuxer.flush(out::add);
        assertTrue(rtp > 6000, "expected the capture's ~6600 RTP packets, got " + rtp);
        assertEquals(frames, out.size(), "video frames; demuxer stats: " + demuxer.stats());
        assertEquals(0, demuxer.stats().malformed(), demuxer.stats().toString());
        assertEquals(codec, demuxer.videoCodec());
        long keys = out.stream().filter(AccessUnit::keyframe).count();
        assertTrue(out.get(0).keyframe(), "first frame is a keyframe");
        // GOP 50 at 25 fps over ~34 s of frames
        assertEquals((frames + 49) / 50, keys, "keyframes");
        SpsInfo sps = SpsParser.find(codec, out.get(0).data(), 0, out.get(0).data().length);
        assertEquals(new SpsInfo(codec, 1280, 720, 25.0), sps);
        for (int i = 1; i < out.size(); i++) {
            long step = out.get(i).pts90k() - out.get(i - 1).pts90k();
            assertTrue(step > 1800 && step < 5400, "PTS step " + step + " at frame " + i + " (25 fps = 3600)");
        }
        long span = out.get(out.size() - 1).pts90k() - out.get(0).pts90k();
        assertEquals((frames - 1) * 3600.0, span, (frames - 1) * 3600.0 * 0.01, "PTS span of the capture");
    }
}
