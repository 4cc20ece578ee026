package nvr.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Consumer;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.Cache;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.DBOptions;
import org.rocksdb.LRUCache;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;

/**
 * The RocksDB index of one store. Column families: {@code segments} (key {@code camera utf8 | 0x00 |
 * start-ms i64 big-endian} -> {@link IndexEntry}), {@code meta} (root UUIDs, open/garbage markers),
 * {@code cameras}, {@code devices}, {@code holds} (registries with string keys). Big-endian keys sort by
 * camera then time, so {@code seekForPrev(camera|T)} lands on the segment that starts at or before T.
 */
final class SegmentIndex implements AutoCloseable {
    static final List<String> TABLES = List.of("cameras", "devices", "holds");
    /**
     * Block cache shared by every column family (RocksDB's default is a separate 32 MiB cache per table
     * factory): 64 MiB holds about two days of a 64-camera store's entries uncompressed (~29 MiB a day), i.e.
     * the recent footage playback and RecordInfo mostly ask for, plus every day summary coverage queries read;
     * a small fraction of a village server's RAM. Older entries come from the OS page cache (the SST files are
     * compressed: ~0.37 GiB for 90 days x 64 cameras); a seek whose block is in neither waits for the disk.
     */
    static final long BLOCK_CACHE_BYTES = 64L << 20;

    /** One decoded {@code segments} entry. */
    record Segment(String camera, long startMs, IndexEntry entry) {
        byte[] key() {
            return SegmentIndex.key(camera, startMs);
        }
    }

    private final RocksDB db;
    private final DBOptions dbOptions;
    private final ColumnFamilyOptions cfOptions;
    private final List<ColumnFamilyHandle> handles;
    private final ColumnFamilyHandle segments;
    private final ColumnFamilyHandle meta;
    private final ColumnFamilyHandle days;
    private final ColumnFamilyOptions metaOptions;
    private final Cache blockCache;
    /** Reads never change options: one instance serves every get and iterator (no native allocation per read). */
    private final ReadOptions read = new ReadOptions();
    private final Map<String, ColumnFamilyHandle> tables = new HashMap<>();
    private final WriteOptions syncWrite = new WriteOptions().setSync(true);
    private final WriteOptions noSyncWrite = new WriteOptions();
    /** Entries whose deletion is recorded but not dropped yet: hidden from every reader below (not from get). */
    final DeletingSet deleting = new DeletingSet();

    private SegmentIndex(RocksDB db, DBOptions dbOptions, ColumnFamilyOptions cfOptions,
                         ColumnFamilyOptions metaOptions, Cache blockCache, List<ColumnFamilyHandle> handles) {
        this.db = db;
        this.blockCache = blockCache;
        this.dbOptions = dbOptions;
        this.cfOptions = cfOptions;
        this.metaOptions = metaOptions;
        this.handles = handles;
        this.segments = handles.get(1);
        this.meta = handles.get(2);
        for (int i = 0; i < TABLES.size(); i++) {
            tables.put(TABLES.get(i), handles.get(3 + i));
        }
        this.days = handles.get(3 + TABLES.size());
    }

    static SegmentIndex open(Path dir) throws IOException {
        RocksDbNativeLibrary.load();
        Files.createDirectories(dir);
        Cache cache = new LRUCache(BLOCK_CACHE_BYTES);
        ColumnFamilyOptions cfo = new ColumnFamilyOptions().setTableFormatConfig(tableFormat(cache));
        // meta holds per-root usage counters updated by merge (8-byte little-endian add) in commit batches
        ColumnFamilyOptions mo = new ColumnFamilyOptions().setMergeOperator(new org.rocksdb.UInt64AddOperator())
                .setTableFormatConfig(tableFormat(cache));
        DBOptions dbo = new DBOptions().setCreateIfMissing(true).setCreateMissingColumnFamilies(true)
                .setKeepLogFileNum(5).setMaxTotalWalSize(64L << 20);
        List<ColumnFamilyDescriptor> cfs = new ArrayList<>();
        cfs.add(new ColumnFamilyDescriptor(RocksDB.DEFAULT_COLUMN_FAMILY, cfo));
        cfs.add(new ColumnFamilyDescriptor(bytes("segments"), cfo));
        cfs.add(new ColumnFamilyDescriptor(bytes("meta"), mo));
        for (String t : TABLES) {
            cfs.add(new ColumnFamilyDescriptor(bytes(t), cfo));
        }
        cfs.add(new ColumnFamilyDescriptor(bytes("days"), cfo));
        List<ColumnFamilyHandle> handles = new ArrayList<>();
        try {
            RocksDB db = RocksDB.open(dbo, dir.toString(), cfs, handles);
            return new SegmentIndex(db, dbo, cfo, mo, cache, handles);
        } catch (RocksDBException e) {
            dbo.close();
            cfo.close();
            mo.close();
            cache.close();
            throw new IOException("cannot open the index at " + dir + ": " + e.getMessage()
                    + " (is another nvr using this data root?)", e);
        }
    }

