package nvr.cli.serve;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.Collections;

/** Resolves {@code sip.advertise-ip}: "auto" means this host's first non-loopback IPv4 address (else loopback). */
final class AdvertiseAddress {
    private AdvertiseAddress() {
    }

    static String resolve(String configured) {
        if (!"auto".equals(configured)) {
            return configured;
        }
        try {
            for (NetworkInterface nif : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                if (!nif.isUp() || nif.isLoopback() || nif.isVirtual()) {
                    continue;
                }
                for (InetAddress a : Collections.list(nif.getInetAddresses())) {
                    if (a instanceof Inet4Address && !a.isLoopbackAddress() && !a.isLinkLocalAddress()) {
                        return a.getHostAddress();
                    }
                }
            }
        } catch (SocketException e) {
            // no interfaces readable: loopback still serves local tests and the demo
        }
        return "127.0.0.1";
    }
}
