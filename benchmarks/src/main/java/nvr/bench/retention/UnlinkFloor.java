package nvr.bench.retention;

import java.io.File;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SecureDirectoryStream;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import nvr.bench.FileTrees;

/**
 * The floor under retention's unlink step: deleting {@code cameras x perCamera} small files laid out as segments
 * ({@code camN/2026-01-01/<start>.seg}) plus one fsync per directory, in several shapes, so the deleter can take the
 * cheapest one. Each mode builds a fresh tree (not timed), then times the deletion (wall and CPU of the deleting
 * threads). Modes:
 * <ul>
 * <li>{@code nio1}: Files.delete (lstat + unlink) on one thread (RetentionSweepBenchmark's baseline);</li>
 * <li>{@code file1}: java.io.File.delete (one unlink) on one thread;</li>
 * <li>{@code sds1}: SecureDirectoryStream.deleteFile (unlinkat on an open directory fd) on one thread;</li>
 * <li>{@code file1time}: File.delete on one thread, round-robin over the directories (creation order with
 *     {@code --interleaved});</li>
 * <li>{@code file2dirs}/{@code sds2dirs}: two threads, each on its own half of the directories;</li>
 * <li>{@code file2same}: two threads on the same directories (even/odd files);</li>
 * <li>{@code file2batch}: two threads each taking alternate 64-file slices of every directory (the shape of two
 *     oldest-first batches of 4,096 over 64 cameras unlinking at once).</li>
 * </ul>
 * With {@code --writer} a thread appends 10 kB writes at ~16 MB/s to 64 other files on the same file system the
 * whole time (64 cameras of live ingest). Run:
 * {@code java -cp benchmarks.jar nvr.bench.retention.UnlinkFloor /dev/shm 64 1440 4800 [--writer] [modes...]}.
 */
public final class UnlinkFloor {
    private UnlinkFloor() {
    }

    public static void main(String[] args) throws Exception {
        Path base = Path.of(args[0]);
        int cameras = Integer.parseInt(args[1]);
        int perCamera = Integer.parseInt(args[2]);
        int size = Integer.parseInt(args[3]);
        boolean writer = false;
        boolean interleaved = false;
        List<String> modes = new ArrayList<>();
        for (int i = 4; i < args.length; i++) {
            if (args[i].equals("--writer")) {
                writer = true;
            } else if (args[i].equals("--interleaved")) {
                interleaved = true;
            } else {
                modes.add(args[i]);
            }
        }
        if (modes.isEmpty()) {
            modes = List.of("nio1", "file1", "sds1", "file2dirs", "sds2dirs", "file2same", "file2batch", "nio1", "file1",
                    "sds1", "file2dirs", "sds2dirs", "file2same", "file2batch");
        }
        Path dir = Files.createTempDirectory(base, "unlink-floor");
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong written = new AtomicLong();
        Thread w = null;
        if (writer) {
            w = new Thread(() -> write(dir.resolve("live"), stop, written), "writer");
            w.start();
        }
        System.out.printf("unlink floor: %d dirs x %d files of %d bytes in %s, writer %s, created %s, %d cores%n",
                cameras, perCamera, size, dir, writer, interleaved ? "round-robin over dirs (as ingest)" : "dir by dir", Runtime.getRuntime().availableProcessors());
        try {
            for (String m : modes) {
                Path tree = dir.resolve("t");
                List<Path> dirs = build(tree, cameras, perCamera, size, interleaved);
                System.gc();
                long[] cpu = new long[1];
                long t0 = System.nanoTime();
                run(m, dirs, perCamera, cpu);
                double ms = (System.nanoTime() - t0) / 1e6;
                System.out.printf("%-11s %7.0f ms  %5.2f us/file  cpu %5.0f ms%n", m, ms, ms * 1000 / (cameras * perCamera),
                        cpu[0] / 1e6);
                for (Path d : dirs) {
                    Files.delete(d);
                }
            }
        } finally {
            stop.set(true);
            if (w != null) {
                w.join();
            }
            FileTrees.delete(dir);
        }
    }

    /** The tree; files created dir by dir, or round-robin over the dirs in time order as ingest creates them. */
    private static List<Path> build(Path tree, int cameras, int perCamera, int size, boolean interleaved)
            throws IOException {
        ByteBuffer content = ByteBuffer.allocate(size);
        List<Path> dirs = new ArrayList<>();
        for (int c = 0; c < cameras; c++) {
            Path d = tree.resolve("cam-" + c).resolve("2026-01-01");
            Files.createDirectories(d);
            dirs.add(d);
        }
        for (int k = 0; k < cameras * perCamera; k++) {
            int c = interleaved ? k % cameras : k / perCamera;
            int i = interleaved ? k / cameras : k % perCamera;
            try (FileChannel ch = FileChannel.open(dirs.get(c).resolve(name(i)), StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.WRITE)) {
                ch.write(content.clear());
            }
        }
        return dirs;
    }

