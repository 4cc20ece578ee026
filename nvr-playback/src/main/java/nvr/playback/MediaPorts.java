package nvr.playback;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.NetworkChannel;
import nvr.gb28181.mediaport.MediaPortPool;

/**
 * Binds playback media sockets to a port of {@code media.port-range} (what operators open in firewalls),
 * taken from the {@link MediaPortPool} ingest uses too when the server shares one (nvr serve does), or to an
 * ephemeral port when no range is configured. A port is held until {@link #release}: call it when the
 * socket closes. Thread-safe.
 */
final class MediaPorts {
    private final String address;
    private final MediaPortPool pool; // null: ephemeral ports

    /** @param min first port, or 0 with {@code max} 0 for ephemeral ports */
    MediaPorts(String address, int min, int max) {
        this(address, min, max, null);
    }

    /** @param shared the process's pool for {@code media.port-range} (its range must be min-max), or null for an own one */
    MediaPorts(String address, int min, int max, MediaPortPool shared) {
        if ((min == 0) != (max == 0) || min < 0 || max > 0xFFFF || min > max) {
            throw new IllegalArgumentException("media port range must be LOW-HIGH within 1-65535, got " + min + "-" + max);
        }
        if (shared != null && (shared.first() != min || shared.last() != max)) {
            throw new IllegalArgumentException("the shared media port pool covers " + shared + ", not the configured "
                + min + "-" + max);
        }
        this.address = address;
        this.pool = shared != null ? shared : min == 0 ? null : new MediaPortPool(min, max);
    }

    /** Binds a socket to a given address and returns the port it got. */
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
        if (pool == null) {
            return binder.bind(new InetSocketAddress(address, 0));
        }
        return pool.bind(port -> binder.bind(new InetSocketAddress(address, port)));
    }

    /** Gives back a port {@link #bind} returned, once its socket is closed. */
    void release(int port) {
        if (pool != null) {
            pool.release(port);
        }
    }

    private static void bindTo(NetworkChannel ch, InetSocketAddress at, int backlog) throws IOException {
        if (ch instanceof java.nio.channels.ServerSocketChannel server) {
            server.bind(at, backlog);
        } else {
            ch.bind(at);
        }
    }
}
