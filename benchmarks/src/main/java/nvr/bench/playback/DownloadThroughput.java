package nvr.bench.playback;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import nvr.gb28181.sip.SipRequest;
import nvr.gb28181.sip.SipResponse;
import nvr.playback.PlaybackService;
import nvr.playback.sip.PlaybackSipHandler;
import nvr.storage.SegmentInfo;
import nvr.storage.Store;

/**
 * s=Download over TCP (no speed cap) of one camera's long range (>= 1 GiB of 4 Mbit/s footage, i.e. the
 * half hour or more police take) against baselines measured in the same run on the same bytes:
 * <ul>
 *   <li>raw read: the segment files read sequentially into a 1 MiB direct buffer (warm: from the page
 *       cache; cold: after dropping it);</li>
 *   <li>raw TCP: the same number of bytes over a loopback TCP connection, sender writing a 1 MiB direct
 *       buffer, receiver draining into a 4 MiB direct buffer (the ceiling of any TCP sender here);</li>
 *   <li>file server: read + send of the segment files over loopback TCP (a trivial file server, no RTP/PS).</li>
 * </ul>
 * The download receiver parses every RFC 4571 frame in place, as cheap as a receiver can be. Figures are
 * whole-transfer (INVITE to last byte) and steady state (from {@link #STEADY_FROM} received bytes on).
 */
final class DownloadThroughput {
    /** Bytes received before the steady-state clock starts (setup, TCP ramp and read-ahead fill excluded). */
    static final long STEADY_FROM = 64L << 20;
    private static final int SEND_CHUNK = 1 << 20;
    private static final int RECV_BUFFER = 4 << 20;

    private final Store store;
    private final PlaybackService service;
    private final PlaybackSipHandler handler;
    private final String camera;
    private final long fromMs;
    private final long toMs;
    private final List<SegmentInfo> segments;
    private final long fileBytes;

    DownloadThroughput(Store store, PlaybackService service, PlaybackSipHandler handler, String camera, long fromMs, long toMs)
            throws IOException {
        this.store = store;
        this.service = service;
        this.handler = handler;
        this.camera = camera;
        this.fromMs = fromMs;
        this.toMs = toMs;
        this.segments = store.segments(camera, fromMs, toMs);
        long n = 0;
        for (SegmentInfo s : segments) {
            n += java.nio.file.Files.size(s.file());
        }
        this.fileBytes = n;
    }

    long fileBytes() {
        return fileBytes;
    }

    /**
     * Not reported: a download of the first {@code fraction} of the range and one pass of every baseline (JIT,
     * buffer pools, TCP), {@code passes} times. (With one short download only, the first measured round still
     * ran 2-3x slower than the next, baselines included.)
     */
    void warmUp(double fraction, int passes) throws Exception {
        for (int i = 0; i < passes; i++) {
            long t0 = System.nanoTime();
            Result r = download(fromMs, fromMs + (long) ((toMs - fromMs) * fraction));
            rawRead();
            rawTcp();
            fileServer();
            cursorOnly();
            System.out.printf("warm-up pass %d: download %d MB in %.2f s, all baselines once: %.1f s%n", i + 1,
                r.rtpBytes / 1_000_000, r.seconds, (System.nanoTime() - t0) / 1e9);
        }
    }

