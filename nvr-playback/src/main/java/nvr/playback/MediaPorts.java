package nvr.playback;

import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.nio.channels.NetworkChannel;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Binds playback media sockets to a port of {@code media.port-range} (what operators open in firewalls), or
 * to an ephemeral port when no range is configured. Round-robin, so a just-closed session's port (whose
 * receiver may still send RTCP to it) is the last to be reused; a port taken by anyone else (ingest shares
 * the range) is skipped. Thread-safe.
 */
final class MediaPorts {
    private final String address;
    private final int min;
    private final int max;
    private final AtomicInteger next = new AtomicInteger();

    /** @param min first port, or 0 with {@code max} 0 for ephemeral ports */
    MediaPorts(String address, int min, int max) {
        if ((min == 0) != (max == 0) || min < 0 || max > 0xFFFF || min > max) {
            throw new IllegalArgumentException("media port range must be LOW-HIGH within 1-65535, got " + min + "-" + max);
        }
        this.address = address;
        this.min = min;
        this.max = max;
    }

    /** Binds a socket to a given port (0: ephemeral) and returns the port it got. */
    interface Binder {
        int bind(InetSocketAddress at) throws IOException;
    }

    /** Binds {@code ch} (UDP, TCP, or a listener with {@code backlog}) to the next free port; returns that port. */
    int bind(NetworkChannel ch, int backlog) throws IOException {
        return bind(at -> {
            bindTo(ch, at, backlog);
            return ((InetSocketAddress) ch.getLocalAddress()).getPort();
        });
    }

    /** Binds through {@code binder} to the next free port of the range (any failure to bind a port skips it). */
    int bind(Binder binder) throws IOException {
        if (min == 0) {
            return binder.bind(new InetSocketAddress(address, 0));
        }
        int size = max - min + 1;
        int start = Math.floorMod(next.getAndIncrement(), size);
        IOException last = null;
        for (int i = 0; i < size; i++) {
            int port = min + (start + i) % size;
            try {
                binder.bind(new InetSocketAddress(address, port));
                next.set(start + i + 1);
                return port;
            } catch (IOException taken) {
                last = taken; // in use (by ingest or another session): try the next one
            }
        }
        throw new BindException("no free port in media.port-range " + min + "-" + max + " on " + address
            + " (last: " + (last == null ? "none" : last.getMessage()) + "); widen the range or end some sessions");
    }

    private static void bindTo(NetworkChannel ch, InetSocketAddress at, int backlog) throws IOException {
        if (ch instanceof java.nio.channels.ServerSocketChannel server) {
            server.bind(at, backlog);
        } else {
            ch.bind(at);
        }
    }
}
