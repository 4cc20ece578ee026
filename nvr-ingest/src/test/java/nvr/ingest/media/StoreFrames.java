package nvr.ingest.media;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import nvr.storage.FrameCursor;
import nvr.storage.FrameRecord;
import nvr.storage.Store;
import nvr.storage.StoreConfig;

/** Reads back what a closed store holds for a camera, by reopening it (what survives is what counts). */
final class StoreFrames {
    private StoreFrames() {
    }

    static List<FrameRecord> read(Path root, String camera) throws IOException {
        long now = System.currentTimeMillis();
        try (Store store = Store.open(StoreConfig.defaults(root), new SimpleMeterRegistry());
             FrameCursor c = store.openCursor(camera, now - 3_600_000, now + 3_600_000)) {
            List<FrameRecord> out = new ArrayList<>();
            for (FrameRecord r = c.next(); r != null; r = c.next()) {
                out.add(r);
            }
            return out;
        }
    }
}
