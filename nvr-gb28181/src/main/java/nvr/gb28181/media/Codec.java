package nvr.gb28181.media;

/**
 * Elementary stream codecs GB/T 28181 carries. {@link #streamType()} is the ISO/IEC 13818-1 PSM
 * stream_type; storage persists that number so it needs no dependency on this module.
 */
public enum Codec {
    H264(0x1B, true),
    H265(0x24, true),
    G711A(0x90, false),
    G711U(0x91, false),
    AAC(0x0F, false);

    private final int streamType;
    private final boolean video;

    Codec(int streamType, boolean video) {
        this.streamType = streamType;
        this.video = video;
    }

    public int streamType() {
        return streamType;
    }

    public boolean isVideo() {
        return video;
    }

    /** The codec for a PSM stream_type, or null when the type is not one GB/T 28181 uses. */
    public static Codec fromStreamType(int streamType) {
        for (Codec c : values()) {
            if (c.streamType == streamType) {
                return c;
            }
        }
        return null;
    }
}
