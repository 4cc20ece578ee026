package nvr.gb28181.rtp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import nvr.gb28181.WireFormatException;
import org.junit.jupiter.api.Test;

class RtpCodecTest {

    @Test
    void decodesAPlainGb28181Packet() throws Exception {
        // V=2, M=1, PT=96, seq 0x1234, ts 0x89ABCDEF, ssrc 1000000100
        byte[] b = {(byte) 0x80, (byte) 0xE0, 0x12, 0x34, (byte) 0x89, (byte) 0xAB, (byte) 0xCD, (byte) 0xEF,
            0x3B, (byte) 0x9A, (byte) 0xCA, 0x64, 0, 0, 1, (byte) 0xBA};
        RtpPacket p = RtpDecoder.decode(Unpooled.wrappedBuffer(b));
        assertEquals(2, p.version());
        assertTrue(p.marker());
        assertEquals(96, p.payloadType());
        assertEquals(0x1234, p.sequence());
        assertEquals(0x89ABCDEFL, p.timestamp());
        assertEquals(1000000100L, p.ssrc());
        assertEquals("000001ba", ByteBufUtil.hexDump(p.payload()));
    }

    @Test
    void csrcsExtensionAndPaddingRoundTrip() throws Exception {
        ByteBuf ext = Unpooled.wrappedBuffer(new byte[] {1, 2, 3, 4, 5, 6, 7, 8});
        RtpPacket p = new RtpPacket(2, false, true, false, 8, 65535, 0xFFFFFFFFL, 0x80000000L,
                new long[] {1, 0xFFFFFFFFL}, 0xBEDE, ext, Unpooled.wrappedBuffer(new byte[] {9, 9, 9}));
        ByteBuf out = Unpooled.buffer();
        RtpEncoder.encode(p, out);
        assertEquals(p.headerLength() + 3, out.readableBytes());
        // add 4 bytes of padding by hand, as a sender may
        out.setByte(0, out.getByte(0) | 0x20);
        out.writeBytes(new byte[] {0, 0, 0, 4});
        RtpPacket q = RtpDecoder.decode(out);
        assertTrue(q.padding());
        assertTrue(q.extension());
        assertEquals(0xBEDE, q.extensionProfile());
        assertArrayEquals(new long[] {1, 0xFFFFFFFFL}, q.csrcs());
        assertEquals(ByteBufUtil.hexDump(ext), ByteBufUtil.hexDump(q.extensionData()));
        assertEquals("090909", ByteBufUtil.hexDump(q.payload()));
        assertEquals(65535, q.sequence());
        assertEquals(0xFFFFFFFFL, q.timestamp());
        assertEquals(0x80000000L, q.ssrc());
        assertFalse(q.marker());
    }

    @Test
    void rejectsGarbageWithTypedErrors() {
        byte[][] bad = {
            {},
            {(byte) 0x80, 0x60, 0, 0},
            {0x40, 0x60, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0},                         // version 1
            {(byte) 0x8F, 0x60, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3, 4},       // 15 CSRCs, 16 bytes
            {(byte) 0x90, 0x60, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0},             // extension header cut off
            {(byte) 0x90, 0x60, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xFF, (byte) 0xFF}, // extension overruns
            {(byte) 0xA0, 0x60, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3, 0},       // padding count 0
            {(byte) 0xA0, 0x60, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3, 99},      // padding beyond payload
        };
        for (byte[] b : bad) {
            WireFormatException e = assertThrows(WireFormatException.class, () -> RtpDecoder.decode(Unpooled.wrappedBuffer(b)));
            assertEquals("rtp", e.format());
        }
    }

    @Test
    void packetizerCutsAtMaxPayloadWithMarkerOnLastAndWrapsSequence() throws Exception {
        RtpPacketizer pk = new RtpPacketizer(0xCAFEBABEL, 96, 65534);
        byte[] frame = new byte[1400 * 2 + 1];
        java.util.List<RtpPacket> packets = new java.util.ArrayList<>();
        pk.packetize(Unpooled.wrappedBuffer(frame), 0x1_0000_0005L, false, io.netty.buffer.UnpooledByteBufAllocator.DEFAULT, b -> {
            try {
                packets.add(RtpDecoder.decode(b));
            } catch (WireFormatException e) {
                throw new AssertionError(e);
            }
        });
        assertEquals(3, packets.size());
        assertEquals(java.util.List.of(1400, 1400, 1), packets.stream().map(p -> p.payload().readableBytes()).toList());
        assertEquals(java.util.List.of(false, false, true), packets.stream().map(RtpPacket::marker).toList());
        assertEquals(java.util.List.of(65534, 65535, 0), packets.stream().map(RtpPacket::sequence).toList());
        assertTrue(packets.stream().allMatch(p -> p.timestamp() == 5 && p.ssrc() == 0xCAFEBABEL && p.payloadType() == 96));
        assertEquals(1, pk.nextSequence());
    }

    @Test
    void packetizeIntoLaysOutTheSamePacketsBackToBack() {
        for (boolean framed : new boolean[] {false, true}) {
            for (int size : new int[] {0, 1, 1400, 1401, 1400 * 3, 150_000}) {
                byte[] frame = new byte[size];
                new java.util.Random(size).nextBytes(frame);
                RtpPacketizer a = new RtpPacketizer(0xCAFEBABEL, 96, 65530);
                RtpPacketizer b = new RtpPacketizer(0xCAFEBABEL, 96, 65530);
                io.netty.buffer.ByteBuf expected = Unpooled.buffer();
                a.packetize(Unpooled.wrappedBuffer(frame), 0x1_2345_6789L, framed, io.netty.buffer.UnpooledByteBufAllocator.DEFAULT, p -> {
                    expected.writeBytes(p);
                    p.release();
                });
                io.netty.buffer.ByteBuf got = Unpooled.buffer();
                int n = b.packetizeInto(Unpooled.wrappedBuffer(frame), 0x1_2345_6789L, framed, got);
                assertEquals(expected, got, "framed=" + framed + " size=" + size);
                assertEquals(b.packetizedSize(size, framed), got.readableBytes());
                assertEquals(Math.max(1, (size + 1399) / 1400), n);
                assertEquals(a.nextSequence(), b.nextSequence());
                if (n > 1) {
                    assertEquals(b.packetStride(framed) * (n - 1) + (framed ? 14 : 12) + size - 1400 * (n - 1), got.readableBytes());
                }
            }
        }
    }
}
