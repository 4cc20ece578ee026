/**
 * GB/T 28181 wire formats, no I/O: RTP and RFC 4571 framing ({@code rtp}), MPEG-2 program stream
 * demux/mux ({@code ps}), H.264/H.265 NAL and access units ({@code nal}), SIP, SDP, MANSCDP XML and
 * MANSRTSP. Every parser takes bytes in and returns typed messages or throws
 * {@link nvr.gb28181.WireFormatException}; nothing else may escape on bad input. Beside the formats, the one
 * allocator of {@code media.port-range} that ingest and playback share ({@code mediaport}; it binds nothing
 * itself).
 */
package nvr.gb28181;
