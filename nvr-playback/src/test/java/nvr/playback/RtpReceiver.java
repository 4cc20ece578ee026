package nvr.playback;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The test client's own RTP receive code (no production classes): UDP socket, or TCP with RFC 4571
 * 2-byte length framing as listener or connector. Collects packets with their arrival time.
 */
public final class RtpReceiver implements AutoCloseable {
    public record Packet(int seq, long timestamp, long ssrc, boolean marker, int payloadType, byte[] payload, long arrivalNanos) {
    }

    private final List<Packet> packets = new ArrayList<>();
    private final DatagramSocket udp;
    private final ServerSocket server;
    private volatile Socket tcp;
    private final Thread thread;
    private volatile boolean closed;
    private volatile long firstArrivalNanos;

    private RtpReceiver(DatagramSocket udp, ServerSocket server, boolean read) {
        this.udp = udp;
        this.server = server;
        this.thread = new Thread(read ? this::run : this::acceptOnly, "rtp-receiver");
        thread.setDaemon(true);
        thread.start();
    }

    public static RtpReceiver udp() throws IOException {
        DatagramSocket s = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        s.setReceiveBufferSize(16 << 20);
        return new RtpReceiver(s, null, true);
    }

    /** Listens for the NVR to connect (NVR is TCP active; our offer says setup:passive). */
    public static RtpReceiver tcpListen(boolean read) throws IOException {
        ServerSocket ss = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        return new RtpReceiver(null, ss, read);
    }

    /** Connects to the NVR's passive port (our offer says setup:active). */
    static RtpReceiver tcpConnect(int port) throws IOException {
        RtpReceiver r = new RtpReceiver(null, null, false);
        r.tcp = new Socket(InetAddress.getLoopbackAddress(), port);
        r.tcp.setReceiveBufferSize(4 << 20);
        Thread t = new Thread(r::readTcp, "rtp-receiver-tcp");
        t.setDaemon(true);
        t.start();
        return r;
    }

    public int port() {
        return udp != null ? udp.getLocalPort() : server.getLocalPort();
    }

    private void acceptOnly() {
        if (server == null) {
            return;
        }
        try {
            Socket s = server.accept();
            s.setReceiveBufferSize(8 << 10);
            tcp = s; // never read: the sender's window fills
        } catch (IOException e) {
            // closed
        }
    }

    private void run() {
        try {
            if (udp != null) {
                byte[] buf = new byte[65536];
                while (!closed) {
                    DatagramPacket p = new DatagramPacket(buf, buf.length);
                    udp.receive(p);
                    add(buf, 0, p.getLength());
                }
            } else {
                Socket s = server.accept();
                s.setReceiveBufferSize(4 << 20);
                tcp = s;
                readTcp();
            }
        } catch (IOException e) {
            // closed
        }
    }

    private void readTcp() {
        try {
            DataInputStream in = new DataInputStream(tcp.getInputStream());
            byte[] buf = new byte[65536];
            while (!closed) {
                int len = in.readUnsignedShort();
                in.readFully(buf, 0, len);
                add(buf, 0, len);
            }
        } catch (EOFException e) {
            synchronized (this) {
                eof = true;
            }
        } catch (IOException e) {
            // closed
        }
    }

    private boolean eof;

    synchronized boolean eof() {
        return eof;
    }

    private synchronized void add(byte[] b, int off, int len) {
        if (len < 12 || (b[off] & 0xC0) != 0x80) {
            return;
        }
        int cc = b[off] & 0x0F;
        int hdr = 12 + 4 * cc;
        if ((b[off] & 0x10) != 0) {
            int extLen = ((b[off + hdr + 2] & 0xFF) << 8) | (b[off + hdr + 3] & 0xFF);
            hdr += 4 + 4 * extLen;
        }
        long now = System.nanoTime();
        if (packets.isEmpty()) {
            firstArrivalNanos = now;
        }
        packets.add(new Packet(((b[off + 2] & 0xFF) << 8) | (b[off + 3] & 0xFF),
            ((b[off + 4] & 0xFFL) << 24) | ((b[off + 5] & 0xFF) << 16) | ((b[off + 6] & 0xFF) << 8) | (b[off + 7] & 0xFF),
            ((b[off + 8] & 0xFFL) << 24) | ((b[off + 9] & 0xFF) << 16) | ((b[off + 10] & 0xFF) << 8) | (b[off + 11] & 0xFF),
            (b[off + 1] & 0x80) != 0, b[off + 1] & 0x7F, java.util.Arrays.copyOfRange(b, off + hdr, off + len), now));
        notifyAll();
    }

    public long firstArrivalNanos() {
        return firstArrivalNanos;
    }

    public synchronized List<Packet> packets() {
        return List.copyOf(packets);
    }

    public synchronized int count() {
        return packets.size();
    }

    /** Waits until no packet arrived for quietMs (or timeoutMs passed). */
    public void awaitQuiet(long quietMs, long timeoutMs) throws InterruptedException {
        long end = System.currentTimeMillis() + timeoutMs;
        int last = -1;
        while (System.currentTimeMillis() < end) {
            int n = count();
            if (n == last && n > 0) {
                return;
            }
            last = n;
            Thread.sleep(quietMs);
        }
    }

    /** Concatenated payloads in arrival order, written to a file for ffmpeg. */
    public Path writePs(Path dir, String name) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Packet p : packets()) {
            out.write(p.payload());
        }
        Path f = dir.resolve(name);
        Files.write(f, out.toByteArray());
        return f;
    }

    /** Number of sequence numbers missing between the first and last packet. */
    public int lost() {
        List<Packet> ps = packets();
        if (ps.isEmpty()) {
            return 0;
        }
        int expected = ((ps.get(ps.size() - 1).seq() - ps.get(0).seq()) & 0xFFFF) + 1;
        return expected - ps.size();
    }

    /** Marker-bit-delimited frames: timestamps of packets carrying the marker, in order. */
    public List<Long> frameTimestamps() {
        List<Long> out = new ArrayList<>();
        for (Packet p : packets()) {
            if (p.marker()) {
                out.add(p.timestamp());
            }
        }
        return out;
    }

    @Override
    public void close() {
        closed = true;
        try {
            if (udp != null) {
                udp.close();
            }
            if (server != null) {
                server.close();
            }
            if (tcp != null) {
                tcp.close();
            }
        } catch (IOException ignored) {
            // closing
        }
    }
}
