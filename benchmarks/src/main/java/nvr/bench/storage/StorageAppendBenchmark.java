package nvr.bench.storage;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import nvr.storage.CameraWriter;
import nvr.storage.SegmentInfo;
import nvr.storage.Store;
import nvr.storage.StoreConfig;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * (a) Append throughput: one operation appends {@link #BYTES_PER_OP} of 4 Mbit/s camera frames (25 fps, a
 * 150 KB keyframe and 49 ~17 KB frames per 2 s GOP), interleaved over N cameras in time order, then flushes
 * (fsync + index commit). The baseline writes the same record bytes (24-byte header + payload, one gather
 * write per frame) sequentially to one new file with a raw FileChannel and fsyncs it. A second baseline,
 * {@link #rawFileChannelStaged}, writes them through a 128 KiB direct buffer as the store's segment writer does
 * (one write per ~7 frames), so the store is also compared with raw I/O that does no per-frame syscall.
 * MB/s = 64 MiB / time.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
@Fork(1)
public class StorageAppendBenchmark {
    static final long BYTES_PER_OP = 64L << 20;
    static final int GOP = CameraGop.FRAMES;

    @Param({"1", "16", "64"})
    public int cameras;

    private Path dir;
    private Store store;
    private CameraWriter[] writers;
    private SimpleMeterRegistry meters;
    private byte[][] gop;
    private long clockMs;
    private int frameInGop;
    private int rawFile;
    private final ByteBuffer staging = ByteBuffer.allocateDirect(128 << 10);

    @Setup(Level.Trial)
    public void setup() throws IOException {
        dir = Files.createTempDirectory(Path.of(System.getProperty("nvr.bench.dir", "/tmp")), "nvr-append-");
        meters = new SimpleMeterRegistry();
        store = Store.open(new StoreConfig(List.of(dir.resolve("store")), 60, 256L << 20, 1000, 1L << 30), meters);
        writers = new CameraWriter[cameras];
        for (int c = 0; c < cameras; c++) {
            writers[c] = store.writer(String.format("34020000001320%06d", c));
        }
        gop = CameraGop.frames(1);
        clockMs = 1_763_700_000_000L;
        Files.createDirectories(dir.resolve("raw"));
    }

    @Benchmark
    public void store() throws IOException {
        long written = 0;
        while (written < BYTES_PER_OP) {
            byte[] f = gop[frameInGop];
            for (CameraWriter w : writers) {
                if (!w.append(clockMs, frameInGop == 0, 0x1B, f)) {
                    throw new IllegalStateException("frame dropped: the benchmark must not overflow the queue");
                }
                written += f.length + 24;
            }
            clockMs += 40;
            frameInGop = (frameInGop + 1) % GOP;
        }
        store.flush();
    }

    @Benchmark
    public void rawFileChannel() throws IOException {
        long written = 0;
        ByteBuffer header = ByteBuffer.allocate(24);
        int i = 0;
        try (FileChannel ch = FileChannel.open(dir.resolve("raw").resolve((rawFile++) + ".raw"),
                StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            ByteBuffer[] pair = new ByteBuffer[2];
            while (written < BYTES_PER_OP) {
                byte[] f = gop[i];
                for (int c = 0; c < cameras; c++) {
                    header.clear();
                    header.putInt(0x4E565246).putInt(f.length).putLong(clockMs).putLong(c).flip();
                    pair[0] = header;
                    pair[1] = ByteBuffer.wrap(f);
                    long n = f.length + 24;
                    for (long done = 0; done < n; ) {
                        done += ch.write(pair);
                    }
                    written += n;
                }
                i = (i + 1) % GOP;
            }
            ch.force(false);
        }
    }

    @Benchmark
    public void rawFileChannelStaged() throws IOException {
        long written = 0;
        ByteBuffer buf = staging;
        ByteBuffer header = ByteBuffer.allocate(24);
        ByteBuffer[] pair = new ByteBuffer[2];
        int i = 0;
        try (FileChannel ch = FileChannel.open(dir.resolve("raw").resolve((rawFile++) + ".raw"),
                StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            while (written < BYTES_PER_OP) {
                byte[] f = gop[i];
                for (int c = 0; c < cameras; c++) {
                    int n = f.length + 24;
                    if (n > buf.remaining()) {
                        for (buf.flip(); buf.hasRemaining(); ) {
                            ch.write(buf);
                        }
                        buf.clear();
                    }
                    if (n > buf.capacity()) { // as the store does: a record larger than the buffer goes directly
                        header.clear();
                        header.putInt(0x4E565246).putInt(f.length).putLong(clockMs).putLong(c).flip();
                        pair[0] = header;
                        pair[1] = ByteBuffer.wrap(f);
                        for (long done = 0; done < n; ) {
                            done += ch.write(pair);
                        }
                    } else {
                        buf.putInt(0x4E565246).putInt(f.length).putLong(clockMs).putLong(c).put(f);
                    }
                    written += n;
                }
                i = (i + 1) % GOP;
            }
            for (buf.flip(); buf.hasRemaining(); ) {
                ch.write(buf);
            }
            buf.clear();
            ch.force(false);
        }
    }

    /**
     * Frees disk between iterations (not measured): sealed segments through the store (one batch deletion: unlink,
     * directory fsync, synced index batch), raw files directly, then an fsync of the raw directory and a store
     * flush. The fsyncs make the journal commit that frees the deleted blocks (with discards on a {@code discard}
     * mount) happen here, not inside the next measured iteration of either benchmark.
     */
    @TearDown(Level.Iteration)
    public void cleanIteration() throws IOException {
        List<SegmentInfo> sealed = new ArrayList<>();
        for (String cam : store.cameraIds()) {
            for (SegmentInfo s : store.segments(cam, 0, Long.MAX_VALUE)) {
                if (!store.isOpenSegment(s)) {
                    sealed.add(s);
                }
            }
        }
        if (!sealed.isEmpty()) {
            store.deleteSegments(sealed);
        }
        Path raw = dir.resolve("raw");
        try (Stream<Path> s = Files.list(raw)) {
            for (Path p : s.toList()) {
                Files.delete(p);
            }
        }
        try (FileChannel d = FileChannel.open(raw, StandardOpenOption.READ)) {
            d.force(true);
        }
        store.flush();
        double dropped = meters.find("nvr.storage.frames.dropped").counters().stream()
                .mapToDouble(c -> c.count()).sum();
        if (dropped > 0) {
            throw new IllegalStateException(dropped + " frames dropped");
        }
    }

    @TearDown(Level.Trial)
    public void teardown() throws IOException {
        store.close();
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
