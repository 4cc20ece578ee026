package nvr.gb28181.ps;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.List;
import nvr.gb28181.WireFormatException;
import nvr.gb28181.media.AccessUnit;
import nvr.gb28181.media.Codec;
import org.junit.jupiter.api.Test;

/** One test per vendor quirk from the issue (public issues of ZLMediaKit, wvp-GB28181, Monibuca). */
class VendorQuirksTest {
    private final Synthetic h264 = new Synthetic(Codec.H264, 1);
    private final Synthetic h265 = new Synthetic(Codec.H265, 2);

    /** Frames as a camera sends them: pack (+ system header + PSM on keyframes) + one PES per frame. */
    private static byte[] frame(AccessUnit au, int psmType) {
        PsBuilder b = new PsBuilder().pack(au.pts90k(), 0);
        if (au.keyframe() && psmType >= 0) {
            b.systemHeader().psm(0, psmType, 0xE0);
        }
        return b.pes(0xE0, au.pts90k(), au.data()).bytes();
    }

    private static List<AccessUnit> video(List<AccessUnit> frames) {
        return frames.stream().filter(a -> a.codec().isVideo()).toList();
    }

    private List<AccessUnit> gop(Synthetic s, int n) {
        List<AccessUnit> in = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            in.add(i == 0 ? s.keyframe(3600L * i, 20_000) : s.pframe(3600L * i, 3000, 1, false));
        }
        return in;
    }

    @Test
    void hikvisionH265PackHeaderFollowedDirectlyByPesWithoutPsm() throws Exception {
        List<AccessUnit> in = gop(h265, 10);
        RtpFeed f = new RtpFeed();
        for (AccessUnit au : in) {
            byte[] ps = new PsBuilder().pack(au.pts90k(), 3).pes(0xE0, au.pts90k(), au.data()).bytes();
            f.frame(ps, au.pts90k(), 1400, RtpFeed.Marker.LAST);
        }
        f.flush();
        PsRoundTripTest.assertFrames(in, f.out);
        assertEquals(Codec.H265, f.demuxer.videoCodec());
    }

    @Test
    void videoPesWithLengthZeroRunsToTheNextStartCode() throws Exception {
        List<AccessUnit> in = gop(h264, 8);
        RtpFeed f = new RtpFeed();
        for (AccessUnit au : in) {
            byte[] ps = new PsBuilder().pack(au.pts90k(), 0).pes(0xE0, au.pts90k(), au.data(), 0, au.data().length, true).bytes();
            f.frame(ps, au.pts90k(), 1400, RtpFeed.Marker.LAST);
        }
        f.flush();
        PsRoundTripTest.assertFrames(in, f.out);
        // the same as a file: a frame's unbounded PES ends where the next pack header starts
        PsBuilder file = new PsBuilder();
        for (AccessUnit au : in) {
            file.pack(au.pts90k(), 0).pes(0xE0, au.pts90k(), au.data(), 0, au.data().length, true);
        }
        PsDemuxer d = new PsDemuxer();
        List<AccessUnit> out = new ArrayList<>();
        d.onBytes(Unpooled.wrappedBuffer(file.bytes()), out::add);
        d.flush(out::add);
        PsRoundTripTest.assertFrames(in, out);
    }

    @Test
    void frameSplitOverSeveralPesNear0xFF80() throws Exception {
        AccessUnit key = h264.keyframe(0, 200_000);
        AccessUnit p = h264.pframe(3600, 5000, 1, false);
        PsBuilder b = new PsBuilder().pack(0, 0).systemHeader().psm(0, 0x1B, 0xE0);
        byte[] d = key.data();
        int chunk = 0xFF80 - 8;
        for (int pos = 0; pos < d.length; pos += chunk) {
            b.pes(0xE0, pos == 0 ? 0 : -1, d, pos, Math.min(chunk, d.length - pos), false);
        }
        RtpFeed f = new RtpFeed().frame(b.bytes(), 0, 1400, RtpFeed.Marker.LAST).frame(frame(p, 0x1B), 3600, 1400, RtpFeed.Marker.LAST).flush();
        PsRoundTripTest.assertFrames(List.of(key, p), f.out);
    }

    @Test
    void privateStreamAndPaddingAreSkipped() throws Exception {
        List<AccessUnit> in = gop(h264, 4);
        RtpFeed f = new RtpFeed();
        for (AccessUnit au : in) {
            byte[] ps = new PsBuilder().pack(au.pts90k(), 0).other(0xBD, 40, false).other(0xBE, 100, false)
                    .pes(0xE0, au.pts90k(), au.data()).other(0xBD, 30, true).bytes();
            f.frame(ps, au.pts90k(), 500, RtpFeed.Marker.LAST);
        }
        f.flush();
        PsRoundTripTest.assertFrames(in, f.out);
        assertEquals(0, f.demuxer.stats().malformed(), f.demuxer.stats().toString());
    }

    @Test
    void h265LabelledH264InThePsmIsProbedAsH265() throws Exception {
        List<AccessUnit> in = gop(h265, 6);
        RtpFeed f = new RtpFeed();
        for (AccessUnit au : in) {
            f.frame(frame(au, 0x1B), au.pts90k(), 1400, RtpFeed.Marker.LAST);
        }
        f.flush();
        PsRoundTripTest.assertFrames(in, f.out);
        assertEquals(Codec.H265, f.demuxer.videoCodec());
        assertEquals(1, f.demuxer.stats().codecRelabelled());
    }

    @Test
    void aacLabelledG711IsProbedAsAac() throws Exception {
        AccessUnit key = h264.keyframe(0, 5000);
        AccessUnit aac = h264.audio(Codec.AAC, 0, 200);
        byte[] ps = new PsBuilder().pack(0, 0).systemHeader().psm(0, 0x1B, 0xE0, 0x90, 0xC0)
                .pes(0xE0, 0, key.data()).pes(0xC0, 0, aac.data()).bytes();
        RtpFeed f = new RtpFeed().frame(ps, 0, 1400, RtpFeed.Marker.LAST).flush();
        PsRoundTripTest.assertFrames(List.of(key, aac), f.out);
        // and a real G.711 label stays G.711
        AccessUnit pcma = h264.audio(Codec.G711A, 0, 160);
        byte[] ps2 = new PsBuilder().pack(0, 0).systemHeader().psm(0, 0x1B, 0xE0, 0x90, 0xC0)
                .pes(0xE0, 0, key.data()).pes(0xC0, 0, pcma.data()).bytes();
        RtpFeed g = new RtpFeed().frame(ps2, 0, 1400, RtpFeed.Marker.LAST).flush();
        PsRoundTripTest.assertFrames(List.of(key, pcma), g.out);
    }

    @Test
    void rawElementaryStreamWithoutPs() throws Exception {
        for (Synthetic s : new Synthetic[] {h264, h265}) {
            List<AccessUnit> in = gop(s, 6);
            RtpFeed f = new RtpFeed();
            for (AccessUnit au : in) {
                f.frame(au.data(), au.pts90k(), 1400, RtpFeed.Marker.LAST);
            }
            f.flush();
            PsRoundTripTest.assertFrames(in, f.out);
        }
    }

    @Test
    void psmWithBadEsInfoLengthStillMapsItsStreams() throws Exception {
        List<AccessUnit> in = gop(h265, 3);
        RtpFeed f = new RtpFeed();
        for (AccessUnit au : in) {
            PsBuilder b = new PsBuilder().pack(au.pts90k(), 0);
            if (au.keyframe()) {
                b.systemHeader().psm(0x4000, 0x24, 0xE0); // es_info_length far beyond the map
            }
            f.frame(b.pes(0xE0, au.pts90k(), au.data()).bytes(), au.pts90k(), 1400, RtpFeed.Marker.LAST);
        }
        f.flush();
        PsRoundTripTest.assertFrames(in, f.out);
        assertTrue(f.demuxer.stats().psmErrors() > 0);
        assertEquals(Codec.H265, f.demuxer.videoCodec());
    }

    @Test
    void parameterSetsBeforePFramesDoNotMakeAKeyframe() throws Exception {
        for (Synthetic s : new Synthetic[] {h264, h265}) {
            AccessUnit key = s.keyframe(0, 4000);
            AccessUnit p = s.pframe(3600, 4000, 2, true);
            RtpFeed f = new RtpFeed().frame(frame(key, -1), 0, 1400, RtpFeed.Marker.LAST)
                    .frame(frame(p, -1), 3600, 1400, RtpFeed.Marker.LAST).flush();
            assertEquals(2, f.out.size());
            assertTrue(f.out.get(0).keyframe());
            assertFalse(f.out.get(1).keyframe(), "SPS/PPS + P slices is not a keyframe");
            assertArrayEquals(p.data(), f.out.get(1).data());
        }
    }

    @Test
    void framesDelimitedByTimestampWhenMarkerMissing() throws Exception {
        List<AccessUnit> in = gop(h264, 10);
        RtpFeed f = new RtpFeed();
        for (AccessUnit au : in) {
            f.frame(frame(au, 0x1B), au.pts90k(), 1400, RtpFeed.Marker.NONE);
        }
        assertEquals(in.size() - 1, f.out.size(), "each frame is out when the next timestamp arrives");
        f.flush();
        PsRoundTripTest.assertFrames(in, f.out);
    }

    @Test
    void markerOnEveryPacketNeverSplitsAPes() throws Exception {
        List<AccessUnit> in = gop(h264, 10);
        RtpFeed f = new RtpFeed();
        for (AccessUnit au : in) {
            f.frame(frame(au, 0x1B), au.pts90k(), 1000, RtpFeed.Marker.EVERY);
        }
        f.flush();
        // a marker inside an open PES is not believed; the timestamp change delimits the frames
        PsRoundTripTest.assertFrames(in, f.out);
        assertTrue(f.errors.isEmpty(), f.errors.toString());
    }

    @Test
    void markerMidFrameAtAPesBoundaryCostsOneFrameThenIsIgnored() throws Exception {
        List<AccessUnit> in = gop(h264, 10);
        RtpFeed f = new RtpFeed();
        for (AccessUnit au : in) {
            // two PES per frame, each in its own packet, marker on both: the first marker is a lie
            byte[] d = au.data();
            int half = d.length / 2;
            byte[] a = new PsBuilder().pack(au.pts90k(), 0).pes(0xE0, au.pts90k(), d, 0, half, false).bytes();
            byte[] b = new PsBuilder().pes(0xE0, -1, d, half, d.length - half, false).bytes();
            f.frame(a, au.pts90k(), 65536, RtpFeed.Marker.EVERY).frame(b, au.pts90k(), 65536, RtpFeed.Marker.EVERY);
        }
        f.flush();
        assertEquals(1, f.errors.size(), "one error when the lie is found");
        assertEquals(1, f.demuxer.stats().markerDistrusted());
        // frame 0 was cut short and dropped its rest; frames 2.. are whole
        List<AccessUnit> out = f.out;
        assertEquals(in.size(), out.size());
        for (int i = 1; i < in.size(); i++) {
            assertArrayEquals(in.get(i).data(), out.get(i).data(), "frame " + i);
        }
    }

    @Test
    void severalFramesInOneRtpPacket() throws Exception {
        List<AccessUnit> in = gop(h264, 6);
        ByteBuf all = Unpooled.buffer();
        for (AccessUnit au : in) {
            all.writeBytes(frame(au, 0x1B));
        }
        PsDemuxer d = new PsDemuxer();
        List<AccessUnit> out = new ArrayList<>();
        d.onPayload(all, 0, true, out::add);
        PsRoundTripTest.assertFrames(in, out);
        // and several frames inside one PES, cut by their NAL units, PTS from the RTP timestamp after the first
        ByteBuf es = Unpooled.buffer();
        for (AccessUnit au : in) {
            es.writeBytes(au.data());
        }
        byte[] esBytes = new byte[es.readableBytes()];
        es.readBytes(esBytes);
        byte[] ps = new PsBuilder().pack(0, 0).pes(0xE0, 0, esBytes).bytes();
        PsDemuxer d2 = new PsDemuxer();
        List<AccessUnit> out2 = new ArrayList<>();
        d2.onPayload(Unpooled.wrappedBuffer(ps), 0, true, out2::add);
        assertEquals(in.size(), out2.size());
        for (int i = 0; i < in.size(); i++) {
            assertArrayEquals(in.get(i).data(), out2.get(i).data());
        }
    }

    @Test
    void resetAfterLossDropsUntilTheNextKeyframe() throws Exception {
        List<AccessUnit> in = new ArrayList<>();
        in.addAll(gop(h264, 5));
        List<AccessUnit> second = gop(h264, 5).stream().map(a -> new AccessUnit(a.codec(), a.pts90k() + 18000, a.keyframe(), a.data())).toList();
        RtpFeed f = new RtpFeed();
        for (AccessUnit au : in.subList(0, 3)) {
            f.frame(frame(au, 0x1B), au.pts90k(), 1400, RtpFeed.Marker.LAST);
        }
        byte[] lossy = frame(in.get(3), 0x1B);
        f.demuxer.onPayload(Unpooled.wrappedBuffer(lossy, 0, 1400), in.get(3).pts90k(), false, f.out::add);
        f.demuxer.reset(); // ingest saw a sequence gap
        f.frame(frame(in.get(4), 0x1B), in.get(4).pts90k(), 1400, RtpFeed.Marker.LAST);
        for (AccessUnit au : second) {
            f.frame(frame(au, 0x1B), au.pts90k(), 1400, RtpFeed.Marker.LAST);
        }
        f.flush();
        List<AccessUnit> expected = new ArrayList<>(in.subList(0, 3));
        expected.addAll(second);
        PsRoundTripTest.assertFrames(expected, f.out);
        assertEquals(1, f.demuxer.stats().droppedBeforeKeyframe());
    }

    @Test
    void truncatedFrameIsAnErrorAndTheStreamRecovers() throws Exception {
        List<AccessUnit> in = gop(h264, 4);
        RtpFeed f = new RtpFeed();
        f.frame(frame(in.get(0), 0x1B), 0, 1400, RtpFeed.Marker.LAST);
        byte[] p1 = frame(in.get(1), 0x1B);
        f.demuxer.onPayload(Unpooled.wrappedBuffer(p1, 0, 1000), 3600, false, f.out::add); // rest lost, no reset
        f.frame(frame(in.get(2), 0x1B), 7200, 1400, RtpFeed.Marker.LAST);
        assertEquals(1, f.errors.size());
        assertEquals("ps", f.errors.get(0).format());
        f.frame(frame(in.get(3), 0x1B), 10800, 1400, RtpFeed.Marker.LAST).flush();
        assertEquals(1, f.demuxer.stats().truncatedFrames());
        assertEquals(1, f.out.size(), "after a truncated frame the demuxer waits for a keyframe");
        f.frame(frame(in.get(0), 0x1B), 14400, 1400, RtpFeed.Marker.LAST);
        assertEquals(2, f.out.size());
    }

    @Test
    void oversizedFrameIsDroppedWithAnErrorAndMemoryStaysBounded() throws Exception {
        PsDemuxer d = new PsDemuxer(64 * 1024);
        List<AccessUnit> out = new ArrayList<>();
        AccessUnit big = h264.keyframe(0, 1_000_000);
        AccessUnit ok = h264.keyframe(3600, 1000);
        byte[] ps = new PsBuilder().pack(0, 0).pes(0xE0, 0, big.data(), 0, big.data().length, true).bytes();
        int errors = 0;
        for (int pos = 0; pos < ps.length; pos += 1400) {
            try {
                d.onPayload(Unpooled.wrappedBuffer(ps, pos, Math.min(1400, ps.length - pos)), 0, false, out::add);
            } catch (WireFormatException e) {
                errors++;
            }
        }
        assertEquals(1, errors);
        d.onPayload(Unpooled.wrappedBuffer(frame(ok, 0x1B)), 3600, true, out::add);
        assertEquals(1, out.size());
        assertArrayEquals(ok.data(), out.get(0).data());
        assertEquals(1, d.stats().oversizedFrames());
    }
}
