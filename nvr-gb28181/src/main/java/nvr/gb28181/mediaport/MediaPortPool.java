package nvr.gb28181.mediaport;

import java.io.IOException;
import java.net.BindException;
import java.util.BitSet;

/**
 * Hands out the ports of one inclusive range, round-robin, each to one holder until {@link #release}.
 * Thread-safe; never holds its lock while a caller binds.
 */
public final class MediaPortPool {
    /** Binds a socket to {@code port}; an IOException (e.g. in use by another process) skips the port. */
    public interface Binder {
        void bind(int port) throws IOException;
    }

    private final int first;
    private final int last;
    private final BitSet held; // bit i = port first+i is handed out (or reserved) and not released
    private int cursor; // index after the last port handed out: the next search starts here

    public MediaPortPool(int first, int last) {
        if (first < 1 || last > 0xFFFF || first > last) {
            throw new IllegalArgumentException("port range " + first + "-" + last
                    + " is invalid: use FIRST-LAST with 1 <= FIRST <= LAST <= 65535");
        }
        this.first = first;
        this.last = last;
        this.held = new BitSet(size());
    }

    public int first() {
        return first;
    }

    public int last() {
        return last;
    }

    public int size() {
        return last - first + 1;
    }

    public boolean contains(int port) {
        return port >= first && port <= last;
    }

    /** Takes the next port not held, after the previous one handed out; -1 when every port is held. */
    public synchronized int next() {
        int n = size();
        for (int i = 0; i < n; i++) {
            int idx = (cursor + i) % n;
            if (!held.get(idx)) {
                held.set(idx);
                cursor = (idx + 1) % n;
                return first + idx;
            }
        }
        return -1;
    }

    /**
     * Takes a given port (a static camera's); false when it is already held. A port outside the range is
     * not tracked (true): the OS refuses it if it is busy.
     */
    public synchronized boolean reserve(int port) {
        if (!contains(port)) {
            return true;
        }
        if (held.get(port - first)) {
            return false;
        }
        held.set(port - first);
        return true;
    }

    /** Gives a port back (no-op outside the range or when not held). */
    public synchronized void release(int port) {
        if (contains(port)) {
            held.clear(port - first);
        }
    }

    /** Ports of the range not held. */
    public synchronized int free() {
        return size() - held.cardinality();
    }

    /**
     * Takes ports in turn and binds through {@code binder} until one binds (that port stays held until
     * {@link #release}); a port whose bind fails is given back and skipped.
     *
     * @throws BindException when no port of the range could be bound; its message says what to do
     */
    public int bind(Binder binder) throws IOException {
        IOException last = null;
        for (int i = 0, n = size(); i < n; i++) {
            int port = next();
            if (port < 0) {
                break;
            }
            try {
                binder.bind(port);
                return port;
            } catch (IOException e) {
                release(port);
                last = e; // held by another process: try the next one
            }
        }
        throw new BindException("no free port in media.port-range " + this + " ("
                + (last == null ? "all " + size() + " in use" : "last: " + last.getMessage())
                + "); widen the range or end some sessions");
    }

    @Override
    public String toString() {
        return first + "-" + last;
    }
}
