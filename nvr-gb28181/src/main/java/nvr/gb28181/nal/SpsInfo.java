package nvr.gb28181.nal;

import nvr.gb28181.media.Codec;

/**
 * What ingest and playback need from a sequence parameter set.
 *
 * @param fps frames per second from the VUI timing info, or 0 when the SPS does not say
 */
public record SpsInfo(Codec codec, int width, int height, double fps) {
}