    /** One measured round: warm baselines and download, then (cold) the same after dropping the page cache. */
    void round(int n, boolean cold) throws Exception {
        double rawRead = rawRead();
        double rawRead2 = rawRead();
        double rawTcp = rawTcp();
        double fileServer = fileServer();
        double cursor = cursorOnly();
        diskWork(false);
        Map<String, Long> cpu0 = threadCpu();
        Result dl = download(fromMs, toMs);
        Map<String, Long> cpu = since(cpu0);
        double read = Math.max(rawRead, rawRead2);
        System.out.printf("round %d (warm, page cache): raw read %.0f MB/s (%.0f, %.0f); raw TCP %.0f MB/s; file server "
                + "(read+send) %.0f MB/s; store cursor alone %.0f MB/s%n", n, read, rawRead, rawRead2, rawTcp, fileServer, cursor);
        report("warm", dl, cpu);
        System.out.printf("  ratios (steady | whole): download/raw read %.2f | %.2f; download/raw TCP %.2f | %.2f; "
                + "download/file server %.2f | %.2f%n", dl.steady() / read, dl.whole() / read, dl.steady() / rawTcp,
            dl.whole() / rawTcp, dl.steady() / fileServer, dl.whole() / fileServer);
        if (cold) {
            PlaybackLoad.dropCaches();
            double coldRead = rawRead();
            PlaybackLoad.dropCaches();
            double coldServer = fileServer();
            PlaybackLoad.dropCaches();
            Map<String, Long> c0 = threadCpu();
            Result cdl = download(fromMs, toMs);
            Map<String, Long> ccpu = since(c0);
            System.out.printf("round %d (cold, page cache dropped before each): raw read %.0f MB/s; file server %.0f MB/s%n",
                n, coldRead, coldServer);
            report("cold", cdl, ccpu);
            diskWork(true);
            System.out.printf("  ratios (steady | whole): cold download/cold raw read %.2f | %.2f; cold download/cold file "
                + "server %.2f | %.2f%n", cdl.steady() / coldRead, cdl.whole() / coldRead, cdl.steady() / coldServer,
                cdl.whole() / coldServer);
        }
    }

    private void report(String label, Result r, Map<String, Long> cpu) {
        System.out.printf("  download (%s): %d segment bytes (%d RTP bytes in %d packets) in %.3f s: whole %.0f MB/s, "
                + "steady %.0f MB/s of footage (%.0fx real time); sender waited %.0f times for the disk, %.0f for the receiver%n",
            label, fileBytes, r.rtpBytes, r.packets, r.seconds, r.whole(), r.steady(), (toMs - fromMs) / 1000.0 / r.seconds,
            r.diskWaits, r.receiverWaits);
        StringBuilder b = new StringBuilder("  thread CPU during it (ms; ms per GB of footage):");
        cpu.forEach((name, ns) -> {
            if (ns > 5_000_000) {
                b.append(' ').append(name).append('=').append(ns / 1_000_000).append(" (")
                    .append(Math.round(ns / 1e6 / (fileBytes / 1e9))).append(')');
            }
        });
        System.out.println(b);
    }

    /** Sequential read of the segment files, MB/s. */
    double rawRead() throws IOException {
        ByteBuffer buf = ByteBuffer.allocateDirect(SEND_CHUNK);
        long bytes = 0;
        long t0 = System.nanoTime();
        for (SegmentInfo s : segments) {
            try (FileChannel ch = FileChannel.open(s.file(), StandardOpenOption.READ)) {
                for (int n; (n = ch.read(buf.clear())) >= 0; ) {
                    bytes += n;
                }
            }
        }
        return bytes / ((System.nanoTime() - t0) / 1e9) / 1e6;
    }

    /** The frames as the store cursor hands them to playback (CRC-checked views of its window), MB/s. */
    double cursorOnly() throws IOException {
        long bytes = 0;
        long t0 = System.nanoTime();
        try (var cur = store.openCursor(camera, fromMs, toMs)) {
            for (var f = cur.nextSlice(); f != null; f = cur.nextSlice()) {
                bytes += f.payload().remaining();
            }
        }
        return bytes / ((System.nanoTime() - t0) / 1e9) / 1e6;
    }

