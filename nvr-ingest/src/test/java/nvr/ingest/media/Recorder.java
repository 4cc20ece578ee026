package nvr.ingest.media;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Predicate;
import nvr.ingest.health.StreamHealth;
import nvr.storage.Store;
import nvr.storage.StoreConfig;

/** A real store in a temp dir and real receivers on 127.0.0.1: the recorder under test. */
final class Recorder implements AutoCloseable {
    final Path root;
    final Store store;
    final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    final RtpReceivers receivers;

    Recorder(Path dir) throws IOException {
        this(dir, cfg -> cfg);
    }

    Recorder(Path dir, java.util.function.UnaryOperator<ReceiverConfig> tune) throws IOException {
        root = dir.resolve("data");
        store = Store.open(StoreConfig.defaults(root), meters);
        int base = 20_000 + ThreadLocalRandom.current().nextInt(400) * 100; // tests of other modules use other ports
        ReceiverConfig cfg = tune.apply(ReceiverConfig.defaults(new PortRange(base, base + 99)).withBindAddress("127.0.0.1"));
        receivers = new RtpReceivers(cfg, store::writer, meters, Clock.systemUTC());
    }

    StreamHealth health(String camera) {
        return receivers.health(camera).orElseThrow(() -> new AssertionError("no stream open for " + camera));
    }

    /** Waits up to {@code ms} for the camera's health to satisfy {@code until}; returns the last snapshot. */
    StreamHealth await(String camera, long ms, Predicate<StreamHealth> until) throws InterruptedException {
        long end = System.nanoTime() + ms * 1_000_000;
        StreamHealth h = health(camera);
        while (!until.test(h) && System.nanoTime() < end) {
            Thread.sleep(20);
            h = health(camera);
        }
        return h;
    }

    @Override
    public void close() throws IOException {
        receivers.close();
        store.close();
    }
}
