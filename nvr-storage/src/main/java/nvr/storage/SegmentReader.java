package nvr.storage;

import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Reads frame records from one segment file with positional reads through a small read-ahead buffer.
 * Invariant: nothing at or past {@code limit} is ever returned, and a record is returned only when its magic,
 * length, flags and CRC are all valid.
 */
final class SegmentReader implements Closeable {
    /** "NVRSEG", 0, version 1: written once at the start of every segment file. */
    static final byte[] FILE_MAGIC = {'N', 'V', 'R', 'S', 'E', 'G', 0, 1};
    static final int FILE_HEADER_BYTES = FILE_MAGIC.length;
    private static final int READ_AHEAD = 256 << 10;

    /** Outcome of reading at an offset. */
    sealed interface Result permits Frame, End, Corrupt {
    }

    /** A valid record at offset; the next one starts at next. */
    record Frame(FrameRecord frame, long offset, long next) implements Result {
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
    private ByteBuffer buf;
    private long bufStart = -1;
    private final byte[] header = new byte[FrameRecordCodec.HEADER_BYTES];

    SegmentReader(Path file, Source channel) {
        this.file = file;
        this.channel = channel;
    }

    static SegmentReader open(Path file) throws IOException {
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
        });
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
        readFully(0, m, 0, m.length);
        return java.util.Arrays.equals(m, FILE_MAGIC) ? null : "bad segment file magic";
    }

    /** Reads the record at offset, never past limit (clamped to the file size). */
    Result read(long offset, long limit) throws IOException {
        limit = Math.min(limit, channel.size());
        if (offset >= limit) {
            return offset == limit ? END : new Corrupt(offset, "offset past end of data");
        }
        if (limit - offset < FrameRecordCodec.HEADER_BYTES) {
            return new Corrupt(offset, "truncated frame header");
        }
        readFully(offset, header, 0, header.length);
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
        byte[] payload = new byte[h.payloadLength()]; // bounded: <= MAX_PAYLOAD and <= bytes present
        readFully(offset + FrameRecordCodec.HEADER_BYTES, payload, 0, payload.length);
        if (!FrameRecordCodec.crcMatches(header, h, payload)) {
            return new Corrupt(offset, "frame CRC mismatch");
        }
        return new Frame(new FrameRecord(h.timeMs(), h.keyframe(), h.streamType(), payload), offset, next);
    }

    private void readFully(long pos, byte[] dst, int off, int len) throws IOException {
        if (len > READ_AHEAD / 2) { // large payloads bypass the buffer
            ByteBuffer b = ByteBuffer.wrap(dst, off, len);
            long p = pos;
            while (b.hasRemaining()) {
                int n = channel.read(b, p);
                if (n < 0) {
                    throw new EOFException(file + ": unexpected end at " + p);
                }
                p += n;
            }
            return;
        }
        if (buf == null) { // small files (and fuzz inputs) get a small buffer
            buf = ByteBuffer.allocate((int) Math.max(4096, Math.min(READ_AHEAD, channel.size())));
        }
        if (len > buf.capacity()) {
            bufStart = -1;
            ByteBuffer b = ByteBuffer.wrap(dst, off, len);
            for (long p = pos; b.hasRemaining(); ) {
                int n = channel.read(b, p);
                if (n < 0) {
                    throw new EOFException(file + ": unexpected end at " + p);
                }
                p += n;
            }
            return;
        }
        if (bufStart < 0 || pos < bufStart || pos + len > bufStart + buf.limit()) {
            buf.clear();
            long p = pos;
            while (buf.position() < len) {
                int n = channel.read(buf, p);
                if (n < 0) {
                    bufStart = -1;
                    throw new EOFException(file + ": unexpected end at " + p);
                }
                p += n;
            }
            buf.flip();
            bufStart = pos;
        }
        buf.get((int) (pos - bufStart), dst, off, len);
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