    private static String name(int i) {
        return (1_767_225_600_000L + i * 60_000L) + ".seg";
    }

    private interface Part {
        void run(int thread) throws IOException;
    }

    private static void run(String mode, List<Path> dirs, int perCamera, long[] cpu) throws Exception {
        switch (mode) {
            case "nio1" -> parallel(1, cpu, t -> {
                for (Path d : dirs) {
                    for (int i = 0; i < perCamera; i++) {
                        Files.delete(d.resolve(name(i)));
                    }
                }
            });
            case "file1" -> parallel(1, cpu, t -> {
                for (Path d : dirs) {
                    fileDelete(d, 0, perCamera, 1);
                }
            });
            case "sds1" -> parallel(1, cpu, t -> {
                for (Path d : dirs) {
                    sdsDelete(d, 0, perCamera, 1);
                }
            });
            case "file1time" -> parallel(1, cpu, t -> { // round-robin over the dirs: creation order with --interleaved
                for (int i = 0; i < perCamera; i++) {
                    for (Path d : dirs) {
                        fileDelete(d, i, i + 1, 1);
                    }
                }
            });
            case "file2dirs" -> parallel(2, cpu, t -> {
                for (int k = t; k < dirs.size(); k += 2) {
                    fileDelete(dirs.get(k), 0, perCamera, 1);
                }
            });
            case "sds2dirs" -> parallel(2, cpu, t -> {
                for (int k = t; k < dirs.size(); k += 2) {
                    sdsDelete(dirs.get(k), 0, perCamera, 1);
                }
            });
            case "file2same" -> parallel(2, cpu, t -> {
                for (Path d : dirs) {
                    fileDelete(d, t, perCamera, 2);
                }
            });
            case "file2batch" -> parallel(2, cpu, t -> {
                for (int from = t * 64; from < perCamera; from += 128) {
                    for (Path d : dirs) {
                        fileDelete(d, from, Math.min(perCamera, from + 64), 1);
                    }
                }
            });
            default -> throw new IllegalArgumentException("unknown mode " + mode);
        }
        for (Path d : dirs) {
            try (FileChannel ch = FileChannel.open(d, StandardOpenOption.READ)) {
                ch.force(true);
            }
        }
    }

    private static void fileDelete(Path d, int from, int to, int step) throws IOException {
        String prefix = d.toString() + "/";
        for (int i = from; i < to; i += step) {
            if (!new File(prefix + name(i)).delete()) {
                throw new IOException("cannot delete " + prefix + name(i));
            }
        }
    }

    private static void sdsDelete(Path d, int from, int to, int step) throws IOException {
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(d)) {
            SecureDirectoryStream<Path> s = (SecureDirectoryStream<Path>) ds;
            for (int i = from; i < to; i += step) {
                s.deleteFile(Path.of(name(i)));
            }
        }
    }

    private static void parallel(int threads, long[] cpu, Part part) throws Exception {
        var mx = java.lang.management.ManagementFactory.getThreadMXBean();
        List<Thread> ts = new ArrayList<>();
        Exception[] failed = new Exception[1];
        AtomicLong ns = new AtomicLong();
        for (int t = 0; t < threads; t++) {
            int k = t;
            ts.add(new Thread(() -> {
                long c0 = mx.getCurrentThreadCpuTime();
                try {
                    part.run(k);
                } catch (Exception e) {
                    failed[0] = e;
                }
                ns.addAndGet(mx.getCurrentThreadCpuTime() - c0);
            }));
        }
        ts.forEach(Thread::start);
        for (Thread t : ts) {
            t.join();
        }
        if (failed[0] != null) {
            throw failed[0];
        }
        cpu[0] = ns.get();
    }

    /** 64 files, 10 kB appends at 1,600 per second (~16 MB/s), each file restarted at 16 MB (tmpfs stays small). */
    private static void write(Path dir, AtomicBoolean stop, AtomicLong written) {
        try {
            Files.createDirectories(dir);
            FileChannel[] ch = new FileChannel[64];
            for (int i = 0; i < ch.length; i++) {
                ch[i] = FileChannel.open(dir.resolve("f" + i), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            }
            ByteBuffer b = ByteBuffer.allocate(10_000);
            long start = System.nanoTime();
            for (long k = 0; !stop.get(); k++) {
                long due = start + k * 40_000_000L;
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    java.util.concurrent.locks.LockSupport.parkNanos(wait);
                }
                for (FileChannel c : ch) {
                    if (c.position() > 16 << 20) {
                        c.truncate(0);
                        c.position(0);
                    }
                    c.write(b.clear());
                    written.addAndGet(10_000);
                }
            }
            for (FileChannel c : ch) {
                c.close();
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
