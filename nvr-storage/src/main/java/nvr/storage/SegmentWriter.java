package nvr.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.UUID;

/**
 * Appends frame records to one segment file; used only by its root's writer thread.
 * Invariants: {@code written} is the end of the last complete record; {@code synced*} describe a prefix that
 * was fsynced, and only that prefix is ever put in the index.
 */
final class SegmentWriter {
    final String camera;
    final long startMs;
    final DataRoot root;
    final Path file;
    private final FileChannel channel;
    private final ByteBuffer header = ByteBuffer.allocate(FrameRecordCodec.HEADER_BYTES);
    private final ByteBuffer[] gather = new ByteBuffer[2];

    private long written;
    private long frames;
    private long lastMs;
    private int streamType = -1;
    private int[] kfOffsets = new int[64];
    private int[] kfDeltas = new int[64];
    private int kfCount;

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

    private SegmentWriter(String camera, long startMs, DataRoot root, Path file, FileChannel channel) {
        this.camera = camera;
        this.startMs = startMs;
        this.root = root;
        this.file = file;
        this.channel = channel;
    }

    /**
     * Creates the file with O_EXCL (bumping the name by 1 ms if a file of that start exists) and writes the file
     * header. The directory is not fsynced here: the group commit fsyncs it (once per directory, beside the data
     * fsyncs) before any index entry names the file; until {@link #dirSynced} the file may vanish in a crash,
     * which loses nothing acknowledged.
     */
    static SegmentWriter create(DataRoot root, SegmentFileIo io, String camera, long startMs) throws IOException {
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
            SegmentWriter w = new SegmentWriter(camera, start, root, file, ch);
            w.written = SegmentReader.FILE_HEADER_BYTES;
            return w;
        }
    }

    /** Appends one record. On IOException nothing counts as written; the caller must {@link #recoverAfterError}. */
    void append(long timeMs, boolean keyframe, int type, byte[] payload) throws IOException {
        header.clear();
        FrameRecordCodec.encodeHeader(header, timeMs, keyframe, type, payload);
        header.flip();
        gather[0] = header;
        gather[1] = ByteBuffer.wrap(payload);
        long total = FrameRecordCodec.HEADER_BYTES + (long) payload.length;
        long done = 0;
        while (done < total) { // the channel position is always `written` (see recoverAfterError)
            done += channel.write(gather);
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

    /** fsyncs the data written so far and makes it the state the next index entry describes. */
    void sync() throws IOException {
        if (written == syncedBytes) {
            return;
        }
        forceData();
        markSynced();
    }

    /**
     * fdatasync of the file (no metadata beyond what reading the data back needs, e.g. the size). Safe on any
     * thread while the writer thread does not append; the writer calls {@link #markSynced} once it returned.
     */
    void forceData() throws IOException {
        channel.force(false);
    }

    /** Makes everything written so far the synced state; only after {@link #forceData} returned. */
    void markSynced() {
        syncedBytes = written;
        syncedFrames = frames;
        syncedLastMs = lastMs;
        syncedKfCount = kfCount;
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
     * After a failed write or fsync (e.g. ENOSPC): cut the file back to the last complete record and try to make
     * that durable; if even that fails, cut back to the last synced prefix. Leaves the writer closed-ready.
     */
    void recoverAfterError() {
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
        try {
            channel.truncate(syncedBytes);
            channel.position(syncedBytes);
            channel.force(false);
        } catch (IOException | RuntimeException ignored) {
            // the index never names more than syncedBytes, and recovery truncates any tail
        }
    }

    void close() {
        try {
            channel.close();
        } catch (IOException ignored) {
            // closing a written file cannot lose synced data
        }
    }
}
