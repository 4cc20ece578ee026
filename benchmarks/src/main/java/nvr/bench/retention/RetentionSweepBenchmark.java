package nvr.bench.retention;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import nvr.storage.CameraWriter;
import nvr.storage.Store;
import nvr.storage.StoreConfig;
import nvr.storage.retention.RetentionConfig;
import nvr.storage.retention.RetentionManager;
import nvr.storage.retention.RetentionPolicy;
import nvr.storage.retention.Tier;
import nvr.storage.retention.TimeSource;
import nvr.storage.retention.VolumeConfig;
import nvr.bench.FileTrees;

/**
 * Timed main (not JMH: a sweep is a one-shot event on a prepared store). Builds a real Store holding
 * {@code hours} of {@code cameras} cameras in 60 s segments, then measures in one run:
 * <ol>
 * <li>baseline: unlinking the same number of plain files (synced to disk first, as segment files are) in the same
 *     directory shape, plus one fsync per directory (the least any deletion of that many files costs on this
 *     disk);</li>
 * <li>the retention sweep that deletes all of it (tier maximum passed), through RetentionManager.tick();</li>
 * <li>ingest append() latency of live cameras (25 fps, 10 kB frames = 2 Mbit/s each) for a few seconds
 *     without a sweep, then during the sweep.</li>
 * </ol>
 * Run: {@code java -cp benchmarks/target-X/benchmarks.jar nvr.bench.retention.RetentionSweepBenchmark
 * [dir] [cameras] [hours] [liveCameras] [--warm=H] [--warm-steps=N] [--payload=BYTES] [--space]}; {@code --space} makes
 * the measured sweep free space oldest first across cameras (a quota volume over its watermark) instead of trimming
 * past a tier maximum; {@code --payload} sets the frame
 * size (default 100 bytes, 40 frames per segment: 4 kB files; file size matters for the reaper, which frees blocks); {@code --warm=H} sweeps H extra hours first (not
 * measured), in N sweeps (default 1; {@code --warm=24 --warm-steps=24} is a day of hourly sweeps, as a server runs them),
 * so the measured sweep runs compiled code; without it the measured sweep is the JVM's first and C2 compiles during it.
 */
public final class RetentionSweepBenchmark {
    private static final long DAY = 86_400_000L;
    private static final long T0 = 1_767_225_600_000L; // 2026-01-01T00:00Z
    private static final long FRAME_GAP_MS = 1500;     // under Store.GAP_MS, divides 60 s: exactly 60 s segments

