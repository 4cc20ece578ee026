package nvr.gb28181.nal;

import nvr.gb28181.WireFormatException;
import nvr.gb28181.media.Codec;

/**
 * Parses H.264 (7.3.2.1.1) and H.265 (7.3.2.2) sequence parameter sets for picture size and frame rate.
 * Written here rather than with jcodec because jcodec sizes arrays from unchecked ue(v) fields; this
 * parser reads at most {@value #MAX_SPS} bytes and bounds every loop count by the standard's limits.
 */
public final class SpsParser {
    static final int MAX_SPS = 4096;

    private SpsParser() {
    }

    /** Finds the first SPS in an Annex-B access unit and parses it; null when the unit holds none. */
    public static SpsInfo find(Codec codec, byte[] au, int off, int len) throws WireFormatException {
        int end = off + len;
        int sc = NalUnits.findStartCode(au, off, end);
        while (sc >= 0) {
            int nal = sc + 3;
            int next = NalUnits.findStartCode(au, nal, end);
            if (nal < end && NalUnits.nalType(codec, au[nal]) == (codec == Codec.H265 ? NalUnits.H265_SPS : NalUnits.H264_SPS)) {
                return parse(codec, au, nal, (next < 0 ? end : next) - nal);
            }
            sc = next;
        }
        return null;
    }

    /** Parses one SPS NAL unit, header byte(s) included, emulation prevention bytes still in place. */
    public static SpsInfo parse(Codec codec, byte[] nal, int off, int len) throws WireFormatException {
        if (codec != Codec.H264 && codec != Codec.H265) {
            throw new WireFormatException("nal", codec + " has no sequence parameter set");
        }
        byte[] rbsp = new byte[Math.min(len, MAX_SPS)];
        int n = BitReader.unescape(nal, off, len, rbsp);
        int hdr = codec == Codec.H265 ? 2 : 1;
        if (n <= hdr) {
            throw new WireFormatException("nal", "SPS of " + len + " bytes is too short");
        }
        BitReader r = new BitReader(rbsp, hdr, n - hdr);
        return codec == Codec.H265 ? h265(r) : h264(r);
    }

    private static SpsInfo h264(BitReader r) throws WireFormatException {
        int profile = r.u(8);
        r.skip(16); // constraint flags, level_idc
        r.ue(31, "seq_parameter_set_id");
        int chroma = 1;
        if (profile == 100 || profile == 110 || profile == 122 || profile == 244 || profile == 44 || profile == 83
                || profile == 86 || profile == 118 || profile == 128 || profile == 138 || profile == 139
                || profile == 134 || profile == 135) {
            chroma = r.ue(3, "chroma_format_idc");
            if (chroma == 3 && r.flag()) {
                chroma = 0; // separate_colour_plane: cropped like monochrome
            }
            r.ue(14, "bit_depth_luma_minus8");
            r.ue(14, "bit_depth_chroma_minus8");
            r.skip(1);
            if (r.flag()) {
                int lists = chroma == 3 ? 12 : 8;
                for (int i = 0; i < lists; i++) {
                    if (r.flag()) {
                        skipScalingList(r, i < 6 ? 16 : 64);
                    }
                }
            }
        }
        r.ue(12, "log2_max_frame_num_minus4");
        int pocType = r.ue(2, "pic_order_cnt_type");
        if (pocType == 0) {
            r.ue(12, "log2_max_pic_order_cnt_lsb_minus4");
        } else if (pocType == 1) {
            r.skip(1);
            r.se();
            r.se();
            int cycle = r.ue(255, "num_ref_frames_in_pic_order_cnt_cycle");
            for (int i = 0; i < cycle; i++) {
                r.se();
            }
        }
        r.ue(32, "max_num_ref_frames");
        r.skip(1);
        int wMbs = r.ue(1 << 14, "pic_width_in_mbs_minus1") + 1;
        int hMap = r.ue(1 << 14, "pic_height_in_map_units_minus1") + 1;
        boolean frameMbsOnly = r.flag();
        if (!frameMbsOnly) {
            r.skip(1);
        }
        r.skip(1);
        int width = wMbs * 16;
        int height = (frameMbsOnly ? 1 : 2) * hMap * 16;
        if (r.flag()) {
            int cx = chroma == 0 || chroma == 3 ? 1 : 2;
            int cy = (chroma == 1 ? 2 : 1) * (frameMbsOnly ? 1 : 2);
            int left = r.ue();
            int right = r.ue();
            int top = r.ue();
            int bottom = r.ue();
            width -= (int) Math.min(width, (long) cx * ((long) left + right));
            height -= (int) Math.min(height, (long) cy * ((long) top + bottom));
        }
        if (width <= 0 || height <= 0) {
            throw new WireFormatException("nal", "H.264 SPS crops the picture to " + width + "x" + height);
        }
        double fps = 0;
        try {
            if (r.flag()) { // vui_parameters_present_flag
                skipVuiUpToTiming(r);
                if (r.flag()) {
                    long tick = r.u32();
                    long scale = r.u32();
                    fps = tick == 0 ? 0 : scale / (2.0 * tick);
                }
            }
        } catch (WireFormatException truncatedVui) {
            fps = 0; // size is known; a cut-off VUI only loses the frame rate
        }
        return new SpsInfo(Codec.H264, width, height, fps);
    }

    private static void skipScalingList(BitReader r, int size) throws WireFormatException {
        int last = 8;
        int next = 8;
        for (int j = 0; j < size; j++) {
            if (next != 0) {
                next = (last + r.se() + 256) % 256;
            }
            last = next == 0 ? last : next;
        }
    }

