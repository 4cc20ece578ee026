/**
 * {@code nvr serve}: the process that records. Start order: meters, store, (retention, ingest, SIP,
 * playback), admin API, demo cameras; stop order is the reverse, ending with a flush and fsync of the
 * store so a SIGTERM loses nothing acknowledged. One recorder per data root is the store's own lock
 * ({@code <root>/lock}, an OS lock taken before anything else touches the root; the holder writes its pid
 * there); when it refuses, serve prints one line naming the root and that pid, not a RocksDB trace.
 */
package nvr.cli.serve;
