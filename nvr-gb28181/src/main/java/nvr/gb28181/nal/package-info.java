/**
 * H.264 / H.265 elementary streams in Annex-B form (start code {@code 00 00 01} before every NAL unit),
 * which is what GB/T 28181 cameras put in their PS packets and what storage keeps per frame.
 *
 * <p>Why it exists: the demuxer needs to know where one access unit (frame) ends and the next begins
 * when RTP markers and PES timestamps lie, and storage/retention need keyframes (IDR, or IRAP for H.265;
 * repeated SPS/PPS before a P-frame do not make a keyframe) to cut segments where playback can start.
 * SPS parsing gives width/height/fps for the catalogue and MP4 export. Everything is bounded: no array is
 * sized by a field read from the stream, and malformed parameter sets throw
 * {@link nvr.gb28181.WireFormatException}.
 */
package nvr.gb28181.nal;
