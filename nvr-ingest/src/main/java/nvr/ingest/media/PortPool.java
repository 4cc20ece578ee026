package nvr.ingest.media;

import java.util.BitSet;

/**
 * Hands out ports from {@code media.port-range}. Round-robin so a just-released port (whose late packets may
 * still be in flight) is reused last. Thread-safe; ports taken by static cameras are reserved with {@link #reserve}.
 */
final class PortPool {
    private final PortRange range;
    private final BitSet taken; // bit i = port range.first()+i is held by an open receiver
    private int cursor;

    PortPool(PortRange range) {
        this.range = range;
        this.taken = new BitSet(range.size());
    }

    PortRange range() {
        return range;
    }

    /** Next free port after the previous one handed out, or -1 when every port is held. */
    synchronized int next() {
        int n = range.size();
        for (int i = 0; i < n; i++) {
            int idx = (cursor + i) % n;
            if (!taken.get(idx)) {
                taken.set(idx);
                cursor = (idx + 1) % n;
                return range.first() + idx;
            }
        }
        return -1;
    }

    /** Marks a fixed port as held; false when it is already held. Ports outside the range are not tracked. */
    synchronized boolean reserve(int port) {
        if (!range.contains(port)) {
            return true;
        }
        int idx = port - range.first();
        if (taken.get(idx)) {
            return false;
        }
        taken.set(idx);
        return true;
    }

    synchronized void release(int port) {
        if (range.contains(port)) {
            taken.clear(port - range.first());
        }
    }

    synchronized int free() {
        return range.size() - taken.cardinality();
    }
}
