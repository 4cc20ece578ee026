package nvr.storage;

/**
 * One stored frame.
 *
 * @param timeMs wall-clock time of the frame (server clock at arrival, smoothed by RTP timestamps)
 * @param streamType ISO/IEC 13818-1 stream_type of the payload (0x1B H.264, 0x24 H.265, 0x90 G.711A, ...)
 * @param payload the access unit as received (Annex-B for video)
 */
public record FrameRecord(long timeMs, boolean keyframe, int streamType, byte[] payload) {
    /** True for this record's stream_type being audio (see {@link #isAudio(int)}). */
    public boolean audio() {
        return isAudio(streamType);
    }

    /**
     * True for audio stream_types (MPEG-1/2 audio 0x03/0x04, AAC 0x0F/0x11, G.711 A-law 0x90, mu-law 0x91, G.722.1
     * 0x92, G.723.1 0x93, G.729 0x99). Audio records are stored interleaved with video but never counted as
     * "frames", never keyframes, and skipped by readers that want video only.
     */
    public static boolean isAudio(int streamType) {
        return switch (streamType) {
            case 0x03, 0x04, 0x0F, 0x11, 0x90, 0x91, 0x92, 0x93, 0x99 -> true;
            default -> false;
        };
    }
}
