package nvr.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.UUID;

/**
 * Appends frame records to one segment file; used only by its root's writer thread.
 * Records are staged in a direct buffer and handed to the file one buffer at a time (one copy, one write(2) per
 * ~{@link #STAGING_BYTES} instead of one per frame); nothing staged is ever acknowledged, since a sync writes
 * the staged records out before it fsyncs.
 * Invariants: {@code written} is the end of the last complete record appended (staged or in the file);
 * {@code file*} describe the records in the file (always whole records); {@code synced*} describe a prefix that
 * was fsynced, and only that prefix is ever put in the index.
 */
final class SegmentWriter {
    final String camera;
    final long startMs;
    final DataRoot root;
    final Path file;
    private final FileChannel channel;
    /** Records larger than this bypass the staging buffer (one gather write each). */
    static final int STAGING_BYTES = 128 << 10;

    private final ByteBuffer header = ByteBuffer.allocate(FrameRecordCodec.HEADER_BYTES);
    private final ByteBuffer[] gather = new ByteBuffer[2];
    private final StorageMetrics metrics;
    private final ArrayDeque<ByteBuffer> stagingPool;
    /** Whole records appended since the last write to the file; its position is their length. Null once sealed. */
    private ByteBuffer staging;
    private int stagedFrames;

    private long written;
    private long frames;
    private long lastMs;
    private int streamType = -1;
    private int[] kfOffsets = new int[64];
    private int[] kfDeltas = new int[64];
    private int kfCount;

    private long fileBytes;
    private long fileFrames;
    private long fileLastMs;
    private int fileKfCount;

    private long syncedBytes;
    private long syncedFrames;
    private long syncedLastMs;
    private int syncedKfCount;
    /** True once the index has an entry for this file (so a failure must update it, not just drop it). */
    boolean indexed;
    /** True when the index entry is older than the synced state. */
    boolean indexStale;
    /** Bytes the index currently names (for per-root usage accounting). */
    long indexedBytes;
    /** True once the directory entry of this file was fsynced; the index names the file only after that. */
    boolean dirSynced;

    private SegmentWriter(String camera, long startMs, DataRoot root, Path file, FileChannel channel,
                          StorageMetrics metrics, ArrayDeque<ByteBuffer> stagingPool) {
        this.camera = camera;
        this.startMs = startMs;
        this.root = root;
        this.file = file;
        this.channel = channel;
        this.metrics = metrics;
        this.stagingPool = stagingPool;
        ByteBuffer b = stagingPool.poll();
        this.staging = b != null ? b : ByteBuffer.allocateDirect(STAGING_BYTES);
    }

    /**
     * Creates the file with O_EXCL (bumping the name by 1 ms if a file of that start exists) and writes the file
     * header. The directory is not fsynced here: the group commit fsyncs it (once per directory, beside the data
     * fsyncs) before any index entry names the file; until {@link #dirSynced} the file may vanish in a crash,
     * which loses nothing acknowledged.
     */
    static SegmentWriter create(DataRoot root, SegmentFileIo io, String camera, long startMs, StorageMetrics metrics,
                                ArrayDeque<ByteBuffer> stagingPool) throws IOException {
        Path dir = root.dayDir(camera, startMs);
        root.ensureDir(dir);
        boolean dirRechecked = false;
        for (int attempt = 0; ; attempt++) {
            long start = startMs + attempt;
            Path file = root.segmentFile(camera, start);
            FileChannel ch;
            try {
                ch = io.createNew(file);
            } catch (FileAlreadyExistsException e) {
                if (attempt >= 1000) {
                    throw e;
                }
                continue;
            } catch (java.nio.file.NoSuchFileException e) {
                if (dirRechecked) {
                    throw e;
                }
                dirRechecked = true; // the day directory was removed (e.g. emptied by retention): recreate it
                root.forget(dir);
                root.forget(dir.getParent());
                root.ensureDir(dir);
                attempt--;
                continue;
            }
            if (!file.toFile().exists() && !dirRechecked) {
                // Retention moved the day directory to the trash as the file was created (possible only with a
                // clock set far back, see SegmentTrash.Batch#moveDay): start over in a new directory.
                ch.close();
                dirRechecked = true;
                root.forget(dir);
                root.forget(dir.getParent());
                root.ensureDir(dir);
                attempt--;
                continue;
            }
            try {
                ByteBuffer m = ByteBuffer.wrap(SegmentReader.FILE_MAGIC);
                while (m.hasRemaining()) {
                    ch.write(m);
                }
            } catch (IOException | RuntimeException e) {
                ch.close();
                Files.deleteIfExists(file);
                throw e;
            }
            SegmentWriter w = new SegmentWriter(camera, start, root, file, ch, metrics, stagingPool);
            w.written = SegmentReader.FILE_HEADER_BYTES;
            w.fileBytes = w.written;
            return w;
        }
    }

