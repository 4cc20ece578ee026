package nvr.ingest.sip;

import io.netty.channel.Channel;
import java.net.InetSocketAddress;

/**
 * Where a message came from or goes to: the UDP source address, or a TCP connection.
 * {@code tcp} is null for UDP; for TCP it is the live connection (responses must use it).
 */
public record SipPeer(InetSocketAddress address, Channel tcp) {
    public static SipPeer udp(InetSocketAddress a) {
        return new SipPeer(a, null);
    }

    public boolean reliable() {
        return tcp != null;
    }

    public String transport() {
        return tcp != null ? "TCP" : "UDP";
    }
}
