/**
 * Segment storage. Layout per data root: {@code index/} (RocksDB, first root only),
 * {@code segments/<camera>/<yyyy-mm-dd>/<start-epoch-ms>.seg}, {@code audit/}.
 */
package nvr.storage;