    /**
     * SST layout: RocksDB's default 4 KiB blocks, index blocks held by their table readers (outside the cache,
     * always resident: ~17 MB for 90 days x 64 cameras), data blocks in the shared cache. Measured on that store
     * with the page cache warm: 16 KiB blocks cost +22 us of CPU per seek (decompressing 4x the bytes for one
     * entry) for a 25% smaller file; index blocks in the cache (pinned or partitioned) cost up to 0.5 ms of CPU
     * per seek on files with unpartitioned indexes, re-reading whole per-file index blocks evicted by data.
     */
    private static BlockBasedTableConfig tableFormat(Cache cache) {
        return new BlockBasedTableConfig().setBlockCache(cache);
    }

    /** Meta key marking a segment as written by a live writer (recovery scans its tail). */
    static String openMarker(String camera, long startMs) {
        return "open|" + camera + "|" + startMs;
    }

    /** Meta key marking a segment whose deletion is in progress (recovery finishes it). */
    static String garbageMarker(String camera, long startMs) {
        return "garbage|" + camera + "|" + startMs;
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static byte[] key(String camera, long startMs) {
        byte[] c = bytes(camera);
        return ByteBuffer.allocate(c.length + 9).put(c).put((byte) 0).putLong(startMs).array();
    }

    /** {@code camera | 0x00 | start}: the key of a segment of the camera whose {@link #prefix} is given. */
    static byte[] key(byte[] prefix, long startMs) {
        byte[] k = Arrays.copyOf(prefix, prefix.length + 8);
        for (int i = 0; i < 8; i++) {
            k[prefix.length + i] = (byte) (startMs >>> (56 - 8 * i));
        }
        return k;
    }

    static byte[] prefix(String camera) {
        byte[] c = bytes(camera);
        return Arrays.copyOf(c, c.length + 1); // camera | 0x00
    }

    private static boolean hasPrefix(byte[] key, byte[] prefix) {
        return key.length == prefix.length + 8 && Arrays.equals(key, 0, prefix.length, prefix, 0, prefix.length);
    }

    /** Decodes a key and value; null when either is malformed (verify reports those, queries skip them). */
    static Segment decode(byte[] k, byte[] v) {
        return decode(k, v, true);
    }

    static Segment decode(byte[] k, byte[] v, boolean withKeyframes) {
        if (k.length < 9 || k[k.length - 9] != 0) {
            return null;
        }
        try {
            String camera = new String(k, 0, k.length - 9, StandardCharsets.UTF_8);
            return new Segment(camera, ByteBuffer.wrap(k, k.length - 8, 8).getLong(), IndexEntry.decode(v, withKeyframes));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** Decodes an entry whose key is known to belong to camera (no string decoding per entry). */
    private static Segment decodeOf(String camera, byte[] k, byte[] v, boolean withKeyframes) {
        try {
            long start = ByteBuffer.wrap(k, k.length - 8, 8).getLong();
            return new Segment(camera, start, IndexEntry.decode(v, withKeyframes));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** True while the entry's deletion is in flight (readers must not use it). */
    boolean isDeleting(String camera, long startMs) {
        return deleting.contains(camera, startMs);
    }

    /** Start of a segments key. */
    private static long startOf(byte[] k) {
        return ByteBuffer.wrap(k, k.length - 8, 8).getLong();
    }

    private boolean hidden(String camera, byte[] k) {
        return !deleting.isEmpty() && deleting.contains(camera, startOf(k));
    }

    /** The raw entry, also while its deletion is in flight (see {@link #isDeleting}). */
    Segment get(String camera, long startMs) throws IOException {
        try (Guard g = openRead()) {
            byte[] v = db.get(segments, read, key(camera, startMs));
            return v == null ? null : decode(key(camera, startMs), v);
        } catch (RocksDBException e) {
            throw new IOException("index read failed: " + e.getMessage(), e);
        }
    }

    /** The segment of camera with the greatest start <= timeMs, or null. */
    Segment floor(String camera, long timeMs) {
        if (timeMs < 0) { // keys hold non-negative times; a negative one would sort after them all
            return null;
        }
        byte[] p = prefix(camera);
        try (Guard g = openRead(); RocksIterator it = db.newIterator(segments, read)) {
            it.seekForPrev(key(camera, timeMs));
            while (it.isValid() && hasPrefix(it.key(), p)) {
                Segment s = hidden(camera, it.key()) ? null : decodeOf(camera, it.key(), it.value(), true);
                if (s != null) {
                    return s;
                }
                it.prev();
            }
            return null;
        }
    }

    /** The first segment of camera with start > startMs, or null. */
    Segment higher(String camera, long startMs) {
        if (startMs == Long.MAX_VALUE) {
            return null;
        }
        byte[] p = prefix(camera);
        try (Guard g = openRead(); RocksIterator it = db.newIterator(segments, read)) {
            it.seek(key(camera, Math.max(0, startMs + 1)));
            while (it.isValid() && hasPrefix(it.key(), p)) {
                Segment s = hidden(camera, it.key()) ? null : decodeOf(camera, it.key(), it.value(), true);
                if (s != null) {
                    return s;
                }
                it.next();
            }
            return null;
        }
    }

    /**
     * Calls action for camera's segments overlapping [fromMs, toMs), oldest first: the one starting at or
     * before fromMs if it reaches fromMs, then every one starting before toMs. Returns false from action to stop.
     */
    void scan(String camera, long fromMs, long toMs, boolean withKeyframes,
              java.util.function.Predicate<Segment> action) {
        fromMs = Math.max(0, fromMs);
        byte[] p = prefix(camera);
        try (Guard g = openRead(); RocksIterator it = db.newIterator(segments, read)) {
            it.seekForPrev(key(camera, fromMs));
            if (it.isValid() && hasPrefix(it.key(), p)) {
                Segment s = hidden(camera, it.key()) ? null : decodeOf(camera, it.key(), it.value(), withKeyframes);
                if (s != null && s.entry().endMs() >= fromMs && s.entry().state() != IndexEntry.State.GARBAGE) {
                    if (!action.test(s)) {
                        return;
                    }
                }
                it.next();
            } else {
                it.seek(key(camera, Math.max(0, fromMs)));
            }
            for (; it.isValid() && hasPrefix(it.key(), p); it.next()) {
                if (hidden(camera, it.key())) {
                    if (startOf(it.key()) >= toMs) {
                        return;
                    }
                    continue;
                }
                Segment s = decodeOf(camera, it.key(), it.value(), withKeyframes);
                if (s == null || s.entry().state() == IndexEntry.State.GARBAGE) {
                    continue;
                }
                if (s.startMs() >= toMs || !action.test(s)) {
                    return;
                }
            }
        }
    }

    /** Every camera that has at least one segment entry, in key order; one seek per camera. */
    List<String> cameras() {
        List<String> out = new ArrayList<>();
        try (Guard g = openRead(); RocksIterator it = db.newIterator(segments, read)) {
            it.seekToFirst();
            while (it.isValid()) {
                byte[] k = it.key();
                if (k.length < 9) {
                    it.next();
                    continue;
                }
                byte[] cam = Arrays.copyOf(k, k.length - 9);
                out.add(new String(cam, StandardCharsets.UTF_8));
                byte[] next = Arrays.copyOf(cam, cam.length + 1);
                next[cam.length] = 1; // first key after camera | 0x00 | *
                it.seek(next);
            }
        }
        return out;
    }

    /** Every raw entry, for verify and usage accounting; action gets (key, value). */
    void forEachRaw(java.util.function.BiConsumer<byte[], byte[]> action) {
        try (Guard g = openRead(); RocksIterator it = db.newIterator(segments, read)) {
            for (it.seekToFirst(); it.isValid(); it.next()) {
                action.accept(it.key(), it.value());
            }
        }
    }

    /** Every decodable entry, without keyframe tables. */
    void forEach(Consumer<Segment> action) {
        forEachRaw((k, v) -> {
            Segment s = decode(k, v, false);
            if (s != null && !deleting.contains(s.camera(), s.startMs())) {
                action.accept(s);
            }
        });
    }

    /** A batch over this index: segment puts/deletes and meta markers, written atomically by {@link #write}. */
    final class Batch implements AutoCloseable {
        private final WriteBatch batch = new WriteBatch();

        Batch putSegment(String camera, long startMs, IndexEntry e) throws IOException {
            return put(segments, key(camera, startMs), e.encode());
        }

        Batch deleteSegment(String camera, long startMs) throws IOException {
            return delete(segments, key(camera, startMs));
        }

        Batch deleteSegmentKey(byte[] key) throws IOException {
            return delete(segments, key);
        }

        /** Deletes camera's entries with fromStart <= start <= toStart: one range tombstone. */
        Batch deleteSegmentRange(byte[] prefix, long fromStart, long toStart) throws IOException {
            try {
                batch.deleteRange(segments, key(prefix, fromStart), key(prefix, toStart + 1));
            } catch (RocksDBException ex) {
                throw new IOException(ex);
            }
            return this;
        }

        Batch putMeta(String k, byte[] v) throws IOException {
            return put(meta, bytes(k), v);
        }

        Batch deleteMeta(String k) throws IOException {
            return delete(meta, bytes(k));
        }

        /** Adds delta (may be negative) to a root's usage counter, atomically with the rest of the batch. */
        Batch addUsage(java.util.UUID root, long delta) throws IOException {
            if (delta != 0) {
                try {
                    batch.merge(meta, bytes("usage|" + root),
                            ByteBuffer.allocate(8).order(java.nio.ByteOrder.LITTLE_ENDIAN).putLong(delta).array());
                } catch (RocksDBException ex) {
                    throw new IOException(ex);
                }
            }
            return this;
        }

        Batch putDay(String camera, long dayStart, byte[] summary) throws IOException {
            return put(days, key(camera, dayStart), summary);
        }

        Batch deleteDay(String camera, long dayStart) throws IOException {
            return delete(days, key(camera, dayStart));
        }

        private Batch put(ColumnFamilyHandle family, byte[] k, byte[] v) throws IOException {
            try {
                batch.put(family, k, v);
            } catch (RocksDBException ex) {
                throw new IOException(ex);
            }
            return this;
        }

        private Batch delete(ColumnFamilyHandle family, byte[] k) throws IOException {
            try {
                batch.delete(family, k);
            } catch (RocksDBException ex) {
                throw new IOException(ex);
            }
            return this;
        }

        int count() {
            return batch.count();
        }

        @Override
        public void close() {
            batch.close();
        }
    }

    Batch batch() {
        return new Batch();
    }

    /** Writes a batch; sync = fsync the WAL before returning (the commit point of a group commit). */
    void write(Batch b, boolean sync) throws IOException {
        try (Guard g = open()) {
            writeOrder.readLock().lock();
            try {
                db.write(sync ? syncWrite : noSyncWrite, b.batch);
            } finally {
                writeOrder.readLock().unlock();
            }
        } catch (RocksDBException e) {
            throw new IOException("index write failed: " + e.getMessage(), e);
        }
    }

    /** Fills a batch; may throw. */
    interface BatchBuilder {
        void build(Batch b) throws IOException;
    }

    /**
     * Builds and writes a batch while no other write of this index runs (writers wait: about a millisecond), so
     * what build checks stays true until the batch lands: a range deletion checks that no entry was committed
     * inside its ranges since it looked.
     */
    void writeAlone(BatchBuilder build, boolean sync) throws IOException {
        try (Guard g = open(); Batch b = new Batch()) {
            writeOrder.writeLock().lock();
            try {
                build.build(b);
                db.write(sync ? syncWrite : noSyncWrite, b.batch);
            } finally {
                writeOrder.writeLock().unlock();
            }
        } catch (RocksDBException e) {
            throw new IOException("index write failed: " + e.getMessage(), e);
        }
    }

    /** Orders {@link #writeAlone} against every other write of a batch. */
    private final java.util.concurrent.locks.ReentrantReadWriteLock writeOrder =
            new java.util.concurrent.locks.ReentrantReadWriteLock();

    /** Bulk load: writes without the WAL; call {@link #flushAndCompact()} before relying on it. */
    void writeUnlogged(Batch b) throws IOException {
        try (Guard g = open(); WriteOptions o = new WriteOptions().setDisableWAL(true)) {
            db.write(o, b.batch);
        } catch (RocksDBException e) {
            throw new IOException("index write failed: " + e.getMessage(), e);
        }
    }

    /** Flushes memtables to SST files and compacts the segments family (after a bulk load). */
    void flushAndCompact() throws IOException {
        try (Guard g = open(); org.rocksdb.FlushOptions f = new org.rocksdb.FlushOptions().setWaitForFlush(true)) {
            db.flush(f, handles);
            db.compactRange(segments);
        } catch (RocksDBException e) {
            throw new IOException("index flush failed: " + e.getMessage(), e);
        }
    }

    /**
     * Starts flushing the segments family's memtable in the background: range tombstones in the mutable memtable
     * are re-fragmented by every new iterator (measured: +1-2 ms per seek while ~1,500 are there); in an SST they
     * are fragmented once when the table is opened.
     */
    void flushSegmentsSoon() {
        try (Guard g = open(); org.rocksdb.FlushOptions f = new org.rocksdb.FlushOptions().setWaitForFlush(false)) {
            db.flush(f, segments);
        } catch (RocksDBException e) {
            // only a read-speed measure: the next flush happens anyway
        }
    }

    byte[] metaGet(String k) throws IOException {
        try (Guard g = open()) {
            return db.get(meta, read, bytes(k));
        } catch (RocksDBException e) {
            throw new IOException("index read failed: " + e.getMessage(), e);
        }
    }

    /** A root's usage counter, or -1 when it was never written. */
    long usage(java.util.UUID root) throws IOException {
        byte[] v = metaGet("usage|" + root);
        return v == null || v.length != 8 ? -1 : ByteBuffer.wrap(v).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong();
    }

    /** Cached coverage summary of camera's day starting at dayStart, or null. */
    byte[] day(String camera, long dayStart) throws IOException {
        try (Guard g = open()) {
            return db.get(days, read, key(camera, dayStart));
        } catch (RocksDBException e) {
            throw new IOException("index read failed: " + e.getMessage(), e);
        }
    }

    /** Cached day summaries of camera with fromDay <= day start < toDay, by day start, in one iterator pass. */
    Map<Long, byte[]> days(String camera, long fromDay, long toDay) {
        Map<Long, byte[]> out = new HashMap<>();
        byte[] p = prefix(camera);
        try (Guard g = open(); RocksIterator it = db.newIterator(days, read)) {
            for (it.seek(key(camera, Math.max(0, fromDay))); it.isValid() && hasPrefix(it.key(), p); it.next()) {
                long day = ByteBuffer.wrap(it.key(), it.key().length - 8, 8).getLong();
                if (day >= toDay) {
                    break;
                }
                out.put(day, it.value());
            }
        }
        return out;
    }

    /** Calls action for camera's live segments with fromStart <= start < toStart, oldest first. */
    void scanStarting(String camera, long fromStart, long toStart, boolean withKeyframes,
                      java.util.function.Predicate<Segment> action) {
        byte[] p = prefix(camera);
        try (Guard g = openRead(); RocksIterator it = db.newIterator(segments, read)) {
            for (it.seek(key(camera, Math.max(0, fromStart))); it.isValid() && hasPrefix(it.key(), p); it.next()) {
                if (hidden(camera, it.key())) {
                    if (startOf(it.key()) >= toStart) {
                        return;
                    }
                    continue;
                }
                Segment s = decodeOf(camera, it.key(), it.value(), withKeyframes);
                if (s == null || s.entry().state() == IndexEntry.State.GARBAGE) {
                    continue;
                }
                if (s.startMs() >= toStart || !action.test(s)) {
                    return;
                }
            }
        }
    }

    /**
     * Calls action for camera's live segments with fromStart <= start < toStart, oldest first, without keyframe
     * tables, on an iterator bounded to exactly that key range: deletion reads ranges next to thousands of
     * tombstones it just wrote, and an unbounded seek or next would step over every one of them.
     */
    void scanStartsWithin(String camera, long fromStart, long toStart, java.util.function.Predicate<Segment> action) {
        scanKeysWithin(camera, fromStart, toStart, (start, live) -> live == null || action.test(live));
    }

    /** Bytes of an entry's value up to and including its {@code bytes} field (see {@link IndexEntry}). */
    private static final int RUN_HEADER = 2 + 16 + 8 + 8;

    /**
     * Reads up to limit entries of camera with fromStart <= start < toStart into run, oldest first, on an iterator
     * bounded to that range; only each value's header is copied (no keyframe table, no object per entry). Hidden
     * (being deleted), GARBAGE and unreadable entries are left out and end adjacency (see {@link SegmentRun}).
     */
    void readRun(SegmentRun run, long fromStart, long toStart, int limit) {
        fromStart = Math.max(0, fromStart);
        run.resumeFrom = toStart;
        if (toStart <= fromStart) {
            return;
        }
        String camera = run.camera;
        int keyLength = prefix(camera).length + 8;
        byte[] k = new byte[keyLength];
        byte[] v = new byte[RUN_HEADER];
        ByteBuffer vb = ByteBuffer.wrap(v);
        UUID lastRoot = null;
        boolean adjacent = false;
        try (RangeRead r = new RangeRead(camera, fromStart, toStart)) {
            RocksIterator it = r.it;
            for (it.seekToFirst(); it.isValid(); it.next()) {
                if (it.key(k) != keyLength) {
                    adjacent = false; // not a key of this camera's shape: never inside a range tombstone
                    continue;
                }
                long start = ByteBuffer.wrap(k, keyLength - 8, 8).getLong();
                if (run.size >= limit) {
                    run.full = true;
                    run.resumeFrom = start;
                    return;
                }
                if (!deleting.isEmpty() && deleting.contains(camera, start)) {
                    adjacent = false;
                    continue;
                }
                int vl = it.value(v); // copies only the header: the keyframe table is most of the value
                int state = v[1];
                if (vl < RUN_HEADER + 8 + 4 + 4 || v[0] != 1 || state < 0 || state > 2
                        || state == IndexEntry.State.GARBAGE.ordinal()) {
                    adjacent = false;
                    continue;
                }
                long msb = vb.getLong(2);
                long lsb = vb.getLong(10);
                if (lastRoot == null || lastRoot.getMostSignificantBits() != msb
                        || lastRoot.getLeastSignificantBits() != lsb) {
                    lastRoot = new UUID(msb, lsb);
                }
                run.add(start, vb.getLong(18), vb.getLong(26), lastRoot, adjacent);
                adjacent = true;
            }
        }
    }

    /** What {@link #scanKeysWithin} shows for each key. */
    interface KeyVisitor {
        /** live is null when the entry is hidden (being deleted), GARBAGE or unreadable; false stops. */
        boolean visit(long start, Segment live);
    }

    /**
     * Calls visitor for every key of camera with fromStart <= start < toStart, oldest first, hidden ones included
     * (as null), on an iterator bounded to exactly that range; entries are decoded without keyframe tables.
     */
    void scanKeysWithin(String camera, long fromStart, long toStart, KeyVisitor visitor) {
        fromStart = Math.max(0, fromStart);
        if (toStart <= fromStart) {
            return;
        }
        try (RangeRead r = new RangeRead(camera, fromStart, toStart)) {
            RocksIterator it = r.it;
            for (it.seekToFirst(); it.isValid(); it.next()) {
                byte[] k = it.key();
                long start = startOf(k);
                Segment s = hidden(camera, k) ? null : decodeOf(camera, k, it.value(), false);
                if (s != null && s.entry().state() == IndexEntry.State.GARBAGE) {
                    s = null;
                }
                if (!visitor.visit(start, s)) {
                    return;
                }
            }
        }
    }

    /** Meta entries whose key starts with prefix, in key order. */
    SortedMap<String, byte[]> metaScan(String prefix) {
        return scanCf(meta, prefix);
    }

    SortedMap<String, byte[]> scanCf(ColumnFamilyHandle cf, String prefix) {
        SortedMap<String, byte[]> out = new TreeMap<>();
        byte[] p = bytes(prefix);
        try (Guard g = open(); RocksIterator it = db.newIterator(cf, read)) {
            for (it.seek(p); it.isValid(); it.next()) {
                byte[] k = it.key();
                if (k.length < p.length || !Arrays.equals(k, 0, p.length, p, 0, p.length)) {
                    break;
                }
                out.put(new String(k, StandardCharsets.UTF_8), it.value());
            }
        }
        return out;
    }

    /** A registry table on its own column family; writes are synced (registries change rarely). */
    KeyValueTable table(String name) {
        ColumnFamilyHandle cf = tables.get(name);
        if (cf == null) {
            throw new IllegalArgumentException("no table '" + name + "'; tables are " + TABLES);
        }
        return new KeyValueTable() {
            @Override
            public void put(String key, byte[] value) {
                try (Guard g = open()) {
                    db.put(cf, syncWrite, bytes(key), value);
                } catch (RocksDBException e) {
                    throw new IllegalStateException("index write to " + name + " failed: " + e.getMessage(), e);
                }
            }

            @Override
            public byte[] get(String key) {
                try (Guard g = open()) {
                    return db.get(cf, read, bytes(key));
                } catch (RocksDBException e) {
                    throw new IllegalStateException("index read of " + name + " failed: " + e.getMessage(), e);
                }
            }

            @Override
            public void delete(String key) {
                try (Guard g = open()) {
                    db.delete(cf, syncWrite, bytes(key));
                } catch (RocksDBException e) {
                    throw new IllegalStateException("index delete in " + name + " failed: " + e.getMessage(), e);
                }
            }

            @Override
            public SortedMap<String, byte[]> scan(String prefix) {
                return scanCf(cf, prefix);
            }
        };
    }

    /** Holds the read side of the close lock: RocksDB must never be used after it is closed (native crash). */
    interface Guard extends AutoCloseable {
        @Override
        void close();
    }

    private final java.util.concurrent.locks.ReentrantReadWriteLock closeLock =
            new java.util.concurrent.locks.ReentrantReadWriteLock();
    private final Guard unlock = () -> closeLock.readLock().unlock();
    private boolean closed;

    /** Tickets of the segment reads running now (iterators see the index as of their creation). */
    private final java.util.concurrent.ConcurrentSkipListSet<Long> activeReads = new java.util.concurrent.ConcurrentSkipListSet<>();
    private final java.util.concurrent.atomic.AtomicLong readTickets = new java.util.concurrent.atomic.AtomicLong();

    /** A registered read ({@link #openRead}) of camera's keys in [fromStart, toStart): an iterator bounded to them. */
    private final class RangeRead implements AutoCloseable {
        final RocksIterator it;
        private final Guard guard;
        private final org.rocksdb.Slice lower;
        private final org.rocksdb.Slice upper;
        private final org.rocksdb.ReadOptions options;

        RangeRead(String camera, long fromStart, long toStart) {
            guard = openRead();
            org.rocksdb.Slice lo = null;
            org.rocksdb.Slice up = null;
            org.rocksdb.ReadOptions ro = null;
            try {
                lo = new org.rocksdb.Slice(key(camera, fromStart));
                up = new org.rocksdb.Slice(key(camera, toStart));
                ro = new org.rocksdb.ReadOptions().setIterateLowerBound(lo).setIterateUpperBound(up);
                it = db.newIterator(segments, ro);
            } catch (RuntimeException | Error e) { // nothing half-open: the close lock's read hold above included
                closeAll(ro, up, lo);
                guard.close();
                throw e;
            }
            lower = lo;
            upper = up;
            options = ro;
        }

        private static void closeAll(AutoCloseable... rs) {
            for (AutoCloseable c : rs) {
                if (c != null) {
                    try {
                        c.close();
                    } catch (Exception ignored) {
                        // RocksDB's native handles do not fail to close
                    }
                }
            }
        }

        @Override
        public void close() {
            it.close();
            closeAll(options, upper, lower);
            guard.close();
        }
    }

    /** {@link #open} for a read of segments: registered until closed, see {@link #readsStartedBy}. */
    private Guard openRead() {
        Guard g = open();
        long t = readTickets.incrementAndGet();
        activeReads.add(t);
        return () -> {
            activeReads.remove(t);
            g.close();
        };
    }

    /** A ticket: every segment read started before now has a ticket <= it. */
    long readTicket() {
        return readTickets.get();
    }

    /** True once every segment read that had started when ticket was taken has finished. */
    boolean readsStartedBy(long ticket) {
        Long first = activeReads.isEmpty() ? null : activeReads.ceiling(Long.MIN_VALUE);
        return first == null || first > ticket;
    }

    private Guard open() {
        closeLock.readLock().lock();
        if (closed) {
            closeLock.readLock().unlock();
            throw new IllegalStateException("the storage index is closed");
        }
        return unlock;
    }

    @Override
    public void close() {
        closeLock.writeLock().lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
        } finally {
            closeLock.writeLock().unlock();
        }
        for (ColumnFamilyHandle h : handles) {
            h.close();
        }
        db.close();
        syncWrite.close();
        noSyncWrite.close();
        read.close();
        dbOptions.close();
        cfOptions.close();
        metaOptions.close();
        blockCache.close();
    }
}
