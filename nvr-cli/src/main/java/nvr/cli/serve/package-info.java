/**
 * {@code nvr serve}: the process that records. Start order: data-root lock, meters, store, (retention,
 * ingest, SIP, playback), admin API, demo cameras; stop order is the reverse, ending with a flush and
 * fsync of the store so a SIGTERM loses nothing acknowledged. The lock file ({@code <root>/nvr.lock},
 * an OS lock) makes a second server on the same data root fail with a message, not a RocksDB trace.
 */
package nvr.cli.serve;
