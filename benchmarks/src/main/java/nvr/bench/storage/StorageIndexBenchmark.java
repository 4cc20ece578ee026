package nvr.bench.storage;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import nvr.storage.Coverage;
import nvr.storage.FramePosition;
import nvr.storage.Store;
import nvr.storage.StoreConfig;
import nvr.storage.SyntheticIndex;
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

/**
 * (b) seekForPrev + keyframe positioning ({@link Store#locate}) at a random instant of a random camera, and
 * (c) a 90-day coverage query of one camera, on an index of 64 cameras x 90 days of 60 s segments
 * (8,294,400 synthetic entries with 30 keyframes each, no video files). The index is built once into
 * {@code nvr.bench.index} (default /tmp/nvr-bench-index-90d) and reused by later runs. The seek tail depends on
 * whether the index's SST files are in the OS page cache (a random seek reads one 4 KiB block of a 366 MB index that
 * no block cache holds): say which when reporting ({@code fincore}; warm with {@code cat index/*.sst}).
 */
@State(Scope.Benchmark)
@Fork(1)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
public class StorageIndexBenchmark {
    static final int CAMERAS = 64;
    static final int DAYS = 90;
    static final long START = 1_756_000_000_000L;
    static final long SPAN = DAYS * 86_400_000L;

    private Store store;

    @Setup(Level.Trial)
    public void setup() throws IOException {
        Path root = Path.of(System.getProperty("nvr.bench.index", "/tmp/nvr-bench-index-90d"));
        Path done = root.resolve("synthetic-complete");
        if (!Files.exists(done)) {
            long t0 = System.nanoTime();
            SyntheticIndex.populate(root, CAMERAS, DAYS, 60, START, 2, 500_000);
            Files.writeString(done, "built in " + (System.nanoTime() - t0) / 1_000_000 + " ms\n");
        }
        long t0 = System.nanoTime();
        store = Store.open(new StoreConfig(List.of(root), 60, 256L << 20, 1000, 64L << 20), null);
        System.out.println("\nstore open on the 90-day index took " + (System.nanoTime() - t0) / 1_000_000 + " ms");
        // Closed days are summarized on first query (then cached in the index): time that cold pass once per
        // camera, so the benchmark below measures the steady state a recorder is in after its first queries.
        long cold = 0;
        long warmed = 0;
        for (int c = 0; c < CAMERAS; c++) {
            long c0 = System.nanoTime();
            store.coverage(SyntheticIndex.camera(c), START, START + SPAN);
            long took = System.nanoTime() - c0;
            cold = Math.max(cold, took);
            warmed += took;
        }
        System.out.println("first 90-day coverage query per camera (builds day summaries): mean "
                + warmed / CAMERAS / 1_000_000 + " ms, max " + cold / 1_000_000 + " ms");
    }

    @TearDown(Level.Trial)
    public void teardown() throws IOException {
        store.close();
    }

    @Benchmark
    @BenchmarkMode(Mode.SampleTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public FramePosition seekKeyframe() {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        int camera = r.nextInt(CAMERAS);
        // an instant inside a random segment (a segment's last 40 ms precede the next one's first frame)
        long t = START + camera + r.nextLong(SPAN / 60_000 - 1) * 60_000 + r.nextInt(59_000);
        FramePosition p = store.locate(SyntheticIndex.camera(camera), t);
        if (p == null) {
            throw new IllegalStateException("instant not covered");
        }
        return p;
    }

    @Benchmark
    @BenchmarkMode(Mode.SampleTime)
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    public Coverage coverage90Days() {
        Coverage c = store.coverage(SyntheticIndex.camera(ThreadLocalRandom.current().nextInt(CAMERAS)), START,
                START + SPAN);
        if (c.spans().size() != 1) {
            throw new IllegalStateException("expected one span, got " + c.spans().size());
        }
        return c;
    }
}
