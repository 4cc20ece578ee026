package nvr.playback;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.util.List;
import nvr.playback.sip.PlaybackSipHandler;
import nvr.storage.Store;
import nvr.storage.StoreConfig;

/** A real Store of 1 s segments in {@code dir}, and the playback service and SIP handler over it, for one test class. */
record PlaybackFixture(Store store, PlaybackService service, PlaybackSipHandler handler) implements AutoCloseable {
    /** Opens the store; {@link #serve} starts playback once the footage is recorded. */
    static Store openStore(Path dir) throws Exception {
        return Store.open(new StoreConfig(List.of(dir.resolve("data")), 1, 256L << 20, 50, 64L << 20), new SimpleMeterRegistry());
    }

    static PlaybackFixture serve(Store store) {
        PlaybackService service = new PlaybackService(store, PlaybackConfig.defaults("127.0.0.1"), new SimpleMeterRegistry());
        return new PlaybackFixture(store, service, new PlaybackSipHandler(service, SipText.NVR));
    }

    @Override
    public void close() throws Exception {
        service.close();
        store.close();
    }
}
