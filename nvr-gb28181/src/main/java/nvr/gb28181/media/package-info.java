/**
 * Codec-neutral media types shared by the demuxer, the muxer, ingest, storage and playback.
 *
 * <p>An {@link nvr.gb28181.media.AccessUnit} is one video picture in Annex-B form (start codes kept, the
 * way cameras send it and the way storage writes it to segment files, so playback can re-mux it to PS
 * or MP4 without re-parsing) or one audio frame, with its 90 kHz PTS and keyframe flag.
 * {@link nvr.gb28181.media.Codec} carries the ISO/IEC 13818-1 PSM stream_type, the number storage
 * persists, so the on-disk format needs no Java enum ordinal.
 */
package nvr.gb28181.media;
