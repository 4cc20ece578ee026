package nvr.gb28181.ps;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.List;
import nvr.gb28181.media.AccessUnit;
import nvr.gb28181.media.Codec;
import nvr.gb28181.rtp.RtpDecoder;
import nvr.gb28181.rtp.RtpPacket;
import nvr.gb28181.rtp.RtpPacketizer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Our muxer and packetizer into our demuxer is the identity on frames, audio included. */
class PsRoundTripTest {

    static List<AccessUnit> stream(Codec codec, Codec audio) {
        Synthetic s = new Synthetic(codec, 42);
        List<AccessUnit> in = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            long pts = 90_000 + 3600L * i;
            if (i % 25 == 0) {
                in.add(s.keyframe(pts, i == 25 ? 300_000 : 70_000)); // 300 KB spans 5 PES, 70 KB just over one
            } else {
                in.add(s.pframe(pts, 500 + 97 * i, 1 + i % 3, i % 7 == 0));
            }
            if (audio != null && i % 2 == 0) {
                in.add(s.audio(audio, pts, audio == Codec.AAC ? 300 : 320));
            }
        }
        return in;
    }

    @ParameterizedTest
    @EnumSource(value = Codec.class, names = {"H264", "H265"})
    void muxPacketizeDemuxIsIdentity(Codec codec) throws Exception {
        for (Codec audio : new Codec[] {null, Codec.G711A, Codec.G711U, Codec.AAC}) {
            List<AccessUnit> in = stream(codec, audio);
            PsMuxer muxer = new PsMuxer(codec, audio);
            RtpPacketizer packetizer = new RtpPacketizer(7, 96, 0);
            PsDemuxer demuxer = new PsDemuxer();
            List<AccessUnit> out = new ArrayList<>();
            int[] lastSeq = {-1};
            for (AccessUnit au : in) {
                ByteBuf ps = Unpooled.buffer();
                muxer.mux(au, ps);
                assertTrue(ps.readableBytes() <= PsMuxer.maxMuxedSize(au.data().length));
                List<ByteBuf> buffers = new ArrayList<>();
                packetizer.packetize(ps, au.pts90k(), false, ByteBufAllocator.DEFAULT, buffers::add);
                for (int i = 0; i < buffers.size(); i++) {
                    RtpPacket p = RtpDecoder.decode(buffers.get(i));
                    assertEquals(i == buffers.size() - 1, p.marker(), "marker only on the frame's last packet");
                    assertTrue(p.payload().readableBytes() <= 1400);
                    assertEquals((lastSeq[0] + 1) & 0xFFFF, p.sequence());
                    lastSeq[0] = p.sequence();
                    assertEquals(96, p.payloadType());
                    demuxer.onRtp(p, out::add);
                    buffers.get(i).release();
                }
            }
            demuxer.flush(out::add);
            assertFrames(in, out);
            assertEquals(0, demuxer.stats().malformed());
            assertEquals(0, demuxer.stats().codecRelabelled());
        }
    }

    @ParameterizedTest
    @EnumSource(value = Codec.class, names = {"H264", "H265"})
    void muxedFileDemuxesWithoutRtpHints(Codec codec) throws Exception {
        List<AccessUnit> in = stream(codec, Codec.G711A);
        PsMuxer muxer = new PsMuxer(codec, Codec.G711A);
        ByteBuf file = Unpooled.buffer();
        for (AccessUnit au : in) {
            muxer.mux(au, file);
        }
        PsDemuxer demuxer = new PsDemuxer();
        List<AccessUnit> out = new ArrayList<>();
        demuxer.onBytes(file, out::add);
        demuxer.flush(out::add);
        assertFrames(in, out);
    }

    /** Video frames in order and audio frames in order; the interleaving between the two may differ. */
    static void assertFrames(List<AccessUnit> in, List<AccessUnit> out) {
        assertSame(in.stream().filter(a -> a.codec().isVideo()).toList(), out.stream().filter(a -> a.codec().isVideo()).toList());
        assertSame(in.stream().filter(a -> !a.codec().isVideo()).toList(), out.stream().filter(a -> !a.codec().isVideo()).toList());
    }

    static void assertSame(List<AccessUnit> in, List<AccessUnit> out) {
        assertEquals(in.size(), out.size(), "frame count");
        for (int i = 0; i < in.size(); i++) {
            AccessUnit a = in.get(i);
            AccessUnit b = out.get(i);
            assertEquals(a.codec(), b.codec(), "codec of frame " + i);
            assertEquals(a.pts90k(), b.pts90k(), "pts of frame " + i);
            assertEquals(a.keyframe(), b.keyframe(), "keyframe flag of frame " + i);
            assertArrayEquals(a.data(), b.data(), "data of frame " + i);
        }
    }
}
