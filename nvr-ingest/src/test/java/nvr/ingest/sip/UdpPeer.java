package nvr.ingest.sip;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import nvr.gb28181.WireFormatException;
import nvr.gb28181.sip.SipMessage;
import nvr.gb28181.sip.SipParser;
import nvr.gb28181.sip.SipRequest;

/** A test-side SIP endpoint on a loopback UDP socket: sends texts or messages, receives parsed messages. */
public final class UdpPeer implements AutoCloseable {
    private final DatagramSocket socket;
    private InetSocketAddress server;
    private final SipParser parser = new SipParser();

    public UdpPeer(int serverPort) throws IOException {
        this(serverPort, 0);
    }

    public UdpPeer(int serverPort, int localPort) throws IOException {
        this(InetAddress.getLoopbackAddress(), serverPort, localPort);
    }

    private UdpPeer(InetAddress local, int serverPort, int localPort) throws IOException {
        socket = new DatagramSocket(new InetSocketAddress(local, localPort));
        server = new InetSocketAddress(InetAddress.getLoopbackAddress(), serverPort);
    }

    /** A peer sending from another local address (e.g. 127.0.0.2, loopback on Linux) to play a different host. */
    public static UdpPeer bound(InetAddress local, int serverPort) throws IOException {
        return new UdpPeer(local, serverPort, 0);
    }

    /** Points the peer at another server port (when the peer had to exist before the server). */
    public void target(int serverPort) {
        server = new InetSocketAddress(InetAddress.getLoopbackAddress(), serverPort);
    }

    public int port() {
        return socket.getLocalPort();
    }

    /** Sends text, converting bare LF line ends to CRLF in the header part when asked. */
    public void send(String text) throws IOException {
        send(text.getBytes(StandardCharsets.ISO_8859_1));
    }

    public void send(byte[] b) throws IOException {
        socket.send(new DatagramPacket(b, b.length, server));
    }

    public void send(SipMessage m) throws IOException {
        send(m.encode());
    }

    /** Next message within timeoutMs, or null. */
    public SipMessage receive(int timeoutMs) throws IOException {
        byte[] buf = new byte[65536];
        long deadline = System.currentTimeMillis() + timeoutMs;
        while (true) {
            long left = deadline - System.currentTimeMillis();
            if (left <= 0) {
                return null;
            }
            socket.setSoTimeout((int) left);
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            try {
                socket.receive(p);
            } catch (SocketTimeoutException e) {
                return null;
            }
            try {
                return parser.parseDatagram(p.getData(), 0, p.getLength());
            } catch (WireFormatException e) {
                throw new AssertionError("server sent malformed SIP: " + e.getMessage());
            }
        }
    }

    private final java.util.ArrayDeque<SipMessage> held = new java.util.ArrayDeque<>();

    /** Next request of this method; other messages are held for later calls; null on timeout. */
    public SipRequest receiveRequest(String method, int timeoutMs) throws IOException {
        return (SipRequest) next(m -> m instanceof SipRequest r && r.isMethod(method), timeoutMs);
    }

    /** Next response; requests that arrive first are held for later calls; null on timeout. */
    public nvr.gb28181.sip.SipResponse receiveResponse(int timeoutMs) throws IOException {
        return (nvr.gb28181.sip.SipResponse) next(m -> m instanceof nvr.gb28181.sip.SipResponse, timeoutMs);
    }

    private SipMessage next(java.util.function.Predicate<SipMessage> want, int timeoutMs) throws IOException {
        for (java.util.Iterator<SipMessage> it = held.iterator(); it.hasNext(); ) {
            SipMessage m = it.next();
            if (want.test(m)) {
                it.remove();
                return m;
            }
        }
        long deadline = System.currentTimeMillis() + timeoutMs;
        while (System.currentTimeMillis() < deadline) {
            SipMessage m = receive((int) Math.max(1, deadline - System.currentTimeMillis()));
            if (m == null) {
                return null;
            }
            if (want.test(m)) {
                return m;
            }
            if (held.size() < 1000) {
                held.add(m);
            }
        }
        return null;
    }

    @Override
    public void close() {
        socket.close();
    }
}
