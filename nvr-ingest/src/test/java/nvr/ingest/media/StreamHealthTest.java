package nvr.ingest.media;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import nvr.gb28181.media.Codec;
import nvr.ingest.health.StreamHealth;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A camera that stops sending is STALLED within 5 s, logged and signalled once, and RECEIVING when it resumes. */
class StreamHealthTest {
    private static final String CAMERA = "stall-cam";

    @TempDir
    Path dir;

    @Test
    void stallIsSeenWithinFiveSecondsOnceAndRecoveryToo() throws Exception {
        List<TestClips.Frame> frames = TestClips.clip(Codec.H264, 2, 25);
        List<String> log = new CopyOnWriteArrayList<>();
        Logger jul = Logger.getLogger("nvr.ingest.health.HealthMonitor");
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord r) {
                if (r.getMessage().contains(CAMERA)) {
                    log.add(r.getMessage());
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        jul.addHandler(capture);
        List<StreamState> changes = new CopyOnWriteArrayList<>();
        try (Recorder rec = new Recorder(dir)) {
            StreamHandle h = rec.receivers.open(CAMERA, MediaTransport.UDP, null, 0);
            h.onStateChange(changes::add);
            assertEquals(StreamState.OFFLINE, h.state());
            CameraSender cam = new CameraSender(Codec.H264, 99, 0, 0, false);
            try (Links.Link link = Links.open(MediaTransport.UDP, h)) {
                send(link, cam, frames, 0, 25);
                long lastSent = System.nanoTime();
                StreamHealth live = rec.await(CAMERA, 2000, s -> s.state() == StreamState.RECEIVING);
                assertEquals(StreamState.RECEIVING, live.state());
                assertTrue(Math.abs(live.lastFrameMs() - System.currentTimeMillis()) < 2000, "lastFrameMs " + live);
                assertTrue(live.bitrateBps() > 0, "bitrate " + live);

                rec.await(CAMERA, 6000, s -> s.state() == StreamState.STALLED);
                long stalledAfterMs = (System.nanoTime() - lastSent) / 1_000_000;
                assertEquals(StreamState.STALLED, h.state());
                assertTrue(stalledAfterMs <= 5000 && stalledAfterMs >= 2500, "stall seen after " + stalledAfterMs + " ms");
                Thread.sleep(1500); // still stalled: no further logging or signalling
                assertEquals(List.of(StreamState.RECEIVING, StreamState.STALLED), changes);
                assertEquals(1, log.stream().filter(m -> m.contains("-> STALLED")).count(), "log: " + log);

                send(link, cam, frames, 25, 50);
                rec.await(CAMERA, 2000, s -> s.state() == StreamState.RECEIVING && s.framesStored() == 50);
            }
            StreamHealth after = rec.health(CAMERA);
            assertEquals(50, after.framesStored());
            assertEquals(List.of(StreamState.RECEIVING, StreamState.STALLED, StreamState.RECEIVING), changes);
            FunctionCounter stored = rec.meters.find("nvr.ingest.frames.stored").tag("camera", CAMERA).functionCounter();
            assertEquals(50, stored.count());
            Gauge state = rec.meters.find("nvr.ingest.state").tag("camera", CAMERA).gauge();
            assertEquals(0, state.value());
            assertEquals(25, rec.meters.find("nvr.ingest.gop.frames").tag("camera", CAMERA).gauge().value());

            h.close();
            assertEquals(StreamState.OFFLINE, h.state());
            assertEquals(StreamState.OFFLINE, changes.get(changes.size() - 1));
            assertTrue(rec.receivers.health(CAMERA).isEmpty());
            assertTrue(rec.meters.find("nvr.ingest.frames.stored").tag("camera", CAMERA).functionCounter() == null,
                    "meters of a closed stream are removed");
        } finally {
            jul.removeHandler(capture);
        }
    }

    private static void send(Links.Link link, CameraSender cam, List<TestClips.Frame> frames, int from, int to) throws Exception {
        for (int i = from; i < to; i++) {
            for (byte[] p : cam.packets(frames.get(i), i)) {
                link.send(p);
            }
            Thread.sleep(40);
        }
    }
}
