/** Codec-neutral media types shared by the demuxer, the muxer, ingest and playback. */
package nvr.gb28181.media;
