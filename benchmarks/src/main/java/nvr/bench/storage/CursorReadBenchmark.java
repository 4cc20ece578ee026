package nvr.bench.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import nvr.storage.CameraWriter;
import nvr.storage.FrameCursor;
import nvr.storage.FrameRecord;
import nvr.storage.FrameSlice;
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
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * (d) Cursor read throughput: one operation reads {@link #MINUTES} minutes of one 4 Mbit/s camera (25 fps, a
 * 150 KB keyframe and 49 ~17 KB frames per 2 s GOP, ~{@value #MINUTES} x 30 MB in 60 s segments) through
 * {@link Store#openCursor} ({@code cursor}: every record's CRC32C checked, every payload handed out as the
 * {@link FrameRecord} byte array playback muxes from), and {@code cursorSlice} (the same through
 * {@link FrameCursor#nextSlice()}: CRC-checked views of the read-ahead window, no copy). The baseline in the same run ({@code rawFileChannel})
 * reads the same segment files sequentially with a raw {@link FileChannel} into one reused 1 MiB direct buffer
 * and touches nothing. Both run with the page cache warm (the files are read once in setup and by the warmup
 * iterations), so the ratio measures the cursor's CPU cost, not the disk. MB/s = {@code bytes} / time.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
@Fork(1)
public class CursorReadBenchmark {
    static final int MINUTES = 8;
    static final int GOP = CameraGop.FRAMES;
    static final String CAMERA = "34020000001320000001";
    static final long START = 1_763_700_000_000L;

    private Path dir;
    private Store store;
    private List<Path> files;
    private long endMs;
    private final ByteBuffer rawBuffer = ByteBuffer.allocateDirect(1 << 20);

    @Setup(Level.Trial)
    public void setup() throws IOException {
        dir = Files.createTempDirectory(Path.of(System.getProperty("nvr.bench.dir", "/tmp")), "nvr-cursor-");
        StoreConfig config = new StoreConfig(List.of(dir.resolve("store")), 60, 256L << 20, 1000, 1L << 30);
        byte[][] gop = CameraGop.frames(1);
        long t = START;
        try (Store s = Store.open(config, null)) {
            CameraWriter w = s.writer(CAMERA);
            for (int i = 0; i < MINUTES * 60 * 25; i++, t += 40) {
                while (!w.append(t, i % GOP == 0, 0x1B, gop[i % GOP])) {
                    Thread.onSpinWait(); // the setup must not drop frames: wait for the queue
                }
            }
            s.flush();
        }
        endMs = t;
        store = Store.open(config, null); // reopened: every segment sealed by recovery, as after a restart
        files = store.segments(CAMERA, 0, Long.MAX_VALUE).stream().map(SegmentInfo::file).toList();
        long bytes = 0;
        for (Path f : files) {
            bytes += Files.size(f);
        }
        long frames = 0;
        try (FrameCursor c = store.openCursor(CAMERA, START, endMs)) {
            for (FrameRecord f = c.next(); f != null; f = c.next()) {
                frames++;
            }
        }
        if (frames != MINUTES * 60 * 25) {
            throw new IllegalStateException("cursor read " + frames + " frames, wrote " + MINUTES * 60 * 25);
        }
        System.out.println("\nbytes per op: " + bytes + " in " + files.size() + " segment files, " + frames + " frames");
    }

    @Benchmark
    public long cursor(Blackhole bh) throws IOException {
        long n = 0;
        try (FrameCursor c = store.openCursor(CAMERA, START, endMs)) {
            for (FrameRecord f = c.next(); f != null; f = c.next()) {
                n += f.payload().length;
                bh.consume(f);
            }
        }
        return n;
    }

    /** The same frames through {@link FrameCursor#nextSlice()}: CRC-checked views of the window, no copy. */
    @Benchmark
    public long cursorSlice(Blackhole bh) throws IOException {
        long n = 0;
        try (FrameCursor c = store.openCursor(CAMERA, START, endMs)) {
            for (FrameSlice f = c.nextSlice(); f != null; f = c.nextSlice()) {
                n += f.payload().remaining();
                bh.consume(f);
            }
        }
        return n;
    }

    @Benchmark
    public long rawFileChannel() throws IOException {
        long n = 0;
        for (Path f : files) {
            try (FileChannel ch = FileChannel.open(f, StandardOpenOption.READ)) {
                for (long pos = 0; ; ) {
                    rawBuffer.clear();
                    int k = ch.read(rawBuffer, pos);
                    if (k < 0) {
                        break;
                    }
                    pos += k;
                    n += k;
                }
            }
        }
        return n;
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
