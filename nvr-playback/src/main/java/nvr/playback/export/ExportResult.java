package nvr.playback.export;

import java.nio.file.Path;
import java.util.List;
import nvr.gb28181.media.Codec;
import nvr.storage.Gap;

/**
 * What an export wrote.
 *
 * @param firstFrameMs wall-clock time of the first frame written (the keyframe at or before the requested start)
 * @param segments each segment file the frames came from, with its SHA-256 at export time
 * @param audio the camera's G.711 codec when the MP4 has its sound track, else null
 * @param audioFrames stored audio records in the sound track (0 without one)
 */
public record ExportResult(Path mp4, Path manifest, String sha256, long bytes, Codec codec, int width, int height,
                           long frames, long firstFrameMs, long lastFrameMs, List<SegmentHash> segments, List<Gap> gaps,
                           Codec audio, long audioFrames) {
    /** One segment used by an export. */
    public record SegmentHash(String file, long startMs, long endMs, long bytes, String sha256) {
    }
}
