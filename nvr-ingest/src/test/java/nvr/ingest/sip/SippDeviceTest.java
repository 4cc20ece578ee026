package nvr.ingest.sip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.InputStream;
import java.net.DatagramSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import nvr.ingest.device.RegistryRecord;
import nvr.storage.Store;
import nvr.storage.StoreConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIPp, an independent SIP implementation, plays a camera against the real server: digest REGISTER
 * (qop=auth computed by SIPp), keepalives and a Catalog answer. Skipped when sipp is not installed.
 */
class SippDeviceTest {
    @TempDir
    Path dir;

    @Test
    void sippRegistersWithDigestAndReportsItsCatalog() throws Exception {
        Path sipp = Path.of("/usr/bin/sipp");
        assumeTrue(Files.isExecutable(sipp), "sipp is not installed (apt-get install sip-tester)");
        Path scenario = dir.resolve("gb28181_device.xml");
        try (InputStream in = SippDeviceTest.class.getResourceAsStream("/sipp/gb28181_device.xml")) {
            Files.copy(in, scenario);
        }
        int localPort;
        try (DatagramSocket s = new DatagramSocket(0)) {
            localPort = s.getLocalPort();
        }
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        try (Store store = Store.open(StoreConfig.defaults(dir.resolve("data")), meters)) {
            SipConfig cfg = SipConfig.of("34020000002000000001", "3402000000", 0, "realm-wide")
                    .withHost("127.0.0.1").withDevicePasswords(java.util.Map.of("34020000001320000031", "sippsecret"));
            try (SipServer server = new SipServer(cfg, store, null, meters, null)) {
                server.start();
                ProcessBuilder pb = new ProcessBuilder(sipp.toString(), "127.0.0.1:" + server.port(), "-sf", scenario.toString(),
                        "-s", "34020000001320000031", "-i", "127.0.0.1", "-p", Integer.toString(localPort), "-t", "u1",
                        "-m", "1", "-timeout", "20s", "-timeout_error", "-nostdin", "-trace_err", "-trace_msg");
                pb.directory(dir.toFile());
                pb.redirectErrorStream(true);
                Process p = pb.start();
                byte[] out = p.getInputStream().readAllBytes();
                assertTrue(p.waitFor(30, TimeUnit.SECONDS), "sipp did not finish");
                String errors = "";
                try (var files = Files.list(dir)) {
                    for (Path f : files.filter(f -> f.toString().endsWith("_errors.log") || f.toString().endsWith("_messages.log")).toList()) {
                        String t = Files.readString(f);
                        errors += t.substring(Math.max(0, t.length() - 6000));
                    }
                }
                assertEquals(0, p.exitValue(), "sipp failed: " + errors + "\n"
                        + new String(out, StandardCharsets.UTF_8).lines().filter(l -> l.contains("Failed") || l.contains("rror"))
                        .limit(20).toList());
                RegistryRecord cam = RegistryRecord.decode(store.table("cameras").get("34020000001320000032"));
                assertEquals("SIPp Camera", cam.get("name"));
                assertEquals("34020000001320000031", cam.get("deviceId"));
                assertEquals("120.1", cam.get("longitude"));
                assertEquals(1.0, meters.counter("nvr.sip.registrations").count());
                assertTrue(server.devices().stream().anyMatch(d -> d.id().equals("34020000001320000031") && d.online()));
            }
        }
    }
}
