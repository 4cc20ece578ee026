/**
 * Playback benchmarks: {@link nvr.bench.playback.FirstPacketBenchmark} (JMH, INVITE to first RTP
 * packet against a 90-day index) and {@link nvr.bench.playback.PlaybackLoad} (load generator:
 * concurrent 1x sessions at 4 Mbit/s counting late frames, and Download throughput against a raw
 * read of the same segment files in the same run). Footage is ffmpeg-made and recorded through the
 * real Store; sessions go through the real SIP handler, SDP parser and 127.0.0.1 sockets.
 */
package nvr.bench.playback;
