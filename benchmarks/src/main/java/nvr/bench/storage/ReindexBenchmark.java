package nvr.bench.storage;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.stream.Stream;
import nvr.storage.Store;
import nvr.storage.StoreConfig;
import nvr.bench.FileTrees;

/**
 * How fast footage comes back after the first data root (which holds the index) is replaced: the store's
 * background re-index of the other root's older days, against a raw sequential read of the same files in the same
 * run (the re-index reads and checks every record, so the disk's read rate is its floor). Both cold when run as
 * root (page cache dropped before each).
 *
 * <p>Run: {@code java -cp benchmarks.jar nvr.bench.storage.ReindexBenchmark [dir] [cameras] [days] [frameBytes]}
 * (defaults /tmp, 8 cameras, 4 days of 10-minute segments of one 1,000-byte frame a second: 0.6 MB files).
 */
public final class ReindexBenchmark {
    private static final long DAY = 86_400_000L;
    private static final long T0 = 1_767_225_600_000L; // 2026-01-01T00:00Z

    private ReindexBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        Path base = Path.of(args.length > 0 ? args[0] : System.getProperty("java.io.tmpdir"));
        int cameras = args.length > 1 ? Integer.parseInt(args[1]) : 8;
        int days = args.length > 2 ? Integer.parseInt(args[2]) : 4;
        int frameBytes = args.length > 3 ? Integer.parseInt(args[3]) : 1000;
        Path dir = Files.createTempDirectory(base, "reindex-bench");
        try {
            run(dir, cameras, days, frameBytes);
        } finally {
            FileTrees.delete(dir);
        }
    }

    private static void run(Path dir, int cameras, int days, int frameBytes) throws Exception {
        StoreConfig cfg = new StoreConfig(List.of(dir.resolve("first"), dir.resolve("second")), 600, 256L << 20, 1000,
                256L << 20);
        byte[] frame = new byte[frameBytes];
        new java.util.Random(1).nextBytes(frame);
        long t0 = System.nanoTime();
        try (Store s = Store.open(cfg, new SimpleMeterRegistry())) {
            for (long t = T0; t < T0 + days * DAY; t += 1000) { // one frame a second, every one a keyframe
                for (int c = 0; c < cameras; c++) {
                    String cam = String.format("cam-%02d", c);
                    while (!s.writer(cam).append(t, true, 0x1B, frame)) {
                        Thread.sleep(1); // the writer queue is full: let it catch up
                    }
                }
            }
            s.flush();
        }
        System.out.printf("built %d cameras x %d days in %.1f s, %d cores%n", cameras, days,
                (System.nanoTime() - t0) / 1e9, Runtime.getRuntime().availableProcessors());
        // the first root's disk is replaced by an empty one
        FileTrees.delete(dir.resolve("first"));
        Files.createDirectories(dir.resolve("first"));
        List<Path> files = segmentFiles(dir.resolve("second"));
        long bytes = 0;
        for (Path f : files) {
            bytes += Files.size(f);
        }

        boolean cold = dropCaches();
        long r0 = System.nanoTime();
        try (Store s = Store.open(cfg, new SimpleMeterRegistry())) {
            long opened = System.nanoTime();
            if (!s.awaitReindexed(3_600_000)) {
                throw new IllegalStateException("re-index did not finish in an hour");
            }
            long r1 = System.nanoTime();
            System.out.printf("second root: %d segment files, %.1f MB (%s)%n", files.size(), bytes / 1e6,
                    cold ? "page cache dropped before each measurement" : "NOT cold: run as root to drop the page cache");
            System.out.printf("open (recording from here; the re-index runs in the background): %.0f ms%n",
                    (opened - r0) / 1e6);
            System.out.printf("open + background re-index of the rest: %.1f s = %.0f MB/s of footage (all of it)%n",
                    (r1 - r0) / 1e9, bytes / 1e6 / ((r1 - r0) / 1e9));
        }
        dropCaches();
        long b0 = System.nanoTime();
        ByteBuffer buf = ByteBuffer.allocateDirect(1 << 20);
        for (Path f : files) {
            try (FileChannel ch = FileChannel.open(f, StandardOpenOption.READ)) {
                while (ch.read(buf) > 0) {
                    buf.clear();
                }
            }
        }
        double rawS = (System.nanoTime() - b0) / 1e9;
        System.out.printf("baseline, same files read sequentially (1 MiB reads): %.1f s = %.0f MB/s%n", rawS,
                bytes / 1e6 / rawS);
    }

    private static List<Path> segmentFiles(Path root) throws IOException {
        try (Stream<Path> s = Files.walk(root.resolve("segments"))) {
            return s.filter(p -> p.toString().endsWith(".seg")).sorted().toList();
        }
    }

    /** Drops the page cache (needs root); false when it could not. */
    private static boolean dropCaches() {
        try {
            new ProcessBuilder("sync").inheritIO().start().waitFor();
            Files.writeString(Path.of("/proc/sys/vm/drop_caches"), "3");
            return true;
        } catch (IOException | InterruptedException | RuntimeException e) {
            return false;
        }
    }
}
