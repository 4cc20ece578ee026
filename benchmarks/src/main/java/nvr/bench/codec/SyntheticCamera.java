package nvr.bench.codec;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import nvr.gb28181.media.AccessUnit;
import nvr.gb28181.media.Codec;
import nvr.gb28181.ps.PsMuxer;
import nvr.gb28181.rtp.RtpPacketizer;

/**
 * A camera's worth of H.264/H.265 access units at a given bitrate (25 fps, GOP 50, keyframe ~8x a
 * P-frame) with entropy-coded-looking slice bodies (uniform random bytes with emulation prevention, so
 * start-code scanning sees the zero density of real CABAC data), muxed to PS and packetised to RTP.
 */
final class SyntheticCamera {
    static final byte[] H264_SPS = hex("6764001facd9405005bb011000000300100000030320f18319a0");
    static final byte[] H264_PPS = hex("68ebe3cb22c0");
    static final byte[] H265_VPS = hex("40010c01ffff016000000300b0000003000003005d95980900");
    static final byte[] H265_SPS = hex("420101016000000300b0000003000003005da00280802d165959a4932bc05a70808080820000030002000003003210");
    static final byte[] H265_PPS = hex("4401c172b46240");

    final List<AccessUnit> frames = new ArrayList<>();
    /** RTP payloads (PS bytes) in send order, with their frame's timestamp and marker. */
    final List<ByteBuf> payloads = new ArrayList<>();
    final List<Long> timestamps = new ArrayList<>();
    final List<Boolean> markers = new ArrayList<>();
    long psBytes;

    SyntheticCamera(Codec codec, int bitsPerSecond, int seconds, boolean direct) {
        Random r = new Random(28181);
        int frameCount = 25 * seconds;
        int bytesPerGop = bitsPerSecond / 8 * 2;       // GOP 50 = 2 s
        int pSize = bytesPerGop / (49 + 8);
        for (int i = 0; i < frameCount; i++) {
            boolean key = i % 50 == 0;
            frames.add(new AccessUnit(codec, 3600L * i, key, frame(codec, key, key ? 8 * pSize : pSize, r)));
        }
        PsMuxer mux = new PsMuxer(codec, null);
        RtpPacketizer pk = new RtpPacketizer(1, 96, 0);
        for (AccessUnit au : frames) {
            ByteBuf ps = Unpooled.buffer();
            mux.mux(au, ps);
            psBytes += ps.readableBytes();
            pk.packetize(ps, au.pts90k(), false, io.netty.buffer.UnpooledByteBufAllocator.DEFAULT, pkt -> {
                ByteBuf payload = direct ? Unpooled.directBuffer(pkt.readableBytes() - 12) : Unpooled.buffer(pkt.readableBytes() - 12);
                payload.writeBytes(pkt, 12, pkt.readableBytes() - 12);
                payloads.add(payload);
                timestamps.add(au.pts90k());
                markers.add((pkt.getByte(1) & 0x80) != 0);
                pkt.release();
            });
        }
    }

    private static byte[] frame(Codec codec, boolean key, int size, Random r) {
        ByteArrayOutputStream b = new ByteArrayOutputStream(size + 128);
        if (key) {
            for (byte[] ps : codec == Codec.H265 ? new byte[][] {H265_VPS, H265_SPS, H265_PPS} : new byte[][] {H264_SPS, H264_PPS}) {
                b.writeBytes(new byte[] {0, 0, 0, 1});
                b.writeBytes(ps);
            }
        }
        b.writeBytes(new byte[] {0, 0, 0, 1});
        if (codec == Codec.H265) {
            b.writeBytes(key ? new byte[] {0x26, 0x01, (byte) 0xAF} : new byte[] {0x02, 0x01, (byte) 0xD0});
        } else {
            b.writeBytes(key ? new byte[] {0x65, (byte) 0x88} : new byte[] {0x41, (byte) 0x9A});
        }
        int zeros = 0;
        for (int i = 0; i < size; i++) {
            int v = r.nextInt(256);
            if (zeros >= 2 && v <= 3) {
                b.write(3); // emulation_prevention_three_byte
                zeros = 0;
            }
            b.write(v);
            zeros = v == 0 ? zeros + 1 : 0;
        }
        b.write(0x80); // rbsp_stop_one_bit
        return b.toByteArray();
    }

    private static byte[] hex(String s) {
        return java.util.HexFormat.of().parseHex(s);
    }
}
