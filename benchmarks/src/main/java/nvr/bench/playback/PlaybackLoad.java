package nvr.bench.playback;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.file.Files;
import java.nio.file.Path;
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
import nvr.storage.Store;
import nvr.storage.StoreConfig;

/**
 * Playback load generator. {@code sessions}: N concurrent s=Playback sessions at 1x of 4 Mbit/s
 * 1280x720 footage over UDP to one receiver thread, for a fixed time; reports delivered rate, frames,
 * late frames (sent > 40 ms after due, counted by the service), lost packets and process CPU.
 * {@code download}: s=Download over TCP without a speed cap of >= {@code --download-mib} of one camera's
 * footage versus raw file read, raw loopback TCP and read+send of the same bytes in the same run
 * ({@link DownloadThroughput}; {@code --cold} adds the same after dropping the page cache). Usage:
 * {@code java -cp benchmarks.jar nvr.bench.playback.PlaybackLoad [--sessions 64,96 | --no-sessions] [--seconds 20]
 * [--download-repeats 3] [--download-mib 1024] [--cold]}
 */
public final class PlaybackLoad {
    static final int CAMERAS = 4;
    static final int CLIP_SECONDS = 20;

    public static void main(String[] args) throws Exception {
        List<Integer> counts = List.of(64);
        int seconds = 20;
        int downloadRepeats = 3;
        long downloadMiB = 1024;
        boolean cold = false;
        for (int i = 0; i < args.length; i += 2) {
            switch (args[i]) {
                case "--sessions" -> counts = Arrays.stream(args[i + 1].split(",")).map(Integer::parseInt).toList();
                case "--seconds" -> seconds = Integer.parseInt(args[i + 1]);
                case "--download-repeats" -> downloadRepeats = Integer.parseInt(args[i + 1]);
                case "--download-mib" -> downloadMiB = Long.parseLong(args[i + 1]);
                case "--no-sessions" -> {
                    counts = List.of();
                    i--;
                }
                case "--cold" -> {
                    cold = true; // each round also measures read, file server and download after dropping the page cache (root)
                    i--;
                }
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        Path dir = Files.createTempDirectory("nvr-bench-playload");
        try {
            run(dir, counts, seconds, downloadRepeats, downloadMiB, cold);
        } finally {
            try (Stream<Path> s = Files.walk(dir)) {
                s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        System.exit(0);
    }

    static void run(Path dir, List<Integer> counts, int seconds, int downloadRepeats, long downloadMiB, boolean cold)
            throws Exception {
        BenchFootage.Clip clip = BenchFootage.make(dir, "1280x720", CLIP_SECONDS, "4M");
        System.out.printf("clip: %d frames, %.2f Mbit/s%n", clip.aus().size(), clip.bytes() * 8.0 / CLIP_SECONDS / 1e6);
        Store store = Store.open(StoreConfig.defaults(dir.resolve("data")), null);
        long t0 = (System.currentTimeMillis() - 3_600_000L) / 1000 * 1000;
        int copies = 3; // each camera: 60 s of footage
        long footageMs = copies * clip.aus().size() * 40L;
        if (!counts.isEmpty()) {
            for (int c = 0; c < CAMERAS; c++) {
                BenchFootage.record(store, camera(c), t0, clip, copies);
            }
            System.out.printf("recorded %d cameras x %d s%n", CAMERAS, footageMs / 1000);
        }
        // the download camera: the clip repeated to >= downloadMiB of footage (~36 min per GiB at 4 Mbit/s)
        String dlCam = camera(CAMERAS);
        int dlCopies = (int) Math.max(1, ((downloadMiB << 20) + clip.bytes() - 1) / clip.bytes());
        long dlT0 = (System.currentTimeMillis() - 86_400_000L) / 1000 * 1000;
        long dlMs = 0;
        if (downloadRepeats > 0) {
            long b0 = System.nanoTime();
            dlMs = BenchFootage.record(store, dlCam, dlT0, clip, dlCopies);
            System.out.printf("recorded download camera: %d s of footage in %.1f s%n", dlMs / 1000, (System.nanoTime() - b0) / 1e9);
        }
        PlaybackService service = new PlaybackService(store, PlaybackConfig.defaults("127.0.0.1"), null);
        PlaybackSipHandler handler = new PlaybackSipHandler(service, "34020000002000000001");
        for (int n : counts) {
            sessions(service, handler, n, seconds, t0, footageMs);
        }
        if (downloadRepeats > 0) {
            DownloadThroughput dl = new DownloadThroughput(store, service, handler, dlCam, dlT0, dlT0 + dlMs);
            System.out.printf("download range: %d s, %d segment bytes (%.2f GiB); load average %.2f%n", dlMs / 1000,
                dl.fileBytes(), dl.fileBytes() / (double) (1L << 30), ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
            dl.warmUp(0.5, 2);
            for (int r = 1; r <= downloadRepeats; r++) {
                dl.round(r, cold);
            }
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
        java.util.Map<String, Long> threads0 = DownloadThroughput.threadCpu();
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
        DownloadThroughput.threadCpu().forEach((name, ns) -> threadsUsed.merge(name.replaceAll("[-#]?[0-9]+(-[0-9]+)?$", ""),
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

    private PlaybackLoad() {
    }
}
