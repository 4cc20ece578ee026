package nvr.playback.export;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.List;
import org.jcodec.containers.mp4.boxes.Box;
import org.jcodec.containers.mp4.boxes.Header;

/**
 * {@code hvcC}, the HEVCDecoderConfigurationRecord (ISO/IEC 14496-15 8.3.3.1), which jcodec 0.2.5 lacks.
 * Profile/tier/level, chroma format and bit depths come from the SPS; the VPS, SPS and PPS NAL units
 * are carried whole (array_completeness = 1, as {@code hvc1} requires). Samples use 4-byte lengths.
 */
final class HvcCBox extends Box {
    private final byte[] body;

    private HvcCBox(byte[] body) {
        super(Header.createHeader("hvcC", 8 + body.length));
        this.body = body;
    }

    /** Builds the box from parameter-set NAL units (header bytes included, emulation prevention in place). */
    static HvcCBox of(List<byte[]> vps, List<byte[]> sps, List<byte[]> pps) throws ExportException {
        if (vps.isEmpty() || sps.isEmpty() || pps.isEmpty()) {
            throw new ExportException("H.265 footage lacks VPS/SPS/PPS before its first keyframe; cannot describe it in MP4");
        }
        SpsFields f = SpsFields.parse(sps.get(0));
        ByteArrayOutputStream b = new ByteArrayOutputStream(64 + total(vps) + total(sps) + total(pps));
        b.write(1); // configurationVersion
        b.write(f.ptl, 0, 12); // profile_space/tier/profile_idc, 32 compat flags, 48 constraint flags, level_idc
        b.write(0xF0); // reserved 1111 + min_spatial_segmentation_idc (12 bits) = 0
        b.write(0x00);
        b.write(0xFC); // reserved 111111 + parallelismType 0 (unknown)
        b.write(0xFC | f.chromaFormatIdc);
        b.write(0xF8 | f.bitDepthLumaMinus8);
        b.write(0xF8 | f.bitDepthChromaMinus8);
        b.write(0); // avgFrameRate (16 bits): unspecified
        b.write(0);
        // constantFrameRate 0 | numTemporalLayers | temporalIdNested | lengthSizeMinusOne = 3
        b.write(((f.maxSubLayersMinus1 + 1) & 7) << 3 | (f.temporalIdNesting ? 1 : 0) << 2 | 3);
        b.write(3); // numOfArrays
        array(b, 32, vps);
        array(b, 33, sps);
        array(b, 34, pps);
        return new HvcCBox(b.toByteArray());
    }

    private static int total(List<byte[]> nals) {
        int n = 0;
        for (byte[] a : nals) {
            n += a.length + 2;
        }
        return n;
    }

    private static void array(ByteArrayOutputStream b, int type, List<byte[]> nals) {
        b.write(0x80 | type); // array_completeness 1, reserved 0, NAL_unit_type
        b.write(nals.size() >> 8);
        b.write(nals.size());
        for (byte[] n : nals) {
            b.write(n.length >> 8);
            b.write(n.length);
            b.write(n, 0, n.length);
        }
    }

    @Override
    public void parse(ByteBuffer buf) {
        throw new UnsupportedOperationException("hvcC is only written");
    }

    @Override
    protected void doWrite(ByteBuffer out) {
        out.put(body);
    }

    @Override
    public int estimateSize() {
        return 8 + body.length;
    }

    /** The SPS fields hvcC repeats (H.265 7.3.2.2.1 up to bit_depth_chroma_minus8). */
    static final class SpsFields {
        final byte[] ptl = new byte[12];
        int maxSubLayersMinus1;
        boolean temporalIdNesting;
        int chromaFormatIdc;
        int bitDepthLumaMinus8;
        int bitDepthChromaMinus8;

        static SpsFields parse(byte[] nal) throws ExportException {
            byte[] rbsp = unescape(nal, 2);
            Bits r = new Bits(rbsp);
            SpsFields f = new SpsFields();
            try {
                r.read(4); // sps_video_parameter_set_id
                f.maxSubLayersMinus1 = r.read(3);
                f.temporalIdNesting = r.read(1) == 1;
                for (int i = 0; i < 12; i++) {
                    f.ptl[i] = (byte) r.read(8);
                }
                int n = f.maxSubLayersMinus1;
                boolean[] profilePresent = new boolean[n];
                boolean[] levelPresent = new boolean[n];
                for (int i = 0; i < n; i++) {
                    profilePresent[i] = r.read(1) == 1;
                    levelPresent[i] = r.read(1) == 1;
                }
                if (n > 0) {
                    for (int i = n; i < 8; i++) {
                        r.read(2);
                    }
                }
                for (int i = 0; i < n; i++) {
                    if (profilePresent[i]) {
                        r.skip(88);
                    }
                    if (levelPresent[i]) {
                        r.skip(8);
                    }
                }
                r.ue(); // sps_seq_parameter_set_id
                f.chromaFormatIdc = r.ue();
                if (f.chromaFormatIdc > 3) {
                    throw new ExportException("H.265 SPS has chroma_format_idc " + f.chromaFormatIdc);
                }
                if (f.chromaFormatIdc == 3) {
                    r.read(1);
                }
                r.ue(); // pic_width_in_luma_samples
                r.ue(); // pic_height_in_luma_samples
                if (r.read(1) == 1) { // conformance_window_flag
                    r.ue();
                    r.ue();
                    r.ue();
                    r.ue();
                }
                f.bitDepthLumaMinus8 = Math.min(7, r.ue());
                f.bitDepthChromaMinus8 = Math.min(7, r.ue());
            } catch (IndexOutOfBoundsException e) {
                throw new ExportException("H.265 SPS is truncated");
            }
            return f;
        }

        private static byte[] unescape(byte[] nal, int from) {
            byte[] out = new byte[Math.max(0, nal.length - from)];
            int n = 0;
            int zeros = 0;
            for (int i = from; i < nal.length; i++) {
                int b = nal[i] & 0xFF;
                if (zeros >= 2 && b == 3) {
                    zeros = 0;
                    continue; // emulation_prevention_three_byte
                }
                zeros = b == 0 ? zeros + 1 : 0;
                out[n++] = (byte) b;
            }
            return java.util.Arrays.copyOf(out, n);
        }
    }

    /** MSB-first bit reader over an RBSP; reading past the end throws IndexOutOfBoundsException. */
    private static final class Bits {
        private final byte[] a;
        private int pos;

        Bits(byte[] a) {
            this.a = a;
        }

        int read(int n) {
            int v = 0;
            for (int i = 0; i < n; i++) {
                int bit = (a[pos >> 3] >> (7 - (pos & 7))) & 1;
                v = v << 1 | bit;
                pos++;
            }
            return v;
        }

        void skip(int n) {
            pos += n;
            if (pos > a.length * 8) {
                throw new IndexOutOfBoundsException();
            }
        }

        int ue() {
            int zeros = 0;
            while (read(1) == 0) {
                if (++zeros > 31) {
                    throw new IndexOutOfBoundsException();
                }
            }
            return (int) ((1L << zeros) - 1 + read(zeros));
        }
    }
}
