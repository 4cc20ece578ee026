package nvr.cli.demo;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import nvr.gb28181.media.Codec;
import org.jcodec.codecs.h264.H264Encoder;
import org.jcodec.common.VideoEncoder;
import org.jcodec.common.model.ColorSpace;
import org.jcodec.common.model.Picture;

/**
 * H.264 frames generated live with jcodec's encoder: a moving bar and the capture time and frame
 * number burned in, so an exported clip shows which instant it really holds. Keyframes (with SPS/PPS)
 * every {@code gop} frames.
 */
final class ClockH264Source implements FrameSource {
    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.S")
            .withZone(ZoneId.systemDefault());

    private final String label;
    private final int width;
    private final int height;
    private final int background;
    private final H264Encoder encoder;
    private final Picture picture;
    private final ByteBuffer out;
    private long frameNo;

    ClockH264Source(String label, int width, int height, int gop, int background) {
        this.label = label;
        this.width = width;
        this.height = height;
        this.background = background;
        this.encoder = H264Encoder.createH264Encoder();
        encoder.setKeyInterval(gop);
        this.picture = Picture.create(width, height, ColorSpace.YUV420J);
        this.out = ByteBuffer.allocate(width * height * 3);
    }

    @Override
    public Codec codec() {
        return Codec.H264;
    }

    @Override
    public Frame next(long wallMs) {
        // jcodec stores samples as signed bytes: value - 128.
        byte[] y = picture.getPlaneData(0);
        Arrays.fill(y, (byte) (background - 128));
        Arrays.fill(picture.getPlaneData(1), (byte) ((frameNo * 3 % 96) - 48));
        Arrays.fill(picture.getPlaneData(2), (byte) 20);
        int barX = (int) (frameNo * 8 % width);
        for (int row = height - 24; row < height - 8; row++) {
            for (int col = barX; col < Math.min(width, barX + 24); col++) {
                y[row * width + col] = (byte) (235 - 128);
            }
        }
        PixelFont.draw(y, width, height, label, 8, 8, 3, 235 - 128);
        PixelFont.draw(y, width, height, CLOCK.format(Instant.ofEpochMilli(wallMs)), 8, 40, 2, 235 - 128);
        PixelFont.draw(y, width, height, "#" + frameNo, 8, 64, 2, 235 - 128);
        out.clear();
        VideoEncoder.EncodedFrame f = encoder.encodeFrame(picture, out);
        ByteBuffer data = f.getData();
        byte[] au = new byte[data.remaining()];
        data.get(au);
        frameNo++;
        return new Frame(au, f.isKeyFrame());
    }
}
