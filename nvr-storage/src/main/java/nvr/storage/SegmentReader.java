package nvr.storage;

import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Reads frame records from one segment file through a read-ahead window: one positional read fills up to
 * {@link #READ_AHEAD} bytes and records are sliced out of it, so a sequential walk costs one syscall per MiB
 * instead of one or two per frame. A record larger than the window is read straight into its payload array.
 * Invariants: nothing at or past {@code limit} is ever returned; a record is returned only when its magic,
 * length, flags and CRC are all valid; the window never holds bytes at or past the limit it was filled under
 * (the unsynced tail of an open segment may still change, so it is re-read once the index covers it).
 */
final class SegmentReader implements Closeable {
    /** "NVRSEG", 0, version 1: written once at the start of every segment file. */
    static final byte[] FILE_MAGIC = {'N', 'V', 'R', 'S', 'E', 'G', 0, 1};
    static final int FILE_HEADER_BYTES = FILE_MAGIC.length;
    /** Window size for sequential reads: large enough to amortize the syscall, small enough to stay in L2/L3. */
    static final int READ_AHEAD = 1 << 20;

    /** Outcome of reading at an offset. */
    sealed interface Result permits Frame, Slice, End, Corrupt {
    }

    /** A valid record at offset; the next one starts at next. */
    record Frame(FrameRecord frame, long offset, long next) implements Result {
    }

    /** A valid record at offset whose payload is a view of the window, valid until the next read. */
    record Slice(FrameSlice frame, long offset, long next) implements Result {
    }

    /** offset == limit: no more records. */
    record End() implements Result {
    }

    /** The bytes at offset are not a valid record. */
    record Corrupt(long offset, String problem) implements Result {
    }

    private static final End END = new End();

    /** Positional reads; a FileChannel in production, a byte array in the fuzz test. */
    interface Source extends Closeable {
        int read(ByteBuffer dst, long position) throws IOException;

        long size() throws IOException;
    }

    private final Path file;
    private final Source channel;
    /** Read-ahead window: file bytes [bufStart, bufStart + buf.limit()); null until first needed. */
    private ByteBuffer buf;
    private long bufStart = -1;
    /** File size as last asked; asked again only when a limit lies beyond it (an open segment grows). */
    private long knownSize = -1;
    private final byte[] header = new byte[FrameRecordCodec.HEADER_BYTES];
    /** A mapped reader's file bytes [checkedFrom, checkedTo) known readable (see {@link #readable}). */
    private long checkedFrom;
    private long checkedTo;
    private static final long CHECK_AHEAD = 1 << 20;
    /** Non-null for a mapped reader: buf is the whole mapping and is never refilled. */
    private final SegmentMapping mapping;

    SegmentReader(Path file, Source channel) {
        this(file, channel, null);
    }

    /** window: a buffer to read ahead into (a cursor reuses one direct buffer across segments), or null. */
    SegmentReader(Path file, Source channel, ByteBuffer window) {
        this.file = file;
        this.channel = channel;
        this.buf = window;
        this.mapping = null;
    }

    /** Over a mapping: the window is the whole mapped file, so records are sliced out of it, never read. */
    private SegmentReader(Path file, SegmentMapping mapping) {
        this.file = file;
        this.mapping = mapping;
        this.buf = mapping.buffer();
        this.bufStart = 0;
        this.channel = new Source() {
            @Override
            public int read(ByteBuffer dst, long position) {
                throw new IllegalStateException("a mapped reader never reads"); // everything is in its window
            }

            @Override
            public long size() {
                return mapping.length();
            }

            @Override
            public void close() {
                mapping.release();
            }
        };
    }

    /**
     * Opens file mapped read-only up to limit (clamped to its size): no read and no copy per record, the
     * payload slices view the page cache. Only for bytes that never change (a sealed segment, or the
     * indexed part of any segment, read only up to that limit); the caller holds the mapping's first
     * reference through the reader until {@link #close}. Null when mapping is not possible here.
     */
    static SegmentReader openMapped(Path file, long limit) throws IOException {
        if (!SegmentMapping.supported()) {
            return null;
        }
        SegmentMapping m = SegmentMapping.map(file, limit);
        return m == null ? null : new SegmentReader(file, m);
    }

    /** The mapping this reader slices from, or null for a windowed reader. */
    SegmentMapping mapping() {
        return mapping;
    }

    static SegmentReader open(Path file) throws IOException {
        return open(file, null);
    }

    /** Opens file for reading through window (cleared and reused; null: the reader sizes its own). */
    static SegmentReader open(Path file, ByteBuffer window) throws IOException {
        FileChannel ch = FileChannel.open(file, StandardOpenOption.READ);
        return new SegmentReader(file, new Source() {
            @Override
            public int read(ByteBuffer dst, long position) throws IOException {
                return ch.read(dst, position);
            }

            @Override
            public long size() throws IOException {
                return ch.size();
            }

            @Override
            public void close() throws IOException {
                ch.close();
            }
        }, window);
    }

    Path file() {
        return file;
    }

    long size() throws IOException {
        return channel.size();
    }

    /** Null when the file starts with the segment magic, else the problem. */
    String checkFileHeader() throws IOException {
        byte[] m = new byte[FILE_HEADER_BYTES];
        if (channel.size() < FILE_HEADER_BYTES) {
            return "file shorter than its header";
        }
        copy(0, m, FILE_HEADER_BYTES);
        return java.util.Arrays.equals(m, FILE_MAGIC) ? null : "bad segment file magic";
    }

    /** Reads the record at offset, never past limit (clamped to the file size), copying its payload out. */
    Result read(long offset, long limit) throws IOException {
        Result r = readSlice(offset, limit);
        return r instanceof Slice s ? new Frame(record(s.frame()), offset, s.next()) : r;
    }

    /** The slice as a record that outlives the next read: a window view is copied, an own array handed over. */
    static FrameRecord record(FrameSlice f) {
        ByteBuffer p = f.payload();
        return p.hasArray() ? new FrameRecord(f.timeMs(), f.keyframe(), f.streamType(), p.array()) : f.toRecord();
    }

    /**
     * Reads the record at offset, never past limit (clamped to the file size), without copying its payload: the
     * slice views the read-ahead window and is valid until the next call on this reader. Records larger than
     * the window are read into their own array.
     */
    Result readSlice(long offset, long limit) throws IOException {
        if (limit > knownSize) {
            knownSize = channel.size();
        }
        limit = Math.min(limit, knownSize);
        if (mapping != null) {
            // A sealed file never shrinks; one cut short from outside is read up to its new end and never past it,
            // where a mapped page faults (one fstat per record)
            limit = Math.min(limit, mapping.fileSize());
        }
        if (offset >= limit) {
            return offset == limit ? END : new Corrupt(offset, "offset past end of data");
        }
        if (limit - offset < FrameRecordCodec.HEADER_BYTES) {
            return new Corrupt(offset, "truncated frame header");
        }
        if (mapping != null && !readable(offset, offset + FrameRecordCodec.HEADER_BYTES, limit)) {
            return new Corrupt(offset, "the file ends before this record (cut short since it was indexed)");
        }
        copy(offset, limit, header, header.length);
        FrameRecordCodec.Header h;
        try {
            h = FrameRecordCodec.decode(header);
        } catch (FrameRecordCodec.CorruptRecordException e) {
            return new Corrupt(offset, e.getMessage());
        }
        long next = offset + h.recordBytes();
        if (next > limit) {
            return new Corrupt(offset, "truncated frame (needs " + h.recordBytes() + " bytes, "
                    + (limit - offset) + " left)");
        }
        long at = offset + FrameRecordCodec.HEADER_BYTES;
        int len = h.payloadLength(); // bounded: <= MAX_PAYLOAD and <= bytes present
        ByteBuffer payload;
        boolean own = len > windowCapacity(limit);
        if (own) {
            byte[] bytes = new byte[len];
            readFully(at, ByteBuffer.wrap(bytes));
            payload = ByteBuffer.wrap(bytes);
        } else {
            if (!inWindow(at, len)) {
                fill(at, len, limit);
            }
            payload = buf.slice((int) (at - bufStart), len);
        }
        if (mapping != null && !readable(at, next, limit)) { // before the CRC touches the mapped pages
            return new Corrupt(offset, "the file ends inside this record (cut short since it was indexed)");
        }
        if (!FrameRecordCodec.crcMatches(header, h, payload)) {
            return new Corrupt(offset, "frame CRC mismatch");
        }
        if (!own) { // a view of the window: nobody may write into it (the CRC was computed on the writable view)
            payload = payload.asReadOnlyBuffer();
        }
        return new Slice(new FrameSlice(h.timeMs(), h.keyframe(), h.streamType(), payload), offset, next);
    }

    /**
     * {@link SegmentMapping#ensureReadable} for [from, to) of a mapped reader, asked for {@link #CHECK_AHEAD} bytes
     * at once (one system call per MiB, not one per record, where the read-ahead has not been yet); a disk error
     * in the larger range fails only the record it is in.
     */
    private boolean readable(long from, long to, long limit) throws IOException {
        if (from >= checkedFrom && to <= checkedTo) {
            return true;
        }
        long end = Math.max(to, Math.min(limit, from + CHECK_AHEAD));
        boolean all;
        try {
            all = end > to && mapping.ensureReadable(from, end);
        } catch (IOException e) {
            all = false;
        }
        if (all) {
            checkedFrom = from;
            checkedTo = end;
            return true;
        }
        return mapping.ensureReadable(from, to);
    }

    private int windowCapacity(long limit) {
        if (buf == null) { // a reader without a given window (verify, recovery, fuzz) sizes one to the file
            buf = ByteBuffer.allocate((int) Math.max(4096, Math.min(READ_AHEAD, limit)));
            bufStart = -1;
        }
        return buf.capacity();
    }

    private boolean inWindow(long pos, int len) {
        return bufStart >= 0 && pos >= bufStart && pos + len <= bufStart + buf.limit();
    }

    private void copy(long pos, byte[] dst, int len) throws IOException {
        copy(pos, channel.size(), dst, len);
    }

    /** Copies file bytes [pos, pos + len) into dst[0..len); pos + len <= limit <= file size. */
    private void copy(long pos, long limit, byte[] dst, int len) throws IOException {
        if (!inWindow(pos, len)) {
            if (len > windowCapacity(limit)) { // larger than the window: one read straight into the array
                readFully(pos, ByteBuffer.wrap(dst, 0, len));
                return;
            }
            fill(pos, len, limit);
        }
        buf.get((int) (pos - bufStart), dst, 0, len);
    }

    /**
     * Refills the window to start at pos with at least need bytes, keeping what it already holds from pos on
     * and reading no byte at or past limit (those may be an open segment's unsynced, still changing tail).
     */
    private void fill(long pos, int need, long limit) throws IOException {
        if (mapping != null) { // reads are clamped to the mapping, which is the window: only a bug gets here
            throw new EOFException(file + ": read past the mapped " + mapping.length() + " bytes at " + pos);
        }
        long end = bufStart < 0 ? -1 : bufStart + buf.limit();
        if (bufStart >= 0 && pos >= bufStart && pos < end) {
            buf.position((int) (pos - bufStart));
            buf.compact(); // keep [pos, end): no byte is read twice on a sequential walk
        } else {
            buf.clear();
            end = pos;
        }
        bufStart = -1; // invalid until the read below completes
        buf.limit((int) Math.min(buf.capacity(), limit - pos));
        readFully(end, buf);
        buf.flip();
        bufStart = pos;
        if (buf.limit() < need) {
            throw new EOFException(file + ": unexpected end at " + (pos + buf.limit()));
        }
    }

    private void readFully(long pos, ByteBuffer dst) throws IOException {
        for (long p = pos; dst.hasRemaining(); ) {
            int n = channel.read(dst, p);
            if (n < 0) {
                throw new EOFException(file + ": unexpected end at " + p);
            }
            p += n;
        }
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }

    /**
     * Direct read-ahead windows of {@link #READ_AHEAD} bytes that cursors borrow and give back, so opening a
     * cursor (every playback seek does) neither zeroes a fresh MiB nor leaves native memory to the GC. Bounded:
     * beyond {@link #POOLED} idle windows a returned one is dropped.
     */
    private static final int POOLED = 8;
    private static final java.util.concurrent.ConcurrentLinkedQueue<ByteBuffer> WINDOWS =
            new java.util.concurrent.ConcurrentLinkedQueue<>();
    private static final java.util.concurrent.atomic.AtomicInteger IDLE = new java.util.concurrent.atomic.AtomicInteger();

    static ByteBuffer borrowWindow() {
        ByteBuffer b = WINDOWS.poll();
        if (b == null) {
            return ByteBuffer.allocateDirect(READ_AHEAD);
        }
        IDLE.decrementAndGet();
        return b.clear();
    }

    /** Gives a window back; the caller must not touch it (or a reader using it) afterwards. */
    static void returnWindow(ByteBuffer b) {
        if (b != null && IDLE.incrementAndGet() <= POOLED) {
            WINDOWS.offer(b);
        } else if (b != null) {
            IDLE.decrementAndGet();
        }
    }
}
