package nvr.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Creates real segment files whose channels behave like a disk with {@link #free} bytes left: a write that does
 * not fit writes what fits and the next one fails with "No space left on device", as write(2) does on ENOSPC.
 * Only the failure is simulated; the files, the store and its recovery are real.
 */
final class QuotaFileIo implements SegmentFileIo {
    final AtomicLong free;

    QuotaFileIo(long freeBytes) {
        free = new AtomicLong(freeBytes);
    }

    @Override
    public FileChannel createNew(Path file) throws IOException {
        return new QuotaChannel(DEFAULT.createNew(file));
    }

    private final class QuotaChannel extends FileChannel {
        private final FileChannel d;

        QuotaChannel(FileChannel d) {
            this.d = d;
        }

        private long allowance() throws IOException {
            long f = free.get();
            if (f <= 0) {
                throw new IOException("No space left on device");
            }
            return f;
        }

        @Override
        public int write(ByteBuffer src) throws IOException {
            return (int) write(new ByteBuffer[] {src}, 0, 1);
        }

        @Override
        public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
            long left = allowance();
            long done = 0;
            for (int i = offset; i < offset + length && left > 0; i++) {
                ByteBuffer s = srcs[i];
                int n = (int) Math.min(s.remaining(), left);
                ByteBuffer slice = s.slice(s.position(), n);
                int w = d.write(slice);
                s.position(s.position() + w);
                done += w;
                left -= w;
                if (w < n) {
                    break;
                }
            }
            free.addAndGet(-done);
            return done;
        }

        @Override
        public int write(ByteBuffer src, long position) throws IOException {
            long left = allowance();
            int n = (int) Math.min(src.remaining(), left);
            ByteBuffer slice = src.slice(src.position(), n);
            int w = d.write(slice, position);
            src.position(src.position() + w);
            free.addAndGet(-w);
            return w;
        }

        @Override
        public FileChannel truncate(long size) throws IOException {
            long before = d.size();
            d.truncate(size);
            free.addAndGet(Math.max(0, before - d.size()));
            return this;
        }

        @Override
        public int read(ByteBuffer dst) throws IOException {
            return d.read(dst);
        }

        @Override
        public long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
            return d.read(dsts, offset, length);
        }

        @Override
        public long position() throws IOException {
            return d.position();
        }

        @Override
        public FileChannel position(long newPosition) throws IOException {
            d.position(newPosition);
            return this;
        }

        @Override
        public long size() throws IOException {
            return d.size();
        }

        @Override
        public void force(boolean metaData) throws IOException {
            d.force(metaData);
        }

        @Override
        public long transferTo(long position, long count, WritableByteChannel target) throws IOException {
            return d.transferTo(position, count, target);
        }

        @Override
        public long transferFrom(ReadableByteChannel src, long position, long count) throws IOException {
            throw new IOException("not used by the store");
        }

        @Override
        public int read(ByteBuffer dst, long position) throws IOException {
            return d.read(dst, position);
        }

        @Override
        public MappedByteBuffer map(MapMode mode, long position, long size) throws IOException {
            throw new IOException("not used by the store");
        }

        @Override
        public FileLock lock(long position, long size, boolean shared) throws IOException {
            return d.lock(position, size, shared);
        }

        @Override
        public FileLock tryLock(long position, long size, boolean shared) throws IOException {
            return d.tryLock(position, size, shared);
        }

        @Override
        protected void implCloseChannel() throws IOException {
            d.close();
        }
    }
}
