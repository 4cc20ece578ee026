package nvr.gb28181.media;

/**
 * One demuxed frame: a video access unit in Annex-B form (start codes included) or one audio frame.
 *
 * @param pts90k presentation time in 90 kHz units as the stream carried it (PES PTS, else RTP timestamp)
 * @param keyframe true for an IDR/IRAP access unit that a decoder can start from
 */
public record AccessUnit(Codec codec, long pts90k, boolean keyframe, byte[] data) {
}
