package nvr.storage;

import java.util.SortedMap;

/** A small RocksDB column family (cameras, devices, holds) with string keys, for registries. */
public interface KeyValueTable {
    void put(String key, byte[] value);

    byte[] get(String key);

    void delete(String key);

    /** Every entry whose key starts with prefix, in key order. */
    SortedMap<String, byte[]> scan(String prefix);
}
