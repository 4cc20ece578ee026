package nvr.bench.ingest;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import nvr.bench.load.Args;
import nvr.ingest.health.StreamHealth;
import nvr.ingest.media.MediaTransport;
import nvr.ingest.media.PortRange;
import nvr.ingest.media.ReceiverConfig;
import nvr.ingest.media.RtpReceivers;
import nvr.storage.FrameCursor;
import nvr.storage.Store;
import nvr.storage.StoreConfig;

/**
 * The NVR side of the ingest load test, in its own JVM so its CPU can be read from /proc: a real Store and
 * RtpReceivers recording N static UDP cameras on ports base..base+N-1. Commands on stdin, one JSON line each:
 * {@code stats} (live counters, heap after GC), {@code stop} (closes, then counts the frames on disk and exits).
 *
 * <pre>java -cp benchmarks.jar nvr.bench.ingest.IngestServer --cameras 64 --port 31000 --data /tmp/nvr-load</pre>
 */
public final class IngestServer {
    public static void main(String[] args) throws Exception {
        int cameras = Args.intArg(args, "--cameras", 16);
        int basePort = Args.intArg(args, "--port", 31000);
        Path data = Path.of(Args.arg(args, "--data", System.getProperty("java.io.tmpdir") + "/nvr-load-data"));
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        Store store = Store.open(StoreConfig.defaults(data), meters);
        ReceiverConfig cfg = ReceiverConfig.defaults(new PortRange(basePort, basePort + cameras - 1))
                .withBindAddress("127.0.0.1").withIoThreads(Args.intArg(args, "--io-threads", 0));
        RtpReceivers receivers = new RtpReceivers(cfg, store::writer, meters, Clock.systemUTC());
        for (int i = 0; i < cameras; i++) {
            receivers.open(cameraId(i), MediaTransport.UDP, null, basePort + i);
        }
        System.out.println("{\"ready\":true}");
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in));
        for (String line = in.readLine(); line != null; line = in.readLine()) {
            if (line.equals("stats")) {
                System.out.println(stats(receivers.health()));
            } else if (line.equals("stop")) {
                String live = stats(receivers.health());
                receivers.close();
                store.close();
                long stored = 0; // read back through a cursor: what a player would get
                long now = System.currentTimeMillis();
                try (Store reopened = Store.open(StoreConfig.defaults(data), new SimpleMeterRegistry())) {
                    for (int i = 0; i < cameras; i++) {
                        try (FrameCursor c = reopened.openCursor(cameraId(i), now - 86_400_000L, now + 60_000)) {
                            while (c.next() != null) {
                                stored++;
                            }
                        }
                    }
                }
                System.out.println(live.substring(0, live.length() - 1) + ",\"framesOnDisk\":" + stored + "}");
                return;
            }
        }
    }

    static String cameraId(int i) {
        return String.format("load-%04d", i);
    }

    private static String stats(List<StreamHealth> health) {
        long stored = 0;
        long packets = 0;
        long lost = 0;
        long broken = 0;
        long overload = 0;
        long rejected = 0;
        for (StreamHealth h : health) {
            stored += h.framesStored();
            packets += h.packets();
            lost += h.packetsLost();
            broken += h.framesDroppedBroken();
            overload += h.framesDroppedOverload();
            rejected += h.packetsRejected();
        }
        System.gc();
        long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        return "{\"framesStored\":" + stored + ",\"packets\":" + packets + ",\"packetsLost\":" + lost
                + ",\"framesDroppedBroken\":" + broken + ",\"framesDroppedOverload\":" + overload
                + ",\"packetsRejected\":" + rejected + ",\"heapAfterGc\":" + heap + "}";
    }
}
