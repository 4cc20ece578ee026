/**
 * Evidence export: a camera's frames over a time range to a standard MP4 (ISO BMFF) that any player
 * opens, plus {@code FILE.mp4.sha256.json}, a manifest naming the camera, range, segments used (each
 * with its SHA-256), the recording gaps and the SHA-256 of the MP4 itself, so a copy can be verified
 * later ({@link nvr.playback.export.Mp4Exporter#verify}).
 *
 * <p>H.264 goes through jcodec's {@code MP4Muxer} (avc1 + avcC, Annex-B converted to length-prefixed
 * NAL units). jcodec 0.2.5 cannot describe HEVC (no hvcC box, samples left in Annex-B), so for H.265
 * we still use jcodec's muxer for the file layout (ftyp/mdat/moov, stts/stss/stsz/stco) but write the
 * {@code hvc1} sample entry and its {@code hvcC} box ({@link nvr.playback.export.HvcCBox}) ourselves
 * and convert samples to 4-byte length-prefixed NAL units, with VPS/SPS/PPS moved into hvcC.
 * Timestamps: the frames' wall-clock times, 90 kHz timescale, first frame at 0.
 *
 * <p>A camera's G.711 becomes the sound track ({@link nvr.playback.export.G711Track}): the stored A-law/mu-law
 * bytes unchanged in QuickTime {@code alaw}/{@code ulaw} sample entries (8 kHz mono, ffmpeg reads them as
 * pcm_alaw/pcm_mulaw), so the evidence keeps the samples the camera sent instead of a re-encoding; an empty edit
 * starts it at its first record's time and a hole in the audio stretches a sample, so it stays in sync with the
 * video. A camera without audio gets the same video-only MP4 as before. Other audio (AAC) is not exported yet.
 */
package nvr.playback.export;
