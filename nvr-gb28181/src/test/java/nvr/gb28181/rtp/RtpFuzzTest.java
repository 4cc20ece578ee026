package nvr.gb28181.rtp;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.List;
import nvr.gb28181.WireFormatException;
import nvr.gb28181.media.Mutator;
import org.junit.jupiter.api.Test;

/** Mutated RTP packets and TCP byte streams: only WireFormatException escapes, the framer stays bounded. */
class RtpFuzzTest {

    private static List<byte[]> seeds() {
        List<byte[]> seeds = new ArrayList<>();
        for (int n : new int[] {0, 1, 50, 1400}) {
            ByteBuf b = Unpooled.buffer();
            RtpEncoder.encode(RtpPacket.of(true, 96, n, n * 90L, 5, Unpooled.wrappedBuffer(new byte[n])), b);
            seeds.add(toArray(b));
            ByteBuf c = Unpooled.buffer();
            RtpEncoder.encode(new RtpPacket(2, false, true, false, 96, n, 1, 2, new long[] {3, 4}, 0xBEDE,
                    Unpooled.wrappedBuffer(new byte[8]), Unpooled.wrappedBuffer(new byte[n])), c);
            seeds.add(toArray(c));
        }
        return seeds;
    }

    private static byte[] toArray(ByteBuf b) {
        byte[] a = new byte[b.readableBytes()];
        b.readBytes(a);
        return a;
    }

    @Test
    void mutatedPacketsOnlyRaiseTypedErrors() {
        Mutator m = new Mutator(4571);
        List<byte[]> seeds = seeds();
        int decoded = 0;
        for (int i = 0; i < Mutator.iterations(); i++) {
            byte[] in = m.mutate(seeds.get(i % seeds.size()));
            RtpPacket p = null;
            try {
                p = RtpDecoder.decode(Unpooled.wrappedBuffer(in));
                assertTrue(p.payload().readableBytes() <= in.length);
                decoded++;
            } catch (WireFormatException expected) {
                // typed rejection is the contract
            } catch (RuntimeException e) {
                fail("RtpDecoder threw " + e + " on " + Mutator.hex(in), e);
            }
            // the in-place variant (UDP receive path) decodes the same and leaves a rejected buffer untouched
            ByteBuf own = Unpooled.wrappedBuffer(in);
            try {
                RtpPacket q = RtpDecoder.decodeInPlace(own);
                assertTrue(p != null, "decodeInPlace accepted what decode rejected: " + Mutator.hex(in));
                assertTrue(q.payload() == own && q.payload().equals(p.payload()) && q.sequence() == p.sequence()
                        && q.timestamp() == p.timestamp() && q.ssrc() == p.ssrc() && q.marker() == p.marker(), Mutator.hex(in));
            } catch (WireFormatException expected) {
                assertTrue(p == null && own.readerIndex() == 0 && own.writerIndex() == in.length, Mutator.hex(in));
            } catch (RuntimeException e) {
                fail("RtpDecoder.decodeInPlace threw " + e + " on " + Mutator.hex(in), e);
            }
        }
        assertTrue(decoded > 0, "some mutants are still valid packets");
    }

    @Test
    void mutatedTcpStreamsStayBounded() {
        Mutator m = new Mutator(4572);
        List<byte[]> seeds = seeds();
        RtpTcpFramer framer = new RtpTcpFramer();
        int[] delivered = {0};
        for (int i = 0; i < Mutator.iterations(); i++) {
            ByteBuf s = Unpooled.buffer();
            for (int k = 0; k < 3; k++) {
                byte[] p = seeds.get(m.random().nextInt(seeds.size()));
                if (m.random().nextBoolean()) {
                    s.writeByte('$').writeByte(0);
                }
                s.writeShort(p.length).writeBytes(p);
            }
            byte[] in = m.mutate(toArray(s));
            try {
                for (int pos = 0; pos < in.length; ) {
                    int n = Math.min(in.length - pos, 1 + m.random().nextInt(700));
                    framer.feed(Unpooled.wrappedBuffer(in, pos, n), b -> {
                        delivered[0]++;
                        try {
                            RtpDecoder.decode(b);
                        } catch (WireFormatException expected) {
                            // typed
                        }
                    });
                    pos += n;
                }
            } catch (RuntimeException e) {
                fail("RtpTcpFramer threw " + e + " on " + Mutator.hex(in), e);
            }
            assertTrue(framer.bufferedBytes() <= RtpTcpFramer.MAX_FRAME);
        }
        assertTrue(delivered[0] > Mutator.iterations() / 2, "the framer keeps finding packets after garbage: " + delivered[0]);
    }
}
