package nvr.gb28181.nal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import nvr.gb28181.WireFormatException;
import nvr.gb28181.media.Codec;
import nvr.gb28181.ps.Ffmpeg;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** SPS parsing against what x264/x265 (through ffmpeg) write for several sizes, crops and rates. */
class SpsParserTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @CsvSource({
        "H264, 1920, 1080, 25, ''", "H264, 1280, 720, 30, ''", "H264, 352, 288, 15, ''", "H264, 642, 362, 25, '-profile:v high444'",
        "H264, 320, 240, 25, '-profile:v baseline'",
        "H265, 1920, 1080, 25, ''", "H265, 1280, 720, 30, ''", "H265, 352, 288, 15, ''", "H265, 642, 362, 25, ''"})
    void sizeAndRateMatchTheEncodersSettings(Codec codec, int w, int h, int fps, String extra) throws Exception {
        Ffmpeg.assumeInstalled();
        Path es = dir.resolve("clip." + (codec == Codec.H265 ? "hevc" : "h264"));
        java.util.List<String> cmd = new java.util.ArrayList<>(java.util.List.of("ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i",
                "testsrc2=size=" + w + "x" + h + ":rate=" + fps, "-frames:v", "1"));
        if (codec == Codec.H265) {
            cmd.addAll(java.util.List.of("-c:v", "libx265", "-x265-params", "log-level=error", "-pix_fmt", "yuv420p"));
        } else {
            cmd.addAll(java.util.List.of("-c:v", "libx264"));
            if (extra.isEmpty()) {
                cmd.addAll(java.util.List.of("-pix_fmt", "yuv420p"));
            } else {
                cmd.addAll(java.util.List.of(extra.split(" ")));
                cmd.addAll(java.util.List.of("-pix_fmt", extra.contains("444") ? "yuv444p" : "yuv420p"));
            }
        }
        cmd.add(es.toString());
        Ffmpeg.check(cmd.toArray(String[]::new));
        byte[] au = Files.readAllBytes(es);
        SpsInfo info = SpsParser.find(codec, au, 0, au.length);
        assertNotNull(info, "no SPS found");
        assertEquals(new SpsInfo(codec, w, h, fps), info);
    }

    @Test
    void truncatedSpsIsATypedError() {
        byte[] sps = nvr.gb28181.nal.NalUnitsTest.hex("6764000dac");
        WireFormatException e = assertThrows(WireFormatException.class, () -> SpsParser.parse(Codec.H264, sps, 0, sps.length));
        assertEquals("nal", e.format());
        assertThrows(WireFormatException.class, () -> SpsParser.parse(Codec.G711A, sps, 0, sps.length));
    }
}