    private RetentionSweepBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        Path base = Path.of(args.length > 0 ? args[0] : System.getProperty("java.io.tmpdir"));
        int cameras = args.length > 1 ? Integer.parseInt(args[1]) : 64;
        int hours = args.length > 2 ? Integer.parseInt(args[2]) : 24;
        int liveCameras = args.length > 3 ? Integer.parseInt(args[3]) : 64;
        // --warm=H: H more hours are built and swept first (not measured), so the measured sweep runs JIT-compiled code
        // as in a long-running server (which sweeps every minute); without it the measured sweep is the JVM's first and
        // C1/C2 compile its code while it runs (0.7-0.9 s of compiler-thread CPU on 2 cores, measured).
        int warmHours = 0;
        int warmSteps = 1;
        int payload = 100;
        boolean space = false;
        for (String a : args) {
            space |= a.equals("--space");
            if (a.startsWith("--payload=")) {
                payload = Integer.parseInt(a.substring("--payload=".length()));
            }
            if (a.startsWith("--warm=")) {
                warmHours = Integer.parseInt(a.substring("--warm=".length()));
            } else if (a.startsWith("--warm-steps=")) {
                warmSteps = Math.max(1, Integer.parseInt(a.substring("--warm-steps=".length())));
            }
        }
        Path dir = Files.createTempDirectory(base, "retention-bench");
        try {
            run(dir, cameras, hours, liveCameras, warmHours, warmSteps, payload, space);
        } finally {
            FileTrees.delete(dir);
        }
    }

    private static void run(Path dir, int cameras, int hours, int liveCameras, int warmHours, int warmSteps,
                            int payload, boolean space) throws Exception {
        int segmentsPerCamera = hours * 60;
        System.out.printf("retention sweep benchmark: %d cameras x %d h of 60 s segments (%d segments) in %s, %d cores%n",
                cameras, hours, cameras * segmentsPerCamera, dir, Runtime.getRuntime().availableProcessors());

        // 40 frames per 60 s segment: the baseline's files get the same size as the segments
        double rawUsPerFile = rawUnlinkBaseline(dir.resolve("raw"), cameras, segmentsPerCamera, 40 * (payload + 24) + 8);

        Path root = dir.resolve("data");
        StoreConfig sc = new StoreConfig(List.of(root), 60, 64L << 20, 1000, 256L << 20);
        long built = System.nanoTime();
        SimpleMeterRegistry storeMeters = new SimpleMeterRegistry();
        try (Store store = Store.open(sc, storeMeters)) {
            build(store, cameras, hours + warmHours, payload);
            int segments = 0;
            for (String c : store.cameraIds()) {
                segments += store.segments(c, 0, Long.MAX_VALUE).size();
            }
            System.out.printf("built %d segments in %.1f s%n", segments, (System.nanoTime() - built) / 1e9);

            // Time starts 2 days after the recording (nothing deletable); the first tick reads the index. Then
            // 30 days pass (both clocks, so the trusted clock follows): tier maximum 31 days, all of it is past it.
            long[] shiftMs = {0};
            long monoOrigin = System.nanoTime();
            TimeSource time = new TimeSource() {
                @Override
                public long wallMs() {
                    return T0 + 2 * DAY + shiftMs[0] + (System.nanoTime() - monoOrigin) / 1_000_000L;
                }

                @Override
                public long monotonicNanos() {
                    return System.nanoTime() + shiftMs[0] * 1_000_000L;
                }
            };
            RetentionConfig cfg = new RetentionConfig(List.of(new Tier("general", 30, 31)), "general", Map.of(),
                    RetentionPolicy.PROTECT, List.of(new VolumeConfig(root, 0.95, 0.9, 1L << 40)), Duration.ofHours(1));
            SimpleMeterRegistry meters = new SimpleMeterRegistry();
            long t0 = System.nanoTime();
            RetentionManager manager = new RetentionManager(store, cfg, time, meters);
            manager.tick();
            System.out.printf("manager start + first tick (full index read of %d segments): %.0f ms%n", segments,
                    (System.nanoTime() - t0) / 1e6);
            if (warmHours > 0) {
                // cutoff = now - 31 days = T0 + warmHours: the first warmHours of every camera go, in warmSteps sweeps
                long w0 = System.nanoTime();
                long warmDeleted = 0;
                for (int step = 1; step <= warmSteps; step++) {
                    shiftMs[0] = 29 * DAY + warmHours * 3_600_000L * step / warmSteps;
                    warmDeleted += manager.tick().deletedSegments();
                }
                segments -= (int) warmDeleted;
                System.out.printf("warm-up (not measured): %d segments (%d h) in %d sweeps, %.0f ms%n", warmDeleted,
                        warmHours, warmSteps, (System.nanoTime() - w0) / 1e6);
            }
            shiftMs[0] = 30 * DAY + warmHours * 3_600_000L;
            long measuredBytes = 0;
            if (space) {
                // Space, not a tier maximum: no maximum, a 1-day minimum (everything built is past it) and a quota
                // whose low watermark is the footage minus the built day, so the sweep frees exactly that day,
                // choosing oldest first across cameras (RetentionSweeper.freeOldestFirst).
                for (String c : store.cameraIds()) {
                    for (var si : store.segments(c, 0, T0 + (hours + warmHours) * 3_600_000L - 1)) {
                        measuredBytes += si.bytes();
                    }
                }
            }

            LiveIngest live = new LiveIngest(store, liveCameras, time);
            live.start();
            Thread.sleep(1000); // warm-up, not measured
            live.measure();
            Durability d0 = Durability.of(storeMeters);
            Thread.sleep(5000);
            Sample quiet = live.measure();
            Durability d1 = Durability.of(storeMeters);

            if (space) {
                long used = store.volumes().get(0).segmentBytes();
                long capacity = (long) ((used - measuredBytes) / 0.9);
                manager.reconfigure(new RetentionConfig(List.of(new Tier("general", 1)), "general", Map.of(),
                        RetentionPolicy.PROTECT, List.of(new VolumeConfig(root, 0.92, 0.9, capacity)), Duration.ofHours(1)));
                System.out.printf("space mode: quota %d bytes, low watermark = footage - %d bytes (the built day)%n",
                        capacity, measuredBytes);
            }
            RetentionManager.TickReport[] report = new RetentionManager.TickReport[1];
            long[] cpuNs = new long[1];
            Thread sweeper = new Thread(() -> {
                var mx = java.lang.management.ManagementFactory.getThreadMXBean();
                long c0 = mx.getCurrentThreadCpuTime();
                report[0] = manager.tick();
                cpuNs[0] = mx.getCurrentThreadCpuTime() - c0;
            }, "nvr-retention");
            // Helper threads that work for the sweep: retention's deleting thread and the Store's unlink helpers.
            Map<Long, Long> unlinkCpu0 = threadCpu("nvr-unlink", "nvr-retention-");
            Map<String, Long> tasks0 = taskCpu();
            long procCpu0 = processCpuNs();
            io.micrometer.core.instrument.Timer sweepTimer = meters.find("nvr.retention.sweep").timer();
            double sweepOnly0 = sweepTimer.totalTime(java.util.concurrent.TimeUnit.NANOSECONDS);
            long up0 = java.lang.management.ManagementFactory.getRuntimeMXBean().getUptime();
            long s0 = System.nanoTime();
            sweeper.start();
            sweeper.join();
            long up1 = java.lang.management.ManagementFactory.getRuntimeMXBean().getUptime();
            long helperCpuNs = 0;
            for (Map.Entry<Long, Long> e : threadCpu("nvr-unlink", "nvr-retention-").entrySet()) {
                helperCpuNs += e.getValue() - unlinkCpu0.getOrDefault(e.getKey(), 0L);
            }
            double sweepMs = (System.nanoTime() - s0) / 1e6;
            long procCpuNs = processCpuNs() - procCpu0;
            // Every thread's CPU during the sweep (Linux /proc, native threads included), by name without digits: what
            // competes with the sweep for the cores (ingest, RocksDB background flushes/compactions, JIT, GC).
            Map<String, Long> byGroup = new java.util.HashMap<>();
            for (Map.Entry<String, Long> e : taskCpu().entrySet()) {
                long d = e.getValue() - tasks0.getOrDefault(e.getKey(), 0L);
                if (d > 0) {
                    byGroup.merge(e.getKey().substring(e.getKey().indexOf(' ') + 1).replaceAll("[0-9]+", "#"), d, Long::sum);
                }
            }
            Sample during = live.measure();
            Durability d2 = Durability.of(storeMeters);
            // Deletion returns once the files are out of segments/ and the index; the reaper frees their blocks after.
            long r0 = System.nanoTime();
            boolean reclaimed = store.awaitSpaceReclaimed(600_000);
            double reclaimMs = (System.nanoTime() - r0) / 1e6;
            Sample reaping = live.measure();
            Durability d3 = Durability.of(storeMeters);
            live.stop();
            manager.close();

            System.out.printf("baseline raw unlink (synced files) + dir fsync: %.1f us/file -> %.0f ms for %d files%n",
                    rawUsPerFile, rawUsPerFile * segments / 1000, segments);
            System.out.printf("sweep (RetentionManager.tick): %.0f ms, %d segments deleted, %.1f us/segment, %.2fx raw unlink%n",
                    sweepMs, report[0].deletedSegments(), sweepMs * 1000 / Math.max(1, report[0].deletedSegments()),
                    (sweepMs * 1000 / Math.max(1, report[0].deletedSegments())) / rawUsPerFile);
            // The tick also recounts the ledger from the whole index (daily, and here because the clock moved 30 days):
            // that is not deleting, so the deletion alone (RetentionSweeper.sweep) is shown apart.
            double sweepOnlyMs = (sweepTimer.totalTime(java.util.concurrent.TimeUnit.NANOSECONDS) - sweepOnly0) / 1e6;
            System.out.printf("  of which the deletion (RetentionSweeper.sweep: choose, delete, unlink, drop): %.0f ms ="
                    + " %.2fx raw unlink; the rest (%.0f ms) is the daily full recount of the ledger from the index%n",
                    sweepOnlyMs, sweepOnlyMs * 1000 / Math.max(1, report[0].deletedSegments()) / rawUsPerFile,
                    sweepMs - sweepOnlyMs);
            System.out.printf("space freed by the background reaper %.0f ms after the sweep returned (%s), %.2fx raw"
                    + " unlink for the sweep and the reaping together%n", reclaimMs, reclaimed ? "all" : "NOT all, timeout",
                    ((sweepMs + reclaimMs) * 1000 / Math.max(1, report[0].deletedSegments())) / rawUsPerFile);
            System.out.printf("sweep CPU time: %.0f ms (%.1f us/segment) = sweep thread %.0f ms + deleting/unlink helpers %.0f ms;"
                    + " the rest of the wall time is waiting for the disk and for a core%n", (cpuNs[0] + helperCpuNs) / 1e6,
                    (cpuNs[0] + helperCpuNs) / 1e3 / Math.max(1, report[0].deletedSegments()), cpuNs[0] / 1e6,
                    helperCpuNs / 1e6);
            StringBuilder groups = new StringBuilder();
            byGroup.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                    .filter(e -> e.getValue() >= 5_000_000L)
                    .forEach(e -> groups.append(String.format("%s %.0f, ", e.getKey(), e.getValue() / 1e6)));
            System.out.printf("measured sweep ran at JVM uptime %d-%d ms (to match -XX:+PrintCompilation)%n", up0, up1);
            System.out.printf("process CPU during the sweep: %.0f ms over %.0f ms wall (%.2f cores); by thread (ms, /proc,"
                    + " 10 ms ticks): %s%n", procCpuNs / 1e6, sweepMs,
                    procCpuNs / 1e6 / sweepMs, groups);
            // The deletion's steps (nvr.storage.delete.phase); lookup is the claim of the runs retention read (it reads
            // the index again only for a camera that changed since).
            double phasesMs = 0;
            StringBuilder phases = new StringBuilder();
            for (String p : List.of("lookup", "mark", "trash", "drop")) {
                io.micrometer.core.instrument.Timer t = storeMeters.find("nvr.storage.delete.phase").tag("phase", p).timer();
                double ms = t == null ? 0 : t.totalTime(java.util.concurrent.TimeUnit.NANOSECONDS) / 1e6;
                phasesMs += ms;
                phases.append(String.format("%s %.0f ms (%d batches), ", p, ms, t == null ? 0 : t.count()));
            }
            io.micrometer.core.instrument.Counter byDay = storeMeters.find("nvr.storage.delete.trashed").tag("how", "day").counter();
            io.micrometer.core.instrument.Counter byFile = storeMeters.find("nvr.storage.delete.trashed").tag("how", "file").counter();
            System.out.printf("moved to the trash (whole run, warm-up included): %.0f files with their day directory, %.0f one by one%n",
                    byDay == null ? 0 : byDay.count(), byFile == null ? 0 : byFile.count());
            System.out.printf("sweep phases (Store.beginDeleteRuns + finish, wall, summed over overlapping batches): %ssum"
                    + " %.0f ms of the sweep's %.0f ms (the rest:"
                    + " choosing candidates and bookkeeping not overlapped with deleting)%n", phases, phasesMs, sweepMs);
            // Reads after the sweep: the deleted day is now range tombstones (SegmentDeleter's drop). The same queries
            // on a live camera, whose key range for that day never held anything, are the reference.
            System.out.println("reads of the deleted day after the sweep (swept camera) vs the same empty day of a"
                    + " live camera (never written):");
            System.out.println("  locate(): " + describe(readTimes(store, "cam-00", hours, true)) + " vs "
                    + describe(readTimes(store, "live-00", hours, true)));
            System.out.println("  segments(day): " + describe(readTimes(store, "cam-00", hours, false)) + " vs "
                    + describe(readTimes(store, "live-00", hours, false)));
            System.out.printf("ingest append() latency, %d cameras x 25 fps x 10 kB:%n", liveCameras);
            System.out.println("  without sweep (5 s): " + describe(quiet.latencies()) + ", dropped " + quiet.dropped());
            System.out.println("  during sweep:        " + describe(during.latencies()) + ", dropped " + during.dropped());
            System.out.println("  while reaping:       " + describe(reaping.latencies()) + ", dropped " + reaping.dropped());
            // The other half of ingest: the writer's group commit (fsync of the live segments, then the synced index
            // batch). Means from the timers' totals; a reaper that slowed the disk would show here, not in append().
            System.out.println("ingest group commit (live segments' fsync; synced index batch), mean per call:");
            System.out.println("  without sweep:  " + d1.since(d0));
            System.out.println("  during sweep:   " + d2.since(d1));
            System.out.println("  while reaping:  " + d3.since(d2));
        }
    }

    /** Sorted latencies (ns) of 2,000 locate() calls at random instants of the built range, or segments() of it. */
    private static long[] readTimes(Store store, String camera, int hours, boolean locate) {
        java.util.Random rnd = new java.util.Random(1);
        long span = hours * 3_600_000L;
        long[] out = new long[2000];
        for (int i = 0; i < out.length; i++) {
            long t0 = System.nanoTime();
            if (locate) {
                store.locate(camera, T0 + (long) (rnd.nextDouble() * span));
            } else {
                store.segments(camera, T0, T0 + span);
            }
            out[i] = System.nanoTime() - t0;
        }
        Arrays.sort(out);
        return out;
    }

    /** "tid name" -> CPU ns (utime + stime) of every thread of this process, from /proc (empty elsewhere). */
    private static Map<String, Long> taskCpu() {
        Map<String, Long> out = new java.util.HashMap<>();
        try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
            for (Path t : (Iterable<Path>) tasks::iterator) {
                try {
                    String stat = Files.readString(t.resolve("stat"));
                    int open = stat.indexOf('('), close = stat.lastIndexOf(')');
                    String[] f = stat.substring(close + 2).split(" ");
                    long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime, stime (fields 14, 15)
                    out.put(t.getFileName() + " " + stat.substring(open + 1, close), ticks * 10_000_000L);
                } catch (IOException | RuntimeException e) {
                    // the thread ended
                }
            }
        } catch (IOException e) {
            // not Linux
        }
        return out;
    }

    /** CPU time (ns) of the whole process, native threads included. */
    private static long processCpuNs() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
                .getOperatingSystemMXBean()).getProcessCpuTime();
    }

    /** CPU time (ns) of live threads whose name starts with one of the prefixes, by thread id. */
    private static Map<Long, Long> threadCpu(String... prefixes) {
        var mx = java.lang.management.ManagementFactory.getThreadMXBean();
        Map<Long, Long> out = new java.util.HashMap<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (java.util.Arrays.stream(prefixes).anyMatch(t.getName()::startsWith)) {
                long ns = mx.getThreadCpuTime(t.getId());
                if (ns >= 0) {
                    out.put(t.getId(), ns);
                }
            }
        }
        return out;
    }

    /** Creates the same number of files in camera/day directories, then times unlinking them + one fsync per dir. */
    private static double rawUnlinkBaseline(Path dir, int cameras, int perCamera, int fileBytes) throws IOException {
        List<Path> files = new ArrayList<>();
        List<Path> dirs = new ArrayList<>();
        ByteBuffer content = ByteBuffer.allocate(fileBytes);
        for (int c = 0; c < cameras; c++) {
            Path d = dir.resolve("cam-" + c).resolve("2026-01-01");
            Files.createDirectories(d);
            dirs.add(d);
            for (int i = 0; i < perCamera; i++) {
                Path f = d.resolve((T0 + i * 60_000L) + ".seg");
                try (FileChannel ch = FileChannel.open(f, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                    ch.write(content.clear());
                }
                files.add(f);
            }
        }
        // Segment files are on disk (fsynced) when retention deletes them; unlinking files whose blocks were never
        // allocated (ext4 delayed allocation) costs far less, so the baseline's files are synced first too.
        try {
            new ProcessBuilder("sync").inheritIO().start().waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        long t0 = System.nanoTime();
        for (Path f : files) {
            Files.delete(f);
        }
        for (Path d : dirs) {
            try (FileChannel ch = FileChannel.open(d, StandardOpenOption.READ)) {
                ch.force(true);
            }
        }
        double us = (System.nanoTime() - t0) / 1e3 / files.size();
        FileTrees.delete(dir);
        return us;
    }

    private static void build(Store store, int cameras, int hours, int payloadBytes) throws Exception {
        List<CameraWriter> writers = new ArrayList<>();
        for (int c = 0; c < cameras; c++) {
            writers.add(store.writer(String.format("cam-%02d", c)));
        }
        byte[] payload = new byte[payloadBytes];
        long end = T0 + hours * 3_600_000L;
        for (long t = T0; t < end; t += FRAME_GAP_MS) {
            for (CameraWriter w : writers) {
                while (!w.append(t, true, 0x1B, payload)) {
                    Thread.sleep(1); // queue full: let the writer catch up (this is set-up, not measured)
                }
            }
        }
        // One later frame per camera seals the last segment of the built range (a gap follows it).
        for (CameraWriter w : writers) {
            w.append(end + 600_000L, true, 0x1B, payload);
        }
        store.flush();
    }

    /** Cameras appending at 25 fps on their own thread; records every append() call's latency. */
    private static final class LiveIngest implements Runnable {
        private final Store store;
        private final int cameras;
        private final TimeSource time;
        private final AtomicBoolean stop = new AtomicBoolean();
        private final Thread thread = new Thread(this, "live-ingest");
        private long[] lat = new long[1 << 20];
        private int n;
        private long dropped;

        LiveIngest(Store store, int cameras, TimeSource time) {
            this.store = store;
            this.cameras = cameras;
            this.time = time;
        }

        void start() {
            thread.start();
        }

        void stop() throws InterruptedException {
            stop.set(true);
            thread.join();
        }

        /** Latencies (ns, sorted) and drops recorded since the last call. */
        synchronized Sample measure() {
            long[] out = Arrays.copyOf(lat, n);
            n = 0;
            Arrays.sort(out);
            Sample s = new Sample(out, dropped);
            dropped = 0;
            return s;
        }

        private synchronized void record(long ns, boolean ok) {
            if (n == lat.length) {
                lat = Arrays.copyOf(lat, n * 2);
            }
            lat[n++] = ns;
            if (!ok) {
                dropped++;
            }
        }

        @Override
        public void run() {
            List<CameraWriter> writers = new ArrayList<>();
            for (int c = 0; c < cameras; c++) {
                writers.add(store.writer(String.format("live-%02d", c)));
            }
            long frame = 0;
            long start = System.nanoTime();
            while (!stop.get()) {
                long due = start + frame * 40_000_000L;
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    java.util.concurrent.locks.LockSupport.parkNanos(wait);
                    continue;
                }
                long ts = time.wallMs();
                for (CameraWriter w : writers) {
                    byte[] p = new byte[10_000];
                    long t0 = System.nanoTime();
                    boolean ok = w.append(ts, frame % 25 == 0, 0x1B, p);
                    record(System.nanoTime() - t0, ok);
                }
                frame++;
            }
        }
    }

    /** Totals of the store's durability timers at one instant. */
    private record Durability(long fsyncs, double fsyncNs, long commits, double commitNs) {
        static Durability of(SimpleMeterRegistry meters) {
            io.micrometer.core.instrument.Timer f = meters.find("nvr.storage.fsync").timer();
            io.micrometer.core.instrument.Timer c = meters.find("nvr.storage.index.commit").timer();
            java.util.concurrent.TimeUnit ns = java.util.concurrent.TimeUnit.NANOSECONDS;
            return new Durability(f == null ? 0 : f.count(), f == null ? 0 : f.totalTime(ns),
                    c == null ? 0 : c.count(), c == null ? 0 : c.totalTime(ns));
        }

        String since(Durability before) {
            long n = fsyncs - before.fsyncs;
            long m = commits - before.commits;
            return String.format("fsync n=%d mean %.2f ms; index commit n=%d mean %.2f ms", n,
                    n == 0 ? 0 : (fsyncNs - before.fsyncNs) / n / 1e6, m, m == 0 ? 0 : (commitNs - before.commitNs) / m / 1e6);
        }
    }

    private record Sample(long[] latencies, long dropped) {
    }

    private static String describe(long[] sorted) {
        if (sorted.length == 0) {
            return "no samples";
        }
        return String.format("n=%d p50 %.1f us, p99 %.1f us, p99.9 %.1f us, max %.1f ms", sorted.length,
                sorted[sorted.length / 2] / 1e3, sorted[(int) (sorted.length * 0.99)] / 1e3,
                sorted[(int) Math.min(sorted.length - 1, sorted.length * 0.999)] / 1e3, sorted[sorted.length - 1] / 1e6);
    }
}
