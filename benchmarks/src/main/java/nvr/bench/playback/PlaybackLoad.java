package nvr.bench.playback;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.FileChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import nvr.gb28181.sip.SipRequest;
import nvr.gb28181.sip.SipResponse;
import nvr.playback.PlaybackConfig;
import nvr.playback.PlaybackService;
import nvr.playback.sip.PlaybackSipHandler;
import nvr.storage.SegmentInfo;
import nvr.storage.Store;
import nvr.storage.StoreConfig;

/**
 * Playback load generator. {@code sessions}: N concurrent s=Playback sessions at 1x of 4 Mbit/s
 * 1280x720 footage over UDP to one receiver thread, for a fixed time; reports delivered rate, frames,
 * late frames (sent > 40 ms after due, counted by the service), lost packets and process CPU.
 * {@code download}: s=Download over TCP without a speed cap versus a raw sequential read of the same
 * segment files, in the same run. Usage:
 * {@code java -cp benchmarks.jar nvr.bench.playback.PlaybackLoad [--sessions 64,96] [--seconds 20] [--download-repeats 3]}
 */
public final class PlaybackLoad {
    static final int CAMERAS = 4;
    static final int CLIP_SECONDS = 20;

    public static void main(String[] args) throws Exception {
        List<Integer> counts = List.of(64);
        int seconds = 20;
        int downloadRepeats = 3;
        boolean cold = false;
        for (int i = 0; i < args.length; i += 2) {
            switch (args[i]) {
                case "--sessions" -> counts = Arrays.stream(args[i + 1].split(",")).map(Integer::parseInt).toList();
                case "--seconds" -> seconds = Integer.parseInt(args[i + 1]);
                case "--download-repeats" -> downloadRepeats = Integer.parseInt(args[i + 1]);
                case "--no-sessions" -> {
                    counts = List.of();
                    i--;
                }
                case "--cold" -> {
                    cold = true; // drop the page cache before the raw read, the cursor and the download (needs root)
                    i--;
                }
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        Path dir = Files.createTempDirectory("nvr-bench-playload");
        try {
            run(dir, counts, seconds, downloadRepeats, cold);
        } finally {
            try (Stream<Path> s = Files.walk(dir)) {
                s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        System.exit(0);
    }

    static void run(Path dir, List<Integer> counts, int seconds, int downloadRepeats, boolean cold) throws Exception {
        BenchFootage.Clip clip = BenchFootage.make(dir, "1280x720", CLIP_SECONDS, "4M");
        System.out.printf("clip: %d frames, %.2f Mbit/s%n", clip.aus().size(), clip.bytes() * 8.0 / CLIP_SECONDS / 1e6);
        Store store = Store.open(StoreConfig.defaults(dir.resolve("data")), null);
        long t0 = (System.currentTimeMillis() - 3_600_000L) / 1000 * 1000;
        int copies = 3; // each camera: 60 s of footage
        for (int c = 0; c < CAMERAS; c++) {
            String cam = camera(c);
            for (int k = 0; k < copies; k++) {
                for (int i = 0; i < clip.aus().size(); i++) {
                    BenchFootage.append(store, cam, t0 + (k * clip.aus().size() + i) * 40L, clip.key().get(i), clip.aus().get(i));
                }
            }
            BenchFootage.awaitDurable(store, cam, t0, t0 + (copies * clip.aus().size() - 1) * 40L);
        }
        long footageMs = copies * clip.aus().size() * 40L;
        System.out.printf("recorded %d cameras x %d s%n", CAMERAS, footageMs / 1000);
        PlaybackService service = new PlaybackService(store, PlaybackConfig.defaults("127.0.0.1"), null);
        PlaybackSipHandler handler = new PlaybackSipHandler(service, "34020000002000000001");
        for (int n : counts) {
            sessions(service, handler, n, seconds, t0, footageMs);
        }
        for (int r = 0; r < downloadRepeats; r++) {
            download(store, service, handler, t0, footageMs, cold);
        }
        service.close();
        store.close();
    }

    static String camera(int c) {
        return String.format("3402000000132%07d", c + 1);
    }

    static void sessions(PlaybackService service, PlaybackSipHandler handler, int n, int seconds, long t0, long footageMs)
            throws Exception {
        double late0 = service.metrics().lateFrames();
        Selector sel = Selector.open();
        List<DatagramChannel> socks = new ArrayList<>();
        long[] bytes = new long[n];
        long[] frames = new long[n];
        int[] lastSeq = new int[n];
        long[] lost = new long[n];
        // receiver-side lateness: frame k's first packet is expected at firstArrival + (ts_k - ts_0) / 90 kHz
        long[] firstArrival = new long[n];
        long[] firstTs = new long[n];
        long[] lastTs = new long[n];
        long[] rxLate = new long[n];
        long[] rxLateSettled = new long[n]; // late frames more than 2 s into the session (start-up excluded)
        long[] rxLateness = new long[4096]; // histogram, 1 ms buckets
        Arrays.fill(lastSeq, -1);
        Arrays.fill(lastTs, -1);
        for (int i = 0; i < n; i++) {
            DatagramChannel ch = DatagramChannel.open();
            ch.setOption(StandardSocketOptions.SO_RCVBUF, 1 << 20);
            ch.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            ch.configureBlocking(false);
            ch.register(sel, SelectionKey.OP_READ, i);
            socks.add(ch);
        }
        volatile_stop[0] = false;
        Thread receiver = new Thread(() -> {
            ByteBuffer b = ByteBuffer.allocateDirect(65536);
            try {
                while (!volatile_stop[0]) {
                    if (sel.select(100) == 0) {
                        continue;
                    }
                    long arrival = System.nanoTime();
                    for (SelectionKey k : sel.selectedKeys()) {
                        int i = (Integer) k.attachment();
                        DatagramChannel ch = (DatagramChannel) k.channel();
                        while (true) {
                            b.clear();
                            if (ch.receive(b) == null) {
                                break;
                            }
                            int len = b.position();
                            bytes[i] += len;
                            int seq = ((b.get(2) & 0xFF) << 8) | (b.get(3) & 0xFF);
                            if (lastSeq[i] >= 0) {
                                lost[i] += ((seq - lastSeq[i]) & 0xFFFF) - 1;
                            }
                            lastSeq[i] = seq;
                            long ts = b.getInt(4) & 0xFFFFFFFFL;
                            if (ts != lastTs[i]) { // first packet of a frame
                                if (lastTs[i] < 0) {
                                    firstArrival[i] = arrival;
                                    firstTs[i] = ts;
                                } else {
                                    long expected = firstArrival[i] + ((ts - firstTs[i]) & 0xFFFFFFFFL) * 1_000_000L / 90;
                                    long lateMs = Math.max(0, (arrival - expected) / 1_000_000);
                                    rxLateness[(int) Math.min(lateMs, rxLateness.length - 1)]++;
                                    if (lateMs > 40) {
                                        rxLate[i]++;
                                        if (arrival - firstArrival[i] > 2_000_000_000L) {
                                            rxLateSettled[i]++;
                                        }
                                    }
                                }
                                lastTs[i] = ts;
                            }
                            if ((b.get(1) & 0x80) != 0) {
                                frames[i]++;
                            }
                        }
                    }
                    sel.selectedKeys().clear();
                }
            } catch (IOException e) {
                e.printStackTrace();
            }
        }, "load-receiver");
        receiver.start();
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        long cpu0 = os.getProcessCpuTime();
        long gc0 = gcMillis();
        java.util.Map<String, Long> threads0 = threadCpu();
        double disk0 = service.metrics().waits("disk");
        var latenessTimer = service.metrics().registry().find("nvr.playback.frame.lateness").timer(); // null before d7d3c0d
        double lateSum0 = latenessTimer == null ? 0 : latenessTimer.totalTime(TimeUnit.MILLISECONDS);
        long lateCount0 = latenessTimer == null ? 0 : latenessTimer.count();
        long wall0 = System.nanoTime();
        List<BenchDialog> dialogs = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String cam = camera(i % CAMERAS);
            long start = t0 + ThreadLocalRandom.current().nextLong(footageMs - seconds * 1000L - 2000);
            long fromS = start / 1000;
            String call = "load-" + n + "-" + i;
            SipRequest inv = BenchFootage.invite(call, cam, BenchFootage.sdp("Playback", cam, fromS, fromS + seconds + 5,
                "RTP/AVP", ((InetSocketAddress) socks.get(i).getLocalAddress()).getPort(), 1000 + i, null));
            BenchDialog d = new BenchDialog(call, cam);
            SipResponse r = handler.onInvite(inv, BenchFootage.offer(inv), d);
            if (r.status() != 200) {
                throw new IllegalStateException("refused: " + r);
            }
            handler.onAck(d);
            dialogs.add(d);
        }
        Thread.sleep(seconds * 1000L);
        double wall = (System.nanoTime() - wall0) / 1e9;
        double cpu = (os.getProcessCpuTime() - cpu0) / 1e9;
        long gc = gcMillis() - gc0;
        java.util.Map<String, Long> threadsUsed = new java.util.TreeMap<>();
        threadCpu().forEach((name, ns) -> threadsUsed.merge(name.replaceAll("[-#]?[0-9]+(-[0-9]+)?$", ""),
            ns - threads0.getOrDefault(name, 0L), Long::sum));
        double diskWaits = service.metrics().waits("disk") - disk0;
        for (BenchDialog d : dialogs) {
            handler.onBye(d);
        }
        volatile_stop[0] = true;
        receiver.join();
        for (DatagramChannel ch : socks) {
            ch.close();
        }
        sel.close();
        long totalBytes = Arrays.stream(bytes).sum();
        long totalFrames = Arrays.stream(frames).sum();
        long totalLost = Arrays.stream(lost).sum();
        long minFrames = Arrays.stream(frames).min().orElse(0);
        double late = service.metrics().lateFrames() - late0;
        System.out.printf("sessions=%d seconds=%.1f delivered=%.1f Mbit/s (%.2f per session) frames=%d (min/session %d, "
                + "expected ~%d) late=%.0f lost-packets=%d cpu=%.0f%% of one core (incl. receiver thread)%n",
            n, wall, totalBytes * 8 / wall / 1e6, totalBytes * 8 / wall / 1e6 / n, totalFrames, minFrames,
            (long) (wall * 25), late, totalLost, cpu / wall * 100);
        long rxFrames = Arrays.stream(rxLateness).sum();
        System.out.printf("  receiver-side: %d of %d frames arrived > 40 ms after (first frame's arrival + media time; %d of them "
                + "more than 2 s into their session); "
                + "lateness p50 %d ms, p99 %d ms, p99.9 %d ms, max %d ms; GC pauses %d ms; sender waited for the disk %.0f times; "
                + "mean sender lateness %.2f ms; load average %.2f%n",
            Arrays.stream(rxLate).sum(), rxFrames, Arrays.stream(rxLateSettled).sum(), percentile(rxLateness, 0.5), percentile(rxLateness, 0.99),
            percentile(rxLateness, 0.999), percentile(rxLateness, 1.0), gc, diskWaits,
            latenessTimer == null ? Double.NaN
                : (latenessTimer.totalTime(TimeUnit.MILLISECONDS) - lateSum0) / Math.max(1, latenessTimer.count() - lateCount0),
            os.getSystemLoadAverage());
        StringBuilder tb = new StringBuilder("  thread CPU per second of run (ms/s, by pool):");
        threadsUsed.forEach((name, ns) -> {
            if (ns > 50_000_000L) {
                tb.append(' ').append(name).append('=').append(Math.round(ns / 1e6 / wall));
            }
        });
        System.out.println(tb);
    }

    static long percentile(long[] histogram, double q) {
        long total = Arrays.stream(histogram).sum();
        long need = (long) Math.ceil(total * q);
        long seen = 0;
        for (int i = 0; i < histogram.length; i++) {
            seen += histogram[i];
            if (seen >= need && seen > 0) {
                return i;
            }
        }
        return 0;
    }

    static long gcMillis() {
        long t = 0;
        for (var gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            t += Math.max(0, gc.getCollectionTime());
        }
        return t;
    }

    private static final boolean[] volatile_stop = new boolean[1];

    /** Writes back dirty pages and drops the page cache, so the next read comes from the disk. */
    static void dropCaches() throws IOException, InterruptedException {
        new ProcessBuilder("sync").inheritIO().start().waitFor();
        Files.writeString(Path.of("/proc/sys/vm/drop_caches"), "3");
    }

    static void download(Store store, PlaybackService service, PlaybackSipHandler handler, long t0, long footageMs,
                         boolean cold) throws Exception {
        double disk0 = service.metrics().waits("disk");
        double rx0 = service.metrics().waits("receiver");
        String cam = camera(0);
        List<SegmentInfo> segs = store.segments(cam, t0, t0 + footageMs);
        long fileBytes = 0;
        if (cold) {
            dropCaches();
        }
        long r0 = System.nanoTime();
        ByteBuffer buf = ByteBuffer.allocateDirect(1 << 20);
        for (SegmentInfo s : segs) {
            try (FileChannel ch = FileChannel.open(s.file(), StandardOpenOption.READ)) {
                while (true) {
                    buf.clear();
                    int n = ch.read(buf);
                    if (n < 0) {
                        break;
                    }
                    fileBytes += n;
                }
            }
        }
        double rawS = (System.nanoTime() - r0) / 1e9;
        if (cold) {
            dropCaches();
        }
        long c0 = System.nanoTime();
        long cursorBytes = 0;
        try (var cur = store.openCursor(cam, t0, t0 + footageMs)) {
            for (var f = cur.nextSlice(); f != null; f = cur.nextSlice()) { // what playback reads
                cursorBytes += f.payload().remaining();
            }
        }
        double cursorS = (System.nanoTime() - c0) / 1e9;
        System.out.printf("store cursor alone (nextSlice): %d frame bytes in %.3f s = %.0f MB/s%n", cursorBytes, cursorS, cursorBytes / cursorS / 1e6);

        try (java.nio.channels.ServerSocketChannel ssc = java.nio.channels.ServerSocketChannel.open()) {
            ssc.setOption(StandardSocketOptions.SO_RCVBUF, 4 << 20);
            ssc.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1);
            ServerSocket ss = ssc.socket(); // for its port
            String call = "dl-" + System.nanoTime();
            long fromS = t0 / 1000;
            SipRequest inv = BenchFootage.invite(call, cam, BenchFootage.sdp("Download", cam, fromS, fromS + footageMs / 1000 + 1,
                "TCP/RTP/AVP", ss.getLocalPort(), 7, "a=setup:passive\r\na=connection:new\r\n"));
            BenchDialog d = new BenchDialog(call, cam);
            if (cold) {
                dropCaches();
            }
            java.util.Map<String, Long> cpu0 = threadCpu(); // the download's own CPU, not the baselines'
            long d0 = System.nanoTime();
            SipResponse r = handler.onInvite(inv, BenchFootage.offer(inv), d);
            if (r.status() != 200) {
                throw new IllegalStateException("refused: " + r);
            }
            handler.onAck(d);
            long received = 0;
            long packets = 0;
            try (java.nio.channels.SocketChannel s = ssc.accept()) {
                // a lean receiver: RFC 4571 frames parsed in place in one direct buffer, nothing copied out
                ByteBuffer in = ByteBuffer.allocateDirect(4 << 20);
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
                        received += len;
                        packets++;
                    }
                    in.compact();
                }
            }
            double dlS = (System.nanoTime() - d0) / 1e9;
            if (!d.ended.await(5, TimeUnit.SECONDS)) {
                throw new IllegalStateException("download did not end with BYE");
            }
            System.out.printf("download (%s page cache): %d segment bytes; raw read %.3f s = %.0f MB/s; download %.3f s = %.0f MB/s of footage "
                    + "(%.0f MB/s RTP received in %d packets, %.1fx real time); ratio download/raw = %.2f%n",
                cold ? "cold" : "warm", fileBytes, rawS, fileBytes / rawS / 1e6, dlS, fileBytes / dlS / 1e6, received / dlS / 1e6,
                packets, footageMs / 1000.0 / dlS, rawS / dlS);
            System.out.printf("  sender waited %.0f times for the disk read-ahead, %.0f times for the receiver%n",
                service.metrics().waits("disk") - disk0, service.metrics().waits("receiver") - rx0);
            java.util.Map<String, Long> cpu1 = threadCpu();
            StringBuilder b = new StringBuilder("  thread CPU during the download (ms):");
            cpu1.forEach((name, ns) -> {
                long used = ns - cpu0.getOrDefault(name, 0L);
                if (used > 5_000_000) {
                    b.append(' ').append(name).append('=').append(used / 1_000_000);
                }
            });
            System.out.println(b);
        }
    }

    /** CPU time per live thread, to see which stage of the pipeline works and which waits. */
    static java.util.Map<String, Long> threadCpu() {
        var mx = ManagementFactory.getThreadMXBean();
        java.util.Map<String, Long> out = new java.util.TreeMap<>();
        for (long id : mx.getAllThreadIds()) {
            var info = mx.getThreadInfo(id);
            long t = mx.getThreadCpuTime(id);
            if (info != null && t > 0) {
                out.merge(info.getThreadName(), t, Long::sum);
            }
        }
        return out;
    }

    private PlaybackLoad() {
    }
}
