package nvr.gb28181.ps;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.List;
import nvr.gb28181.WireFormatException;
import nvr.gb28181.media.AccessUnit;
import nvr.gb28181.media.Codec;
import nvr.gb28181.media.Mutator;
import org.junit.jupiter.api.Test;

/** Mutated program streams through one long-lived demuxer: only WireFormatException, memory bounded. */
class PsFuzzTest {
    private static final int MAX_FRAME = 256 * 1024;

    private static List<byte[]> seeds() {
        List<byte[]> seeds = new ArrayList<>();
        for (Codec codec : new Codec[] {Codec.H264, Codec.H265}) {
            Synthetic s = new Synthetic(codec, 9);
            PsMuxer mux = new PsMuxer(codec, Codec.G711A);
            for (AccessUnit au : List.of(s.keyframe(0, 3000), s.pframe(3600, 800, 2, true), s.audio(Codec.G711A, 3600, 160),
                    s.keyframe(7200, 70_000))) {
                ByteBuf b = Unpooled.buffer();
                mux.mux(au, b);
                byte[] a = new byte[b.readableBytes()];
                b.readBytes(a);
                seeds.add(a);
            }
            AccessUnit p = s.pframe(0, 600, 1, false);
            seeds.add(new PsBuilder().pack(0, 3).pes(0xE0, 0, p.data(), 0, p.data().length, true).other(0xBD, 20, true).bytes());
            seeds.add(new PsBuilder().pack(0, 0).psm(0x30, 0x1B, 0xE0, 0x90, 0xC0).pes(0xC0, 0, s.audio(Codec.AAC, 0, 100).data()).bytes());
            seeds.add(p.data()); // raw ES
        }
        return seeds;
    }

    @Test
    void mutatedStreamsOnlyRaiseTypedErrorsAndStayBounded() {
        Mutator m = new Mutator(13818);
        List<byte[]> seeds = seeds();
        PsDemuxer d = new PsDemuxer(MAX_FRAME);
        long frames = 0;
        long errors = 0;
        long ts = 0;
        for (int i = 0; i < Mutator.iterations(); i++) {
            if (i % 5000 == 0) {
                d = new PsDemuxer(MAX_FRAME); // fresh state now and then, as for a new camera
            }
            byte[] in = m.mutate(seeds.get(m.random().nextInt(seeds.size())));
            ts += m.random().nextInt(4) == 0 ? 0 : 3600;
            List<AccessUnit> out = new ArrayList<>();
            try {
                if (m.random().nextInt(50) == 0) {
                    d.reset();
                }
                for (int pos = 0; pos < in.length; ) {
                    int n = Math.min(in.length - pos, 1 + m.random().nextInt(1400));
                    boolean last = pos + n >= in.length;
                    // heap and direct buffers take different copy paths in the demuxer
                    ByteBuf chunk = (i & 1) == 0 ? Unpooled.wrappedBuffer(in, pos, n) : Unpooled.directBuffer(n).writeBytes(in, pos, n);
                    try {
                        if (m.random().nextInt(20) == 0) {
                            d.onBytes(chunk, out::add);
                        } else {
                            d.onPayload(chunk, ts, last && m.random().nextInt(8) != 0, out::add);
                        }
                    } catch (WireFormatException expected) {
                        errors++;
                    } finally {
                        chunk.release();
                    }
                    pos += n;
                }
            } catch (RuntimeException | OutOfMemoryError e) {
                fail("PsDemuxer threw " + e + " on " + Mutator.hex(in), e);
            }
            for (AccessUnit au : out) {
                assertTrue(au.data().length <= MAX_FRAME || !au.codec().isVideo(), "frame over the cap: " + au.data().length);
            }
            frames += out.size();
            assertTrue(d.retainedBytes() <= 2L * MAX_FRAME + 512 * 1024, "demuxer holds " + d.retainedBytes() + " bytes");
        }
        assertTrue(frames > Mutator.iterations() / 10, "frames still come out of mutated streams: " + frames);
        assertTrue(errors > 0);
    }
}
