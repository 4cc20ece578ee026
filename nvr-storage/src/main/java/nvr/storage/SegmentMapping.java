package nvr.storage;

import java.io.IOException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A sealed segment file mapped read-only, shared by the reader that slices records out of it and the
 * read-ahead that pages it in ahead of that reader ({@link SequentialReadAhead}), and unmapped as soon as both
 * are done with it: a mapping left to the GC would keep a segment that retention deleted on the disk (and a
 * VMA in the process) until some collection ran its cleaner.
 * Invariants: the mapping is unmapped exactly once, when the last reference is released; nothing may touch
 * the buffer (or a slice of it) without holding a reference, so no access ever follows the unmap.
 */
final class SegmentMapping {
    /** {@code sun.misc.Unsafe.invokeCleaner}, or null where it is not available (then nothing is mapped). */
    private static final MethodHandle UNMAP = unmapHandle();

    /** /dev/null as a sendfile target (see {@link #load}), or null where there is none. */
    private static final FileChannel DEV_NULL = devNull();

    private final FileChannel channel;
    private final MappedByteBuffer buffer;
    private final AtomicInteger refs = new AtomicInteger(1);
    /** File bytes [from, to) {@link #load} last read into the page cache without error, in one contiguous run. */
    private record Span(long from, long to) {
    }

    /** Written by the loader only (one {@link #load} at a time), read by the reader. */
    private volatile Span loaded = new Span(0, 0);

    private SegmentMapping(FileChannel channel, MappedByteBuffer buffer) {
        this.channel = channel;
        this.buffer = buffer;
    }

    /** True when mappings can be released explicitly (else readers keep reading through a window). */
    static boolean supported() {
        return UNMAP != null;
    }

    /**
     * Maps file bytes [0, min(limit, size)) read-only, with one reference held by the caller; null when the
     * length does not fit one buffer (the caller reads through a window instead).
     */
    static SegmentMapping map(Path file, long limit) throws IOException {
        FileChannel ch = FileChannel.open(file, StandardOpenOption.READ);
        try {
            long len = Math.min(limit, ch.size());
            if (len > Integer.MAX_VALUE || UNMAP == null) {
                ch.close();
                return null;
            }
            return new SegmentMapping(ch, ch.map(FileChannel.MapMode.READ_ONLY, 0, len));
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    /** The mapped bytes (read-only, position 0, limit = mapped length); valid while a reference is held. */
    ByteBuffer buffer() {
        return buffer;
    }

    int length() {
        return buffer.capacity();
    }

    /** The file's size now (it may have been cut short since it was mapped); valid while a reference is held. */
    long fileSize() throws IOException {
        return channel.size();
    }

    /**
     * Whether file bytes [from, to) can be touched through the mapping without a fault: true when {@link #load}
     * already read them, else they are read into the page cache here, through the kernel, where a disk read error
     * is an IOException and a file cut short a short count (false). Touching a mapped page the disk cannot read
     * raises SIGBUS, which kills the process inside the CRC32C intrinsic.
     */
    boolean ensureReadable(long from, long to) throws IOException {
        Span l = loaded;
        if (from >= l.from() && to <= l.to()) {
            return true;
        }
        if (DEV_NULL == null) {
            return to <= channel.size();
        }
        for (long p = from; p < to; ) {
            long n = channel.transferTo(p, to - p, DEV_NULL);
            if (n <= 0) {
                return false;
            }
            p += n;
        }
        return true;
    }

    /** Takes one more reference; false when the mapping is already gone. */
    boolean retain() {
        for (int r; (r = refs.get()) > 0; ) {
            if (refs.compareAndSet(r, r + 1)) {
                return true;
            }
        }
        return false;
    }

    /** Drops one reference; the last one unmaps. */
    void release() {
        int r = refs.decrementAndGet();
        if (r == 0) {
            try {
                UNMAP.invokeExact((ByteBuffer) buffer);
                channel.close();
            } catch (Throwable e) {
                throw new IllegalStateException("cannot unmap a segment mapping: " + e, e);
            }
        } else if (r < 0) {
            throw new IllegalStateException("segment mapping released more often than retained");
        }
    }

    /**
     * Brings file bytes [from, to) into the page cache, returning once they are there. Through sendfile to
     * /dev/null: the kernel reads the pages (with its read-ahead) and copies nothing, ~30 ms of CPU per GB
     * (measured on the project VM, cold: 1.04 GB/s at 33 ms/GB, against a 1 MiB pread loop's 0.73 GB/s at
     * 305 ms/GB and {@link MappedByteBuffer#load}'s 0.54 GB/s at 300 ms/GB: it touches, i.e. faults, every page).
     * Holds its own reference; does nothing when the mapping is already gone.
     */
    void load(long from, long to) throws IOException {
        if (to <= from || !retain()) {
            return;
        }
        try {
            if (DEV_NULL == null) {
                buffer.slice((int) from, (int) (to - from)).load();
                return;
            }
            Span l = loaded;
            long start = l.to() == from && l.to() > l.from() ? l.from() : from; // contiguous with the last load?
            for (long p = from; p < to; ) {
                long n = channel.transferTo(p, to - p, DEV_NULL);
                if (n <= 0) {
                    break; // the file is shorter than mapped: the reader reports it
                }
                p += n;
                loaded = new Span(start, p);
            }
        } finally {
            release();
        }
    }

    private static FileChannel devNull() {
        try {
            return FileChannel.open(Path.of("/dev/null"), StandardOpenOption.WRITE);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static MethodHandle unmapHandle() {
        try {
            Class<?> c = Class.forName("sun.misc.Unsafe");
            java.lang.reflect.Field f = c.getDeclaredField("theUnsafe");
            f.setAccessible(true);
            Object unsafe = f.get(null);
            return MethodHandles.lookup().findVirtual(c, "invokeCleaner", MethodType.methodType(void.class, ByteBuffer.class))
                .bindTo(unsafe);
        } catch (ReflectiveOperationException | RuntimeException e) {
            System.getLogger(SegmentMapping.class.getName()).log(System.Logger.Level.INFO,
                "segment files are read through a copy window: cannot unmap mappings here (" + e + ")");
            return null;
        }
    }
}
