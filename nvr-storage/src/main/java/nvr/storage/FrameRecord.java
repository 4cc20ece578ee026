package nvr.storage;

/**
 * One stored frame.
 *
 * @param timeMs wall-clock time of the frame (server clock at arrival, smoothed by RTP timestamps)
 * @param streamType ISO/IEC 13818-1 stream_type of the payload (0x1B H.264, 0x24 H.265, 0x90 G.711A, ...)
 * @param payload the access unit as received (Annex-B for video)
 */
public record FrameRecord(long timeMs, boolean keyframe, int streamType, byte[] payload) {
}