    /**
     * The download's disk-thread work alone, on this thread (CPU ms per GB of footage, robust under load): the
     * plain cursor (pread into a window + CRC), the bulk cursor a Download uses (mapped segments paged in
     * ahead + CRC), and the bulk cursor plus laying every frame out as RTP/PS packets in a pooled buffer.
     * Cold: the plain and the bulk cursor, each plus the layout, each after dropping the page cache (does the
     * disk read overlap the CPU work?).
     */
    void diskWork(boolean cold) throws Exception {
        var mx = ManagementFactory.getThreadMXBean();
        java.util.concurrent.ExecutorService ahead = java.util.concurrent.Executors.newSingleThreadExecutor();
        try {
            var layout = new nvr.gb28181.ps.PsRtpPacketizer(nvr.gb28181.media.Codec.H264, 1, 96, 0, 1400, true);
            StringBuilder b = new StringBuilder("  disk-thread work alone, " + (cold ? "cold" : "warm") + " (MB/s, CPU ms/GB):");
            for (int mode : cold ? new int[] {3, 2} : new int[] {0, 1, 2}) {
                if (cold) {
                    PlaybackLoad.dropCaches();
                }
                long c0 = mx.getCurrentThreadCpuTime();
                long t0 = System.nanoTime();
                long bytes = 0;
                try (var cur = mode == 0 || mode == 3 ? store.openCursor(camera, fromMs, toMs) : store.openCursor(camera, fromMs, toMs, ahead)) {
                    for (var f = cur.nextSlice(); f != null; f = cur.nextSlice()) {
                        bytes += f.payload().remaining();
                        if (mode >= 2) {
                            io.netty.buffer.ByteBuf payload = io.netty.buffer.Unpooled.wrappedBuffer(f.payload());
                            int size = layout.packetizedSize(payload.readableBytes(), f.keyframe());
                            io.netty.buffer.ByteBuf packets = io.netty.buffer.PooledByteBufAllocator.DEFAULT.directBuffer(size, size);
                            layout.layOut(f.keyframe(), payload, packets);
                            packets.release();
                        }
                    }
                }
                double secs = (System.nanoTime() - t0) / 1e9;
                long cpu = mx.getCurrentThreadCpuTime() - c0;
                b.append(String.format(" %s %.0f MB/s %d ms/GB;", new String[] {"plain cursor", "bulk cursor", "bulk cursor + layout", "plain cursor + layout"}[mode],
                    bytes / secs / 1e6, Math.round(cpu / 1e6 / (bytes / 1e9))));
            }
            System.out.println(b);
        } finally {
            ahead.shutdown();
        }
    }

    /** fileBytes over loopback TCP from memory (no file, no RTP), MB/s: what any sender can reach here. */
    double rawTcp() throws Exception {
        return overTcp(s -> {
            ByteBuffer chunk = ByteBuffer.allocateDirect(SEND_CHUNK);
            for (long left = fileBytes; left > 0; ) {
                chunk.clear().limit((int) Math.min(SEND_CHUNK, left));
                while (chunk.hasRemaining()) {
                    left -= s.write(chunk);
                }
            }
        });
    }

    /** The segment files read and sent over loopback TCP (1 MiB reads, blocking writes), MB/s. */
    double fileServer() throws Exception {
        return overTcp(s -> {
            ByteBuffer buf = ByteBuffer.allocateDirect(SEND_CHUNK);
            for (SegmentInfo seg : segments) {
                try (FileChannel ch = FileChannel.open(seg.file(), StandardOpenOption.READ)) {
                    while (ch.read(buf.clear()) >= 0) {
                        buf.flip();
                        while (buf.hasRemaining()) {
                            s.write(buf);
                        }
                    }
                }
            }
        });
    }

    interface Sender {
        void send(SocketChannel s) throws IOException;
    }

