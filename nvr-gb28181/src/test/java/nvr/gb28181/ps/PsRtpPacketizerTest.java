package nvr.gb28181.ps;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.util.Random;
import nvr.gb28181.media.Codec;
import nvr.gb28181.rtp.RtpPacketizer;
import org.junit.jupiter.api.Test;

/** The one-pass layOut + stamp must write exactly what PsMuxer.mux followed by RtpPacketizer.packetizeInto write. */
class PsRtpPacketizerTest {
    private static final int[] EDGE_SIZES = {1, 2, 63, 1400 - 28, 1400 - 27, 1400, 1401, 2800, 65_521, 65_522, 65_523,
        65_522 + 1400, 131_044, 131_045, 200_000, 1_000_000};

    @Test
    void matchesMuxThenPacketizeForEdgeAndRandomSizes() {
        Random rnd = new Random(7);
        for (Codec codec : new Codec[] {Codec.H264, Codec.H265}) {
            for (boolean framed : new boolean[] {false, true}) {
                for (int maxPayload : new int[] {1400, 128, 9000}) {
                    PsMuxer muxer = new PsMuxer(codec, null);
                    RtpPacketizer reference = new RtpPacketizer(0xCAFEBABEL, 96, 65_530, maxPayload);
                    PsRtpPacketizer onePass = new PsRtpPacketizer(codec, 0xCAFEBABEL, 96, 65_530, maxPayload, framed);
                    long pts = 0x1_FFFF_F000L; // wraps the 33-bit PTS and the 32-bit RTP timestamp on the way
                    for (int i = 0; i < EDGE_SIZES.length + 60; i++) {
                        int size = i < EDGE_SIZES.length ? EDGE_SIZES[i] : 1 + rnd.nextInt(i % 5 == 0 ? 300_000 : 30_000);
                        boolean key = rnd.nextBoolean();
                        byte[] au = new byte[size];
                        rnd.nextBytes(au);
                        ByteBuf ps = Unpooled.buffer();
                        muxer.mux(codec, pts, key, Unpooled.wrappedBuffer(au), ps);
                        ByteBuf expected = Unpooled.buffer();
                        int expectedCount = reference.packetizeInto(ps, pts + 17, framed, expected);

                        // the payload at a non-zero reader index of a direct buffer, as the read-ahead hands it over
                        ByteBuf payload = Unpooled.directBuffer(size + 10).writeZero(10).writeBytes(au).readerIndex(10);
                        ByteBuf got = Unpooled.directBuffer().writeZero(3).readerIndex(3);
                        try {
                            onePass.layOut(key, payload, got);
                            assertEquals(onePass.packetizedSize(size, key), got.readableBytes(), "size " + size);
                            assertEquals(10, payload.readerIndex(), "payload indexes untouched");
                            int count = onePass.stamp(got, key, pts + 17, pts);
                            assertEquals(expectedCount, count, "packets of " + size);
                            assertEquals(ByteBufUtil.hexDump(expected), ByteBufUtil.hexDump(got),
                                codec + " framed=" + framed + " max=" + maxPayload + " size=" + size + " key=" + key);
                        } finally {
                            payload.release(); // direct buffers: Netty's leak detector reports any left unreleased
                            got.release();
                        }
                        assertEquals(reference.nextSequence(), onePass.nextSequence());
                        pts += 3600;
                    }
                }
            }
        }
    }

    @Test
    void audioInterleavedWithVideoMatchesMuxThenPacketize() {
        Random rnd = new Random(11);
        for (Codec audio : new Codec[] {Codec.G711A, Codec.G711U}) {
            for (boolean framed : new boolean[] {false, true}) {
                PsMuxer muxer = new PsMuxer(Codec.H264, audio);
                RtpPacketizer reference = new RtpPacketizer(0x1234L, 96, 65_500, 1400);
                PsRtpPacketizer onePass = new PsRtpPacketizer(Codec.H264, audio, 0x1234L, 96, 65_500, 1400, framed);
                long pts = 90_000;
                for (int i = 0; i < 80; i++) {
                    boolean isAudio = i % 3 != 0;
                    Codec codec = isAudio ? audio : Codec.H264;
                    int size = isAudio ? (i % 7 == 0 ? 1 + rnd.nextInt(3000) : 160) : 1 + rnd.nextInt(20_000);
                    boolean key = !isAudio && i % 9 == 0;
                    byte[] au = new byte[size];
                    rnd.nextBytes(au);
                    ByteBuf ps = Unpooled.buffer();
                    muxer.mux(codec, pts, key, Unpooled.wrappedBuffer(au), ps);
                    ByteBuf expected = Unpooled.buffer();
                    int expectedCount = reference.packetizeInto(ps, pts, framed, expected);
                    ByteBuf got = Unpooled.buffer();
                    onePass.layOut(codec, key, Unpooled.wrappedBuffer(au), got);
                    assertEquals(onePass.packetizedSize(codec, size, key), got.readableBytes(), "size " + size);
                    assertEquals(expectedCount, onePass.stamp(got, codec, key, pts, pts));
                    assertEquals(ByteBufUtil.hexDump(expected), ByteBufUtil.hexDump(got), codec + " size=" + size + " key=" + key);
                    pts += 1800;
                }
                assertThrows(IllegalArgumentException.class,
                    () -> onePass.layOut(Codec.H265, false, Unpooled.wrappedBuffer(new byte[1]), Unpooled.buffer()));
            }
        }
        assertThrows(IllegalArgumentException.class, () -> new PsRtpPacketizer(Codec.H264, 1, 96, 0, 1400, false)
            .layOut(Codec.G711A, false, Unpooled.wrappedBuffer(new byte[1]), Unpooled.buffer()));
    }

    @Test
    void strideIsThePacketSpacing() {
        assertEquals(1412, new PsRtpPacketizer(Codec.H264, 1, 96, 0, 1400, false).stride());
        assertEquals(1414, new PsRtpPacketizer(Codec.H264, 1, 96, 0, 1400, true).stride());
    }

    @Test
    void refusesAPayloadLimitTheHeadersMightNotFit() {
        assertThrows(IllegalArgumentException.class, () -> new PsRtpPacketizer(Codec.H264, 1, 96, 0, 127, true));
        assertThrows(IllegalArgumentException.class, () -> new PsRtpPacketizer(Codec.G711A, 1, 96, 0, 1400, true));
    }
}