    /** Skips VUI fields common to H.264 and H.265 up to (not including) the codec-specific part before timing. */
    private static void skipVuiUpToTiming(BitReader r) throws WireFormatException {
        if (r.flag() && r.u(8) == 255) {
            r.skip(32); // aspect_ratio_info: sar width/height
        }
        if (r.flag()) {
            r.skip(1); // overscan_appropriate
        }
        if (r.flag()) {
            r.skip(4); // video_format, full_range
            if (r.flag()) {
                r.skip(24);
            }
        }
        if (r.flag()) {
            r.ue();
            r.ue();
        }
    }

    private static SpsInfo h265(BitReader r) throws WireFormatException {
        r.skip(4);
        int maxSubLayersMinus1 = r.u(3);
        if (maxSubLayersMinus1 > 6) {
            throw new WireFormatException("nal", "H.265 sps_max_sub_layers_minus1 = " + maxSubLayersMinus1 + " exceeds 6");
        }
        r.skip(1);
        r.skip(88 + 8); // general profile (88 bits) + general_level_idc
        boolean[] profilePresent = new boolean[maxSubLayersMinus1];
        boolean[] levelPresent = new boolean[maxSubLayersMinus1];
        for (int i = 0; i < maxSubLayersMinus1; i++) {
            profilePresent[i] = r.flag();
            levelPresent[i] = r.flag();
        }
        if (maxSubLayersMinus1 > 0) {
            r.skip(2 * (8 - maxSubLayersMinus1));
        }
        for (int i = 0; i < maxSubLayersMinus1; i++) {
            r.skip((profilePresent[i] ? 88 : 0) + (levelPresent[i] ? 8 : 0));
        }
        r.ue(15, "sps_seq_parameter_set_id");
        int chroma = r.ue(3, "chroma_format_idc");
        if (chroma == 3 && r.flag()) {
            chroma = 0;
        }
        int width = r.ue(1 << 16, "pic_width_in_luma_samples");
        int height = r.ue(1 << 16, "pic_height_in_luma_samples");
        if (r.flag()) {
            int cx = chroma == 1 || chroma == 2 ? 2 : 1;
            int cy = chroma == 1 ? 2 : 1;
            long left = r.ue();
            long right = r.ue();
            long top = r.ue();
            long bottom = r.ue();
            width -= (int) Math.min(width, cx * (left + right));
            height -= (int) Math.min(height, cy * (top + bottom));
        }
        if (width <= 0 || height <= 0) {
            throw new WireFormatException("nal", "H.265 SPS gives a picture of " + width + "x" + height);
        }
        double fps = 0;
        try {
            fps = h265Fps(r, maxSubLayersMinus1);
        } catch (WireFormatException truncated) {
            fps = 0; // size is known; a malformed tail only loses the frame rate
        }
        return new SpsInfo(Codec.H265, width, height, fps);
    }

    private static double h265Fps(BitReader r, int maxSubLayersMinus1) throws WireFormatException {
        r.ue(8, "bit_depth_luma_minus8");
        r.ue(8, "bit_depth_chroma_minus8");
        int pocLsbBits = r.ue(12, "log2_max_pic_order_cnt_lsb_minus4") + 4;
        boolean orderingAll = r.flag();
        for (int i = orderingAll ? 0 : maxSubLayersMinus1; i <= maxSubLayersMinus1; i++) {
            r.ue();
            r.ue();
            r.ue();
        }
        for (int i = 0; i < 6; i++) {
            r.ue(); // coding/transform block sizes, hierarchy depths
        }
        if (r.flag() && r.flag()) { // scaling_list_enabled && sps_scaling_list_data_present
            for (int size = 0; size < 4; size++) {
                for (int m = 0; m < 6; m += size == 3 ? 3 : 1) {
                    if (!r.flag()) {
                        r.ue();
                    } else {
                        int coefs = Math.min(64, 1 << (4 + (size << 1)));
                        if (size > 1) {
                            r.se();
                        }
                        for (int k = 0; k < coefs; k++) {
                            r.se();
                        }
                    }
                }
            }
        }
        r.skip(2); // amp, sample_adaptive_offset
        if (r.flag()) { // pcm
            r.skip(8);
            r.ue();
            r.ue();
            r.skip(1);
        }
        int sets = r.ue(64, "num_short_term_ref_pic_sets");
        int[] deltaPocs = new int[sets];
        for (int i = 0; i < sets; i++) {
            if (i != 0 && r.flag()) { // inter_ref_pic_set_prediction_flag, RefRpsIdx = i - 1 in an SPS
                r.skip(1);
                r.ue();
                int n = 0;
                for (int j = 0; j <= deltaPocs[i - 1]; j++) {
                    boolean used = r.flag();
                    if (used || r.flag()) {
                        n++;
                    }
                }
                deltaPocs[i] = Math.min(n, 32);
            } else {
                int neg = r.ue(16, "num_negative_pics");
                int pos = r.ue(16, "num_positive_pics");
                for (int k = 0; k < neg + pos; k++) {
                    r.ue();
                    r.skip(1);
                }
                deltaPocs[i] = neg + pos;
            }
        }
        if (r.flag()) { // long_term_ref_pics_present
            int lt = r.ue(32, "num_long_term_ref_pics_sps");
            for (int i = 0; i < lt; i++) {
                r.skip(pocLsbBits + 1);
            }
        }
        r.skip(2); // temporal_mvp, strong_intra_smoothing
        if (!r.flag()) {
            return 0;
        }
        skipVuiUpToTiming(r);
        r.skip(3); // neutral_chroma, field_seq, frame_field_info
        if (r.flag()) {
            r.ue();
            r.ue();
            r.ue();
            r.ue();
        }
        if (!r.flag()) {
            return 0;
        }
        long tick = r.u32();
        long scale = r.u32();
        return tick == 0 ? 0 : (double) scale / tick;
    }
}