    private double overTcp(Sender sender) throws Exception {
        try (ServerSocketChannel ssc = ServerSocketChannel.open()) {
            ssc.setOption(StandardSocketOptions.SO_RCVBUF, RECV_BUFFER);
            ssc.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1);
            Exception[] failed = new Exception[1];
            long t0 = System.nanoTime();
            Thread t = new Thread(() -> {
                try (SocketChannel s = SocketChannel.open(ssc.getLocalAddress())) {
                    sender.send(s);
                } catch (Exception e) {
                    failed[0] = e;
                }
            }, "baseline-sender");
            t.start();
            long bytes = 0;
            try (SocketChannel s = ssc.accept()) {
                ByteBuffer in = ByteBuffer.allocateDirect(RECV_BUFFER);
                for (int n; (n = s.read(in.clear())) >= 0; ) {
                    bytes += n;
                }
            }
            double secs = (System.nanoTime() - t0) / 1e9;
            t.join();
            if (failed[0] != null) {
                throw failed[0];
            }
            return bytes / secs / 1e6;
        }
    }

    record Result(long rtpBytes, long packets, double seconds, double steadySeconds, long footageBytes, long steadyFootageBytes,
                  double diskWaits, double receiverWaits) {
        /** Footage MB/s, INVITE to last byte. */
        double whole() {
            return footageBytes / seconds / 1e6;
        }

        /** Footage MB/s once {@link #STEADY_FROM} bytes were received (RTP bytes scaled to footage bytes). */
        double steady() {
            return steadyFootageBytes / steadySeconds / 1e6;
        }
    }

    /** One s=Download of [from, to) over passive TCP, received by a lean RFC 4571 parser. */
    private Result download(long from, long to) throws Exception {
        double disk0 = service.metrics().waits("disk");
        double rx0 = service.metrics().waits("receiver");
        long footage = 0;
        for (SegmentInfo s : store.segments(camera, from, to)) {
            footage += s.bytes();
        }
        try (ServerSocketChannel ssc = ServerSocketChannel.open()) {
            ssc.setOption(StandardSocketOptions.SO_RCVBUF, RECV_BUFFER);
            ssc.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1);
            int port = ((InetSocketAddress) ssc.getLocalAddress()).getPort();
            String call = "dl-" + System.nanoTime();
            long fromS = from / 1000;
            long toS = (to + 999) / 1000;
            SipRequest inv = BenchFootage.invite(call, camera, BenchFootage.sdp("Download", camera, fromS, toS,
                "TCP/RTP/AVP", port, 7, "a=setup:passive\r\na=connection:new\r\n"));
            BenchDialog d = new BenchDialog(call, camera);
            long t0 = System.nanoTime();
            SipResponse r = handler.onInvite(inv, BenchFootage.offer(inv), d);
            if (r.status() != 200) {
                throw new IllegalStateException("refused: " + r);
            }
            handler.onAck(d);
            long received = 0;
            long packets = 0;
            long steadyT0 = 0;
            long steadyB0 = 0;
            try (SocketChannel s = ssc.accept()) {
                ByteBuffer in = ByteBuffer.allocateDirect(RECV_BUFFER);
                while (s.read(in) >= 0) {
                    in.flip();
                    while (in.remaining() >= 2) {
                        int len = in.getShort(in.position()) & 0xFFFF;
                        if (in.remaining() < 2 + len) {
                            break;
                        }
                        if (len < 12 || (in.get(in.position() + 2) & 0xC0) != 0x80) {
                            throw new IOException("not an RTP packet at packet " + packets);
                        }
                        in.position(in.position() + 2 + len);
                        received += 2 + len;
                        packets++;
                    }
                    in.compact();
                    if (steadyT0 == 0 && received >= STEADY_FROM) {
                        steadyT0 = System.nanoTime();
                        steadyB0 = received;
                    }
                }
            }
            long t1 = System.nanoTime();
            if (!d.ended.await(5, TimeUnit.SECONDS)) {
                throw new IllegalStateException("download did not end with BYE");
            }
            double secs = (t1 - t0) / 1e9;
            double steadySecs = steadyT0 == 0 ? secs : (t1 - steadyT0) / 1e9;
            long steadyFootage = steadyT0 == 0 ? footage : (long) (footage * (double) (received - steadyB0) / received);
            return new Result(received, packets, secs, steadySecs, footage, steadyFootage,
                service.metrics().waits("disk") - disk0, service.metrics().waits("receiver") - rx0);
        }
    }

    /** CPU time per live thread (ns), pools merged by name prefix: which stage of the pipeline works and which waits. */
    static Map<String, Long> threadCpu() {
        var mx = ManagementFactory.getThreadMXBean();
        Map<String, Long> out = new TreeMap<>();
        for (long id : mx.getAllThreadIds()) {
            var info = mx.getThreadInfo(id);
            long t = mx.getThreadCpuTime(id);
            if (info != null && t > 0) {
                out.merge(info.getThreadName().replaceAll("[-#]?[0-9]+(-[0-9]+)?$", ""), t, Long::sum);
            }
        }
        return out;
    }

    private static Map<String, Long> since(Map<String, Long> before) {
        Map<String, Long> out = new TreeMap<>();
        threadCpu().forEach((name, ns) -> out.put(name, ns - before.getOrDefault(name, 0L)));
        return out;
    }
}