    /**
     * Appends one record (staged, or written at once when larger than the staging buffer). On IOException this
     * record and the staged ones count as not written; the caller must {@link #recoverAfterError}.
     */
    void append(long timeMs, boolean keyframe, int type, byte[] payload) throws IOException {
        long total = FrameRecordCodec.HEADER_BYTES + (long) payload.length;
        boolean direct = total > staging.capacity();
        if (direct || total > staging.remaining()) {
            writeStaged();
        }
        if (direct) {
            header.clear();
            FrameRecordCodec.encodeHeader(header, timeMs, keyframe, type, payload);
            header.flip();
            gather[0] = header;
            gather[1] = ByteBuffer.wrap(payload);
            long done = 0;
            while (done < total) { // the channel position is always `fileBytes` (see recoverAfterError)
                done += channel.write(gather);
            }
        } else {
            FrameRecordCodec.encodeHeader(staging, timeMs, keyframe, type, payload);
            staging.put(payload);
        }
        if (FrameRecord.isAudio(type)) { // audio: stored, but "frames", keyframes, codec and end-ms are video's
            written += total;
            metrics.audioFramesWritten.increment(); // counted when appended: audio is never part of a commit's frames
            if (direct) {
                metrics.bytesWritten.increment(total);
                markWritten();
            }
            return;
        }
        if (!direct) {
            stagedFrames++;
        }
        if (keyframe) {
            if (kfCount == kfOffsets.length) {
                kfOffsets = Arrays.copyOf(kfOffsets, kfCount * 2);
                kfDeltas = Arrays.copyOf(kfDeltas, kfCount * 2);
            }
            kfOffsets[kfCount] = (int) written;
            kfDeltas[kfCount] = (int) (timeMs - startMs);
            kfCount++;
        }
        if (streamType < 0) {
            streamType = type;
        }
        written += total;
        frames++;
        lastMs = timeMs;
        if (direct) {
            metrics.framesWritten.increment();
            metrics.bytesWritten.increment(total);
            markWritten();
        }
    }

    /** Hands the staged records to the file (the page cache); on IOException the caller must recoverAfterError. */
    void writeStaged() throws IOException {
        if (staging == null || staging.position() == 0) {
            return;
        }
        staging.flip();
        while (staging.hasRemaining()) {
            channel.write(staging);
        }
        staging.clear();
        metrics.framesWritten.increment(stagedFrames);
        metrics.bytesWritten.increment(written - fileBytes);
        markWritten();
    }

    private void markWritten() {
        fileBytes = written;
        fileFrames = frames;
        fileLastMs = lastMs;
        fileKfCount = kfCount;
        stagedFrames = 0;
    }

    long writtenBytes() {
        return written;
    }

    long frames() {
        return frames;
    }

    long lastMs() {
        return lastMs;
    }

    boolean hasUnsynced() {
        return written > syncedBytes;
    }

    /** Writes out the staged records, fsyncs, and makes that the state the next index entry describes. */
    void sync() throws IOException {
        if (written == syncedBytes) {
            return;
        }
        writeStaged();
        forceData();
        markSynced();
    }

    /**
     * fdatasync of what is in the file (no metadata beyond what reading the data back needs, e.g. the size); the
     * writer thread calls {@link #writeStaged} first. Safe on any thread while the writer thread does not append;
     * the writer calls {@link #markSynced} once it returned.
     */
    void forceData() throws IOException {
        channel.force(false);
    }

    /** Makes what is in the file the synced state; only after {@link #forceData} returned. */
    void markSynced() {
        syncedBytes = fileBytes;
        syncedFrames = fileFrames;
        syncedLastMs = fileLastMs;
        syncedKfCount = fileKfCount;
        indexStale = true;
    }

    long syncedBytes() {
        return syncedBytes;
    }

    long syncedFrames() {
        return syncedFrames;
    }

    /** The index entry for the synced prefix. */
    IndexEntry entry(IndexEntry.State state) {
        return new IndexEntry(state, root.uuid, syncedLastMs, syncedBytes, syncedFrames, Math.max(streamType, 0),
                Arrays.copyOf(kfOffsets, syncedKfCount), Arrays.copyOf(kfDeltas, syncedKfCount));
    }

    /**
     * After a failed write or fsync (e.g. ENOSPC): drop the staged records (counted as dropped), cut the file back
     * to the last complete record and try to make that durable; if even that fails, cut back to the last synced
     * prefix. Leaves the writer closed-ready.
     */
    void recoverAfterError() {
        for (int i = 0; i < stagedFrames; i++) {
            metrics.dropped(camera, "disk");
        }
        if (staging != null) {
            staging.clear();
        }
        written = fileBytes;
        frames = fileFrames;
        lastMs = fileLastMs;
        kfCount = fileKfCount;
        stagedFrames = 0;
        try {
            channel.truncate(written);
            channel.position(written);
            channel.force(false);
            markSynced();
            return;
        } catch (IOException | RuntimeException e) {
            // fall through: keep only what was synced before
        }
        written = syncedBytes;
        frames = syncedFrames;
        lastMs = syncedLastMs;
        kfCount = syncedKfCount;
        markWritten();
        try {
            channel.truncate(syncedBytes);
            channel.position(syncedBytes);
            channel.force(false);
        } catch (IOException | RuntimeException ignored) {
            // the index never names more than syncedBytes, and recovery truncates any tail
        }
    }

    /**
     * Gives the staging buffer back to the root's pool once nothing will be appended (sealed, after
     * {@link #writeStaged}), so a burst of sealed segments waiting for the group commit holds no direct memory.
     */
    void releaseStaging() {
        if (staging != null) {
            staging.clear();
            stagingPool.push(staging);
            staging = null;
        }
    }

    /** Closes the file; anything still staged was never synced, so never acknowledged. */
    void close() {
        releaseStaging();
        try {
            channel.close();
        } catch (IOException ignored) {
            // closing a written file cannot lose synced data
        }
    }
}
