package nvr.storage;

import java.nio.ByteBuffer;

/** Bytes in memory as a segment file presents them to a {@link SegmentReader}; may be swapped to grow or change. */
final class ByteArraySource implements SegmentReader.Source {
    byte[] data;
    int reads; // read calls so far

    ByteArraySource(byte[] data) {
        this.data = data;
    }

    @Override
    public int read(ByteBuffer dst, long position) {
        reads++;
        if (position >= data.length) {
            return -1;
        }
        int n = (int) Math.min(dst.remaining(), data.length - position);
        dst.put(data, (int) position, n);
        return n;
    }

    @Override
    public long size() {
        return data.length;
    }

    @Override
    public void close() {
    }
}
