package nvr.storage;

import java.nio.file.Path;
import java.util.List;

/**
 * Settings of one store. {@code roots} are data roots (volumes); the first also holds the RocksDB index.
 *
 * @param writerQueueBytes per-root bound on frames queued for disk; beyond it whole GOPs are dropped
 */
public record StoreConfig(List<Path> roots, int segmentMaxSeconds, long segmentMaxBytes, int fsyncMs,
                          long writerQueueBytes) {
    public static StoreConfig defaults(Path root) {
        return new StoreConfig(List.of(root), 60, 256L << 20, 1000, 256L << 20);
    }
}
