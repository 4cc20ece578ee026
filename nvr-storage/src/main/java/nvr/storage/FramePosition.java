package nvr.storage;

/**
 * Where a read positioned at some instant starts.
 *
 * @param offset byte offset of the keyframe record in the segment file
 * @param keyframeMs time of that keyframe (at or before the instant asked for)
 */
public record FramePosition(SegmentInfo segment, long offset, long keyframeMs) {
}
