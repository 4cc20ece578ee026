package nvr.bench.load;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import nvr.bench.FileTrees;

/**
 * Runs the ingest load test end to end, each side in its own JVM: for every N, first the raw-socket baseline
 * ({@code RawReceiver}) and then the NVR ({@code IngestServer}: RtpReceivers + Store) receive the same
 * {@code LoadGenerator} traffic. CPU comes from /proc/PID/stat (utime+stime) over the steady window after a
 * warm-up, RSS from /proc/PID/status, heap from the NVR after a GC. Prints a Markdown table, and on stderr the
 * CPU of every thread group (user+sys). The JIT compiler's share is a column of its own: at 256 cameras C2 still
 * compiles the receive path 10-20 s into a run on this 2-core VM (10-19% of a core inside a window that starts
 * after a 10 s warm-up, 2-10% after a 20 s one), a start-up cost that a recorder running for months does not pay
 * per camera, and the largest source of run-to-run spread.
 *
 * <pre>java -cp benchmarks.jar nvr.bench.load.IngestLoadRun --cameras 16,64,256 --seconds 40 --warmup 10</pre>
 * Options: {@code --bitrate} per camera (default 4000000), {@code --modes raw,nvr}, {@code --io-threads K},
 * {@code --xmx}, {@code --data DIR}, {@code --server-opts "JVM options of the receiver"} (e.g. a JFR recording).
 */
public final class IngestLoadRun {
    private static final double CLK_TCK = 100.0; // USER_HZ on Linux

    record Sample(String mode, int cameras, double serverCpuPct, double rtpCpuPct, double storageCpuPct,
                  double jitCpuPct, double gcCpuPct, double genCpuPct, long rssBytes, long heapBytes,
                  long framesSent, long framesStored, long framesOnDisk, long packetsSent, long packetsReceived,
                  long packetsLost, long droppedBroken, long droppedOverload) {
    }

    public static void main(String[] args) throws Exception {
        String[] ns = Args.arg(args, "--cameras", "16,64,256").split(",");
        int seconds = Args.intArg(args, "--seconds", 40);
        int warmup = Args.intArg(args, "--warmup", 10);
        int port = Args.intArg(args, "--port", 31000);
        String xmx = Args.arg(args, "--xmx", "1g");
        Path data = Path.of(Args.arg(args, "--data", System.getProperty("java.io.tmpdir") + "/nvr-load-data"));
        String modes = Args.arg(args, "--modes", "raw,nvr");
        int ioThreads = Args.intArg(args, "--io-threads", 0);
        int bitrate = Args.intArg(args, "--bitrate", 4_000_000);
        String serverOpts = Args.arg(args, "--server-opts", ""); // extra JVM options of the receiver, e.g. JFR
        List<Sample> all = new ArrayList<>();
        for (String n : ns) {
            int cameras = Integer.parseInt(n.trim());
            for (String mode : modes.split(",")) {
                Sample s = run(mode, cameras, seconds, warmup, port, xmx, data, ioThreads, bitrate, serverOpts);
                all.add(s);
                System.err.println(s);
            }
        }
        System.out.println("| N | receiver | process CPU % of a core | per camera | of which RTP event loops | of which storage writer "
                + "| of which JIT compiler / GC | per camera without JIT | generator CPU % | RSS MiB (per cam) | heap MiB after GC (per cam) | frames sent | frames stored (on disk) "
                + "| packets sent / received | lost pkts | dropped broken / overload |");
        System.out.println("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|");
        for (Sample s : all) {
            System.out.printf("| %d | %s | %.1f | %.3f | %s | %s | %.1f / %.1f | %.3f | %.1f | %.0f (%.2f) | %s | %s | %s | %d / %d | %d | %s |%n",
                    s.cameras, s.mode, s.serverCpuPct, s.serverCpuPct / s.cameras,
                    s.mode.equals("raw") ? "-" : String.format("%.1f (%.3f/cam)", s.rtpCpuPct, s.rtpCpuPct / s.cameras),
                    s.mode.equals("raw") ? "-" : String.format("%.1f", s.storageCpuPct), s.jitCpuPct, s.gcCpuPct,
                    (s.serverCpuPct - s.jitCpuPct) / s.cameras, s.genCpuPct,
                    s.rssBytes / 1048576.0, s.rssBytes / 1048576.0 / s.cameras,
                    s.heapBytes < 0 ? "-" : String.format("%.0f (%.2f)", s.heapBytes / 1048576.0, s.heapBytes / 1048576.0 / s.cameras),
                    s.framesSent, s.framesStored < 0 ? "-" : s.framesStored + " (" + s.framesOnDisk + ")",
                    s.packetsSent, s.packetsReceived, s.packetsLost,
                    s.droppedBroken < 0 ? "-" : s.droppedBroken + " / " + s.droppedOverload);
        }
    }

