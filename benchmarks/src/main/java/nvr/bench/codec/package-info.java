/**
 * JMH benchmarks of the media wire formats: PS demux (the per-camera hot path of ingest: 256 cameras on
 * 2 cores) and PS mux / RTP packetisation (playback), each against a same-run copy baseline.
 */
package nvr.bench.codec;
