package nvr.ingest.sip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import nvr.ingest.Await;
import nvr.ingest.device.RegistryRecord;
import nvr.ingest.media.PortRange;
import nvr.ingest.media.ReceiverConfig;
import nvr.ingest.media.RtpReceivers;
import nvr.storage.Coverage;
import nvr.storage.Span;
import nvr.storage.Store;
import nvr.storage.StoreConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * End to end against an independent device: {@link DeviceSimulator} runs in its own JVM with its own SIP
 * code, registers with digest auth, answers Catalog, streams a real ZLMediaKit PS/RTP capture on INVITE.
 * Checks: the channel is stored with its Catalog facts, storage coverage grows, killing the simulator
 * marks the device offline within 3 keepalive periods, restarting it resumes recording by itself.
 */
class DeviceInteropTest {
    private static final String DEVICE = "34020000001320000011";
    private static final String CHANNEL = "34020000001320000011";
    private static final int KEEPALIVE_S = 1;

    @TempDir
    Path dir;

    @Test
    void registersRecordsGoesOfflineAndResumes() throws Exception {
        String shared = System.getProperty("nvr.shared.dir");
        Path pcap = shared == null ? null : Path.of(shared, "testdata", "zlm_h264_udp.pcap");
        assumeTrue(pcap != null && Files.exists(pcap), "needs ../shared/testdata/zlm_h264_udp.pcap (nvr.shared.dir)");
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        try (Store store = Store.open(StoreConfig.defaults(dir), meters);
             RtpReceivers receivers = RtpReceivers.create(ReceiverConfig.defaults(new PortRange(41000, 41099))
                     .withBindAddress("127.0.0.1").withTimeouts(2000, 4000, 5000), store, meters)) {
            SipConfig cfg = SipConfig.of("34020000002000000001", "3402000000", 0, "secret123").withHost("127.0.0.1")
                    .withKeepalive(KEEPALIVE_S, 3);
            try (SipServer server = new SipServer(cfg, store, receivers, meters, null)) {
                server.start();
                Simulator sim = Simulator.start(server.port(), pcap);
                try {
                    sim.await("REGISTERED", 15);
                    sim.await("STREAMING", 15);
                    long firstFrames = awaitFrames(store, 1, 20);
                    assertTrue(server.recording(CHANNEL));
                    RegistryRecord cam = RegistryRecord.decode(store.table("cameras").get(CHANNEL));
                    assertEquals("\u5357\u95e8\u53e3", cam.get("name"));
                    assertEquals("SimVendor", cam.get("manufacturer"));
                    assertEquals("340200", cam.get("civilCode"));
                    assertEquals("117.2272", cam.get("longitude"));
                    assertEquals(DEVICE, cam.get("deviceId"));
                    Await.until(() -> "SimVendor".equals(RegistryRecord.decode(store.table("devices").get(DEVICE)).get("manufacturer")), 10);
                    assertTrue(firstFrames > 0);
                } finally {
                    sim.kill();
                }
                long killedAt = System.nanoTime();
                Await.until(() -> server.devices().stream().noneMatch(SipServer.DeviceStatus::online), 3 * KEEPALIVE_S + 3);
                double offlineAfterS = (System.nanoTime() - killedAt) / 1e9;
                assertTrue(offlineAfterS <= 3 * KEEPALIVE_S + 1.0, "offline after " + offlineAfterS + " s");
                assertEquals("false", RegistryRecord.decode(store.table("devices").get(DEVICE)).get("online"));
                store.flush();
                long before = frames(store);

                Simulator again = Simulator.start(server.port(), pcap);
                try {
                    again.await("REGISTERED", 15);
                    again.await("STREAMING", 15);
                    awaitFrames(store, before + 50, 30);
                    assertTrue(server.devices().stream().allMatch(SipServer.DeviceStatus::online));
                    Coverage c = store.coverage(CHANNEL, 0, Long.MAX_VALUE / 2);
                    assertTrue(c.spans().size() >= 1, c.toString());
                } finally {
                    again.kill();
                }
            }
        }
    }

    private static long frames(Store store) {
        Coverage c = store.coverage(CHANNEL, 0, Long.MAX_VALUE / 2);
        return c.spans().stream().mapToLong(Span::frames).sum();
    }

    private static long awaitFrames(Store store, long atLeast, int seconds) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        long n = 0;
        while (System.nanoTime() < deadline) {
            store.flush();
            n = frames(store);
            if (n >= atLeast) {
                return n;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("only " + n + " frames recorded, wanted " + atLeast);
    }

    /** The simulator child process and its stdout lines. */
    static final class Simulator {
        final Process process;
        final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        final List<String> seen = new ArrayList<>();

        private Simulator(Process p) {
            this.process = p;
            Thread t = new Thread(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                    String l;
                    while ((l = r.readLine()) != null) {
                        lines.add(l);
                    }
                } catch (IOException ignored) {
                    // process ended
                }
            });
            t.setDaemon(true);
            t.start();
        }

        static Simulator start(int sipPort, Path pcap) throws IOException {
            String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
            ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xmx64m", "-cp", cp, DeviceSimulator.class.getName(), DEVICE, CHANNEL, "127.0.0.1",
                    Integer.toString(sipPort), "secret123", Integer.toString(KEEPALIVE_S * 1000), pcap.toString());
            pb.redirectErrorStream(true);
            return new Simulator(pb.start());
        }

        void await(String prefix, int seconds) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
            for (String s : seen) {
                if (s.startsWith(prefix)) {
                    return;
                }
            }
            while (System.nanoTime() < deadline) {
                String l = lines.poll(100, TimeUnit.MILLISECONDS);
                if (l != null) {
                    seen.add(l);
                    if (l.startsWith(prefix)) {
                        return;
                    }
                }
            }
            assertNotNull(null, "simulator never printed " + prefix + "; output: " + seen);
        }

        void kill() throws InterruptedException {
            process.destroyForcibly();
            process.waitFor(5, TimeUnit.SECONDS);
        }
    }
}