    private static Sample run(String mode, int cameras, int seconds, int warmup, int port, String xmx, Path data,
                              int ioThreads, int bitrate, String serverOpts) throws Exception {
        FileTrees.delete(data);
        String cp = System.getProperty("java.class.path");
        String main = mode.equals("raw") ? "nvr.bench.ingest.RawReceiver" : "nvr.bench.ingest.IngestServer";
        List<String> cmd = new ArrayList<>(List.of("java", "-Xmx" + xmx));
        if (!serverOpts.isBlank()) {
            cmd.addAll(List.of(serverOpts.trim().split("\\s+")));
        }
        cmd.addAll(List.of("-cp", cp, main, "--cameras", Integer.toString(cameras),
                "--port", Integer.toString(port), "--data", data.toString(), "--io-threads", Integer.toString(ioThreads)));
        Process server = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        BufferedReader sout = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
        Writer sin = new OutputStreamWriter(server.getOutputStream(), StandardCharsets.UTF_8);
        expectReady(sout);
        Process gen = new ProcessBuilder("java", "-Xmx1g", "-cp", cp, "nvr.bench.load.LoadGenerator", "--cameras",
                Integer.toString(cameras), "--port", Integer.toString(port), "--seconds", Integer.toString(seconds),
                "--bitrate", Integer.toString(bitrate))
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        Thread.sleep(warmup * 1000L);
        long t1 = System.nanoTime();
        java.util.Map<String, Long> th1 = threadTicks(server.pid());
        long s1 = cpuTicks(server.pid());
        long g1 = cpuTicks(gen.pid());
        Thread.sleep((seconds - warmup - 2) * 1000L);
        long t2 = System.nanoTime();
        long s2 = cpuTicks(server.pid());
        java.util.Map<String, Long> th2 = threadTicks(server.pid());
        long g2 = cpuTicks(gen.pid());
        long rss = rss(server.pid());
        System.err.println(mode + " " + cameras + " cameras, CPU % of a core by thread group, user+sys: "
                + threadBreakdown(th1, th2, (t2 - t1) / 1e9));
        String genOut = new String(gen.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        gen.waitFor(60, TimeUnit.SECONDS);
        Thread.sleep(2000); // let the receiver drain
        double secs = (t2 - t1) / 1e9;
        String stats = command(sin, sout, "stats");
        String fin = command(sin, sout, "stop");
        server.waitFor(120, TimeUnit.SECONDS);
        return new Sample(mode, cameras, (s2 - s1) / CLK_TCK / secs * 100,
                (group(th2, "nvr-rtp") - group(th1, "nvr-rtp")) / CLK_TCK / secs * 100,
                (group(th2, "nvr-storage") - group(th1, "nvr-storage")) / CLK_TCK / secs * 100,
                (group(th2, "C2 CompilerThre") + group(th2, "C1 CompilerThre") - group(th1, "C2 CompilerThre")
                        - group(th1, "C1 CompilerThre")) / CLK_TCK / secs * 100,
                (group(th2, "GC Thread") + group(th2, "G1 ") - group(th1, "GC Thread") - group(th1, "G1 ")) / CLK_TCK / secs * 100,
                (g2 - g1) / CLK_TCK / secs * 100, rss,
                num(stats, "heapAfterGc"), num(genOut, "framesSent"), num(fin, "framesStored"), num(fin, "framesOnDisk"),
                num(genOut, "packetsSent"), num(fin, "packets"), num(fin, "packetsLost"), num(fin, "framesDroppedBroken"),
                num(fin, "framesDroppedOverload"));
    }

    private static void expectReady(BufferedReader r) throws IOException {
        String line = r.readLine();
        while (line != null && line.startsWith("[")) { // JVM notices (e.g. JFR started) from --server-opts
            line = r.readLine();
        }
        if (line == null || !line.contains("ready")) {
            throw new IOException("receiver did not start: " + line);
        }
    }

    private static String command(Writer w, BufferedReader r, String cmd) throws IOException {
        w.write(cmd + "\n");
        w.flush();
        String line = r.readLine();
        return line == null ? "" : line;
    }

    private static long num(String json, String key) {
        Matcher m = Pattern.compile("\"" + key + "\":(-?\\d+)").matcher(json);
        return m.find() ? Long.parseLong(m.group(1)) : -1;
    }

    /** utime + stime of a process in clock ticks (fields 14 and 15 of /proc/PID/stat). */
    static long cpuTicks(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(f[11]) + Long.parseLong(f[12]);
    }

    /**
     * CPU of each thread group over the window (threads named alike with their numbers dropped), user+sys, busiest
     * first: where the process's CPU goes besides the RTP loops and the storage writer (GC, JIT, fsync helpers).
     */
    static String threadBreakdown(java.util.Map<String, Long> before, java.util.Map<String, Long> after, double secs) {
        java.util.Map<String, long[]> groups = new java.util.TreeMap<>();
        for (var e : after.entrySet()) {
            if (e.getKey().endsWith(":sys")) {
                continue;
            }
            String tid = e.getKey();
            String name = tid.substring(tid.indexOf(':') + 1).replaceAll("[0-9#]+", "#");
            long[] g = groups.computeIfAbsent(name, k -> new long[2]);
            g[0] += e.getValue() - before.getOrDefault(tid, 0L);
            g[1] += after.getOrDefault(tid + ":sys", 0L) - before.getOrDefault(tid + ":sys", 0L);
        }
        StringBuilder sb = new StringBuilder();
        groups.entrySet().stream().filter(e -> e.getValue()[0] > 0)
                .sorted((a, b) -> Long.compare(b.getValue()[0], a.getValue()[0]))
                .forEach(e -> sb.append(String.format("%s %.1f (%.1f+%.1f); ", e.getKey(),
                        e.getValue()[0] / CLK_TCK / secs * 100, (e.getValue()[0] - e.getValue()[1]) / CLK_TCK / secs * 100,
                        e.getValue()[1] / CLK_TCK / secs * 100)));
        return sb.toString();
    }

    /**
     * CPU ticks per thread (tid:name, utime+stime), from /proc/PID/task/TID/stat, plus each thread's stime alone
     * under tid:name:sys; threads that ended are missing.
     */
    static java.util.Map<String, Long> threadTicks(long pid) throws IOException {
        java.util.Map<String, Long> out = new java.util.HashMap<>();
        try (Stream<Path> tasks = Files.list(Path.of("/proc/" + pid + "/task"))) {
            for (Path t : tasks.toList()) {
                try {
                    String stat = Files.readString(t.resolve("stat"));
                    String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
                    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    out.put(t.getFileName() + ":" + name, Long.parseLong(f[11]) + Long.parseLong(f[12]));
                    out.put(t.getFileName() + ":" + name + ":sys", Long.parseLong(f[12]));
                } catch (IOException e) {
                    // the thread ended meanwhile
                }
            }
        }
        return out;
    }

    private static long group(java.util.Map<String, Long> ticks, String prefix) {
        long sum = 0;
        for (var e : ticks.entrySet()) {
            if (!e.getKey().endsWith(":sys") && e.getKey().substring(e.getKey().indexOf(':') + 1).startsWith(prefix)) {
                sum += e.getValue();
            }
        }
        return sum;
    }

    static long rss(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
            }
        }
        return -1;
    }
}
