package nvr.ingest.media;

import java.io.IOException;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;

/** How a test camera reaches the receiver: UDP datagrams, TCP to our listening port, or TCP we connect to. */
final class Links {
    interface Link extends AutoCloseable {
        void send(byte[] packet) throws IOException;

        @Override
        void close() throws IOException;
    }

    private Links() {
    }

    /** Opens the camera side for {@code transport}; for TCP_ACTIVE it makes {@code handle} connect to it. */
    static Link open(MediaTransport transport, StreamHandle handle) throws IOException {
        InetAddress lo = InetAddress.getLoopbackAddress();
        switch (transport) {
            case UDP -> {
                DatagramSocket s = new DatagramSocket();
                s.setSendBufferSize(1 << 20);
                InetSocketAddress to = new InetSocketAddress(lo, handle.localPort());
                return new Link() {
                    @Override
                    public void send(byte[] p) throws IOException {
                        s.send(new DatagramPacket(p, p.length, to));
                    }

                    @Override
                    public void close() {
                        s.close();
                    }
                };
            }
            case TCP_PASSIVE -> {
                return stream(new Socket(lo, handle.localPort()));
            }
            default -> {
                try (ServerSocket ss = new ServerSocket(0, 1, lo)) {
                    ss.setSoTimeout(10_000);
                    handle.connect(new InetSocketAddress(lo, ss.getLocalPort()));
                    return stream(ss.accept());
                }
            }
        }
    }

    static Link stream(Socket s) throws IOException {
        s.setTcpNoDelay(true);
        OutputStream out = s.getOutputStream();
        return new Link() {
            @Override
            public void send(byte[] p) throws IOException {
                out.write(p);
            }

            @Override
            public void close() throws IOException {
                s.close();
            }
        };
    }
}
