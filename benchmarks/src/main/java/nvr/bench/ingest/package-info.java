/**
 * Receiving side of the ingest load test: {@code IngestServer} (the real RtpReceivers + Store recording N static
 * UDP cameras) and {@code RawReceiver} (the baseline: a bare DatagramChannel drain loop), each run as its own JVM.
 */
package nvr.bench.ingest;
