/**
 * The ingest load generator: simulated GB/T 28181 cameras (real H.264 in PS over RTP/UDP, 25 fps, GOP 50,
 * ~4 Mbit/s each, real-time pace) in a process of their own, and {@code IngestLoadRun}, which measures the NVR's
 * receivers against a raw-socket baseline fed the same traffic. Separate processes so /proc CPU figures of the
 * NVR do not include the generator's work.
 */
package nvr.bench.load;
