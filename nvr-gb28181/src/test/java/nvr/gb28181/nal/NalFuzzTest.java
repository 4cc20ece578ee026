package nvr.gb28181.nal;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.List;
import nvr.gb28181.WireFormatException;
import nvr.gb28181.media.Codec;
import nvr.gb28181.media.Mutator;
import org.junit.jupiter.api.Test;

/** Mutated SPS and access units: the NAL parsers only raise WireFormatException and never loop or blow up. */
class NalFuzzTest {
    private static final List<byte[]> H264 = List.of(
            NalUnitsTest.hex("6764000dacd94141fb0110000003001000000303 20f1429960"),
            NalUnitsTest.hex("674d401fe8802802dd80b501010140000003004000000c83c60c4480"),
            NalUnitsTest.hex("42e01e8d680a03da6c80"));
    private static final List<byte[]> H265 = List.of(
            NalUnitsTest.hex("42010101600000030090000003000003003ca00a080f165959a4932bc05a020000030002000003003210"),
            NalUnitsTest.hex("420101016000000300b0000003000003005da00280802d165959a4932bc05a70808080820000030002000003003210"));

    @Test
    void mutatedParameterSetsAndAccessUnits() {
        Mutator m = new Mutator(28181);
        int parsed = 0;
        for (int i = 0; i < Mutator.iterations(); i++) {
            boolean h265 = (i & 1) == 1;
            Codec codec = h265 ? Codec.H265 : Codec.H264;
            List<byte[]> seeds = h265 ? H265 : H264;
            byte[] in = m.mutate(seeds.get(m.random().nextInt(seeds.size())));
            try {
                SpsInfo info = SpsParser.parse(codec, in, 0, in.length);
                assertTrue(info.width() > 0 && info.height() > 0 && info.width() <= 1 << 18 && info.height() <= 1 << 19);
                parsed++;
            } catch (WireFormatException expected) {
                // typed
            } catch (RuntimeException e) {
                fail("SpsParser threw " + e + " on " + Mutator.hex(in), e);
            }
            byte[] au = new byte[in.length + 4];
            au[3] = 1;
            System.arraycopy(in, 0, au, 4, in.length);
            try {
                NalUnits.isKeyframe(codec, au, 0, au.length);
                CodecProbe.probeVideo(au, 0, au.length);
                CodecProbe.looksLikeAdts(in, 0, in.length);
                SpsParser.find(codec, au, 0, au.length);
                NalUnits.splitAccessUnits(codec, au, 0, au.length);
                NalUnits.forEachNal(au, 0, au.length, (a, s, e) -> NalUnits.startsAccessUnit(codec, a, s, e));
            } catch (WireFormatException expected) {
                // typed
            } catch (RuntimeException e) {
                fail("NAL helpers threw " + e + " on " + Mutator.hex(au), e);
            }
        }
        assertTrue(parsed > Mutator.iterations() / 20, "mutants that still parse: " + parsed);
    }
}
