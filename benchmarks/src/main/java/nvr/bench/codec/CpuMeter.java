package nvr.bench.codec;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;

/**
 * Bytes per second of the benchmark thread's own CPU time, per JMH iteration. JMH scores are wall-clock;
 * on a machine shared with other builds the CPU-time figure is what one dedicated core would do.
 */
final class CpuMeter {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private long cpuStart;
    private long wallStart;
    private long bytes;

    void start() {
        cpuStart = THREADS.getCurrentThreadCpuTime();
        wallStart = System.nanoTime();
        bytes = 0;
    }

    void add(long n) {
        bytes += n;
    }

    /** Prints "[cpu] label: X MB/s of CPU time (Y MB/s wall, Z% of a core)"; call on the benchmark thread. */
    void report(String label) {
        long cpu = THREADS.getCurrentThreadCpuTime() - cpuStart;
        long wall = System.nanoTime() - wallStart;
        if (cpu > 0 && wall > 0) {
            System.out.printf("%n[cpu] %s: %.0f MB/s of CPU time (%.0f MB/s wall, thread had %.0f%% of a core)%n",
                    label, bytes / (cpu / 1e9) / 1e6, bytes / (wall / 1e9) / 1e6, 100.0 * cpu / wall);
        }
    }
}
