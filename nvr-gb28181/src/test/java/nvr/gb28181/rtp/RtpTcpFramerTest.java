package nvr.gb28181.rtp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RtpTcpFramerTest {

    private static byte[] rtp(int seq, int size) {
        ByteBuf b = Unpooled.buffer();
        byte[] payload = new byte[size];
        new Random(seq).nextBytes(payload);
        RtpEncoder.encode(RtpPacket.of(false, 96, seq, seq * 3600L, 1, Unpooled.wrappedBuffer(payload)), b);
        byte[] a = new byte[b.readableBytes()];
        b.readBytes(a);
        return a;
    }

    private static List<Integer> seqs(RtpTcpFramer f, byte[] stream, int chunk) {
        List<Integer> out = new ArrayList<>();
        for (int pos = 0; pos < stream.length; pos += chunk) {
            f.feed(Unpooled.wrappedBuffer(stream, pos, Math.min(chunk, stream.length - pos)), b -> {
                try {
                    out.add(RtpDecoder.decode(b).sequence());
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
            });
        }
        return out;
    }

    private static byte[] stream(boolean interleaved, int... sizes) {
        ByteBuf s = Unpooled.buffer();
        for (int i = 0; i < sizes.length; i++) {
            byte[] p = rtp(i, sizes[i]);
            if (interleaved) {
                s.writeByte('$').writeByte(0);
            }
            s.writeShort(p.length).writeBytes(p);
        }
        byte[] a = new byte[s.readableBytes()];
        s.readBytes(a);
        return a;
    }

    @Test
    void rfc4571AndInterleavedFramingInAnyChunking() {
        int[] sizes = {1400, 0, 9216, 65535 - 12, 3, 1400, 0x2400 - 12};  // 0x24xx lengths start with '$'
        List<Integer> expected = new ArrayList<>();
        for (int i = 0; i < sizes.length; i++) {
            expected.add(i);
        }
        for (boolean interleaved : new boolean[] {false, true}) {
            byte[] s = stream(interleaved, sizes);
            for (int chunk : new int[] {1, 2, 3, 5, 7, 1000, 65536, s.length}) {
                RtpTcpFramer f = new RtpTcpFramer();
                assertEquals(expected, seqs(f, s, chunk), "interleaved=" + interleaved + " chunk=" + chunk);
                assertEquals(0, f.resyncBytes());
                assertEquals(0, f.bufferedBytes());
            }
        }
    }

    @Test
    void interleavedRtcpIsDroppedAndCounted() {
        ByteBuf s = Unpooled.buffer();
        byte[] p = rtp(7, 100);
        s.writeByte('$').writeByte(0).writeShort(p.length).writeBytes(p);
        byte[] rtcp = {(byte) 0x80, (byte) 200, 0, 6, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
        s.writeByte('$').writeByte(1).writeShort(rtcp.length).writeBytes(rtcp);
        s.writeByte('$').writeByte(0).writeShort(p.length).writeBytes(p);
        RtpTcpFramer f = new RtpTcpFramer();
        byte[] a = new byte[s.readableBytes()];
        s.readBytes(a);
        assertEquals(List.of(7, 7), seqs(f, a, 13));
        assertEquals(1, f.rtcpDropped());
    }

    @Test
    void resynchronisesAfterGarbage() {
        byte[] good = stream(false, 500, 600);
        byte[] garbage = new byte[777];
        new Random(3).nextBytes(garbage);
        for (int i = 0; i < garbage.length; i++) {
            if ((garbage[i] & 0xC0) == 0x80) {
                garbage[i] = 0x11; // keep the garbage from looking like an RTP start
            }
        }
        byte[] s = new byte[good.length * 2 + garbage.length];
        System.arraycopy(good, 0, s, 0, good.length);
        System.arraycopy(garbage, 0, s, good.length, garbage.length);
        System.arraycopy(good, 0, s, good.length + garbage.length, good.length);
        RtpTcpFramer f = new RtpTcpFramer();
        assertEquals(List.of(0, 1, 0, 1), seqs(f, s, 100));
        assertTrue(f.resyncBytes() >= garbage.length - 4, "skipped " + f.resyncBytes());
    }

    @Test
    void maximalLengthThenStallHoldsOnlyWhatArrived() {
        RtpTcpFramer f = new RtpTcpFramer();
        byte[] head = {(byte) 0xFF, (byte) 0xFF, (byte) 0x80, 0x60, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1};
        List<ByteBuf> out = new ArrayList<>();
        f.feed(Unpooled.wrappedBuffer(head), out::add);
        assertEquals(head.length, f.bufferedBytes());
        for (int i = 0; i < 100; i++) {
            f.feed(Unpooled.wrappedBuffer(new byte[100]), out::add);
        }
        assertTrue(out.isEmpty());
        assertEquals(head.length + 10_000, f.bufferedBytes(), "holds what arrived, not what the length promised");
        f.feed(Unpooled.wrappedBuffer(new byte[65537 - head.length - 10_000]), out::add);
        assertEquals(1, out.size());
        assertEquals(65535, out.get(0).readableBytes());
        assertTrue(f.bufferedBytes() <= RtpTcpFramer.MAX_FRAME);
    }
}
