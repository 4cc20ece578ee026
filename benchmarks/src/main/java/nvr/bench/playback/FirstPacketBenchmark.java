package nvr.bench.playback;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
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
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * INVITE s=Playback to the first RTP packet at the receiver, for a random segment's minute of a camera with
 * {@code days} of continuous recording in segments of {@code segmentSeconds} with one keyframe each
 * (600 s: a 90-day index of 12,960 segments; the default 60 s would be 129,600 segment files, which
 * takes ~10 min to write on the shared machine, and a RocksDB seek is O(log n) either way).
 * Measured through the real SIP handler (SIP + SDP parse, index lookup, socket setup, disk read, PS mux,
 * RTP send) over 127.0.0.1 UDP. Baseline in the same run: the same random minute's segment looked up,
 * opened and its first 64 KiB read and sent as one datagram.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class FirstPacketBenchmark {
    static final String CAM = "34020000001320000001";

    @Param("90")
    public int days;

    @Param("600")
    public int segmentSeconds;

    private Path dir;
    private Store store;
    private PlaybackService service;
    private PlaybackSipHandler handler;
    private DatagramSocket rx;
    private DatagramSocket tx;
    private long firstMs;
    private long lastMs;
    private long ssrc = 1;
    private long calls;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        dir = Files.createTempDirectory("nvr-bench-firstpacket");
        BenchFootage.Clip clip = BenchFootage.make(dir, "64x64", 1, "200k");
        byte[] idr = clip.aus().get(0);
        StoreConfig d = StoreConfig.defaults(dir.resolve("data"));
        store = Store.open(new StoreConfig(d.roots(), segmentSeconds, d.segmentMaxBytes(), d.fsyncMs(),
            d.writerQueueBytes()), null);
        long now = System.currentTimeMillis() / 60_000 * 60_000;
        firstMs = now - days * 86_400_000L;
        long t0 = System.nanoTime();
        long step = segmentSeconds * 1000L;
        for (long t = firstMs; t < now; t += step) {
            BenchFootage.append(store, CAM, t, true, idr); // one keyframe per segment
        }
        lastMs = firstMs + ((now - firstMs - 1) / step) * step;
        BenchFootage.awaitDurable(store, CAM, firstMs, lastMs);
        System.out.printf("%n[setup] %d-day index: %d segments written in %.1f s%n", days,
            store.segments(CAM, firstMs, now).size(), (System.nanoTime() - t0) / 1e9);
        service = new PlaybackService(store, PlaybackConfig.defaults("127.0.0.1"), null);
        handler = new PlaybackSipHandler(service, "34020000002000000001");
        rx = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        rx.setReceiveBufferSize(4 << 20);
        rx.setSoTimeout(2000);
        tx = new DatagramSocket();
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        service.close();
        store.close();
        rx.close();
        tx.close();
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    /** A random segment's start (the synthetic footage is one keyframe per segment, so ranges start there). */
    private long randomMinuteS() {
        long step = segmentSeconds * 1000L;
        long t = firstMs + ThreadLocalRandom.current().nextLong((lastMs - firstMs) / step + 1) * step;
        return t / 1000;
    }

    @Benchmark
    public int inviteToFirstRtpPacket() throws Exception {
        long from = randomMinuteS();
        long mySsrc = ++ssrc;
        String call = "fp-" + (++calls);
        SipRequest invite = BenchFootage.invite(call, CAM,
            BenchFootage.sdp("Playback", CAM, from, from + 60, "RTP/AVP", rx.getLocalPort(), mySsrc, null));
        BenchDialog dialog = new BenchDialog(call, CAM);
        SipResponse r = handler.onInvite(invite, BenchFootage.offer(invite), dialog);
        if (r.status() != 200) {
            throw new IllegalStateException("INVITE refused: " + r);
        }
        handler.onAck(dialog);
        byte[] buf = new byte[2048];
        try {
            while (true) {
                DatagramPacket p = new DatagramPacket(buf, buf.length);
                rx.receive(p);
                long s = ((buf[8] & 0xFFL) << 24) | ((buf[9] & 0xFF) << 16) | ((buf[10] & 0xFF) << 8) | (buf[11] & 0xFF);
                if (s == mySsrc) {
                    return p.getLength(); // earlier sessions' stragglers have other SSRCs
                }
            }
        } catch (SocketTimeoutException e) {
            throw new IllegalStateException("no RTP within 2 s for " + call);
        } finally {
            handler.onBye(dialog);
        }
    }

    @Benchmark
    public int baselineLookupReadSend() throws IOException {
        long from = randomMinuteS() * 1000;
        List<SegmentInfo> segs = store.segments(CAM, from, from + 60_000);
        ByteBuffer b = ByteBuffer.allocate(64 << 10);
        try (FileChannel ch = FileChannel.open(segs.get(0).file(), StandardOpenOption.READ)) {
            ch.read(b);
        }
        tx.send(new DatagramPacket(b.array(), Math.min(1400, b.position()), InetAddress.getLoopbackAddress(), rx.getLocalPort()));
        DatagramPacket p = new DatagramPacket(new byte[2048], 2048);
        while (true) {
            rx.receive(p);
            if (p.getPort() == tx.getLocalPort()) {
                return p.getLength();
            }
        }
    }
}
