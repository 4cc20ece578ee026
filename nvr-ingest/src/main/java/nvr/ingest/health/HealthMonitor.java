package nvr.ingest.health;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.ToDoubleFunction;
import nvr.ingest.media.MediaTransport;
import nvr.ingest.media.StreamState;

/**
 * Decides each stream's state from its counters on a timer thread of its own (never an event loop), publishes
 * the counters as Micrometer meters tagged {@code camera}, and tells listeners about state changes once per
 * transition. A stream with no frame for {@code stallAfterMs} is STALLED (logged once), after
 * {@code offlineAfterMs} OFFLINE; the next frame makes it RECEIVING again (logged once).
 */
public final class HealthMonitor implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(HealthMonitor.class.getName());
    static final long TICK_MS = 500;
    private static final int RATE_SAMPLES = 5; // rates over the last (RATE_SAMPLES - 1) ticks = 2 s

    private final MeterRegistry meters;
    private final long stallAfterNanos;
    private final long offlineAfterNanos;
    private final List<Tracked> tracked = new CopyOnWriteArrayList<>();
    private final ScheduledExecutorService timer;

    public HealthMonitor(MeterRegistry meters, long stallAfterMs, long offlineAfterMs) {
        this.meters = meters;
        this.stallAfterNanos = TimeUnit.MILLISECONDS.toNanos(stallAfterMs);
        this.offlineAfterNanos = TimeUnit.MILLISECONDS.toNanos(offlineAfterMs);
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "nvr-ingest-health");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleAtFixedRate(this::tick, TICK_MS, TICK_MS, TimeUnit.MILLISECONDS);
    }

    /** Starts watching a stream and registers its meters; the stream is OFFLINE until its first frame. */
    public Tracked track(String cameraId, MediaTransport transport, int localPort, StreamStats stats) {
        Tracked t = new Tracked(cameraId, transport, localPort, stats);
        tracked.add(t);
        return t;
    }

    public List<StreamHealth> snapshot() {
        List<StreamHealth> out = new ArrayList<>(tracked.size());
        for (Tracked t : tracked) {
            out.add(t.health());
        }
        return out;
    }

    @Override
    public void close() {
        timer.shutdownNow();
        for (Tracked t : tracked) {
            t.untrack();
        }
    }

    private void tick() {
        long now = System.nanoTime();
        for (Tracked t : tracked) {
            try {
                t.tick(now);
            } catch (RuntimeException e) { // a listener's bug must not stop health for every camera
                LOG.log(System.Logger.Level.ERROR, "health check of camera " + t.cameraId + " failed: " + e, e);
            }
        }
    }

    /** One watched stream. */
    public final class Tracked {
        final String cameraId;
        final MediaTransport transport;
        final int localPort;
        final StreamStats stats;
        private final List<Consumer<StreamState>> listeners = new CopyOnWriteArrayList<>();
        private final List<Meter> registered = new ArrayList<>();
        private final long[] sampleNanos = new long[RATE_SAMPLES];
        private final long[] sampleBytes = new long[RATE_SAMPLES];
        private final long[] sampleFrames = new long[RATE_SAMPLES];
        private int samples; // ticks taken so far
        private volatile StreamState state = StreamState.OFFLINE;
        private volatile long bitrateBps;
        private volatile double fps;
        private final long startNanos = System.nanoTime();
        private volatile boolean closed;

        Tracked(String cameraId, MediaTransport transport, int localPort, StreamStats stats) {
            this.cameraId = cameraId;
            this.transport = transport;
            this.localPort = localPort;
            this.stats = stats;
            Tags tags = Tags.of("camera", cameraId);
            counter("nvr.ingest.packets", "RTP packets received", tags, StreamStats::packets);
            counter("nvr.ingest.bytes", "RTP payload bytes received", tags, StreamStats::bytes);
            counter("nvr.ingest.packets.lost", "RTP packets never received", tags, StreamStats::packetsLost);
            counter("nvr.ingest.packets.reordered", "RTP packets received out of order", tags, StreamStats::packetsReordered);
            counter("nvr.ingest.packets.duplicate", "RTP packets received twice", tags, StreamStats::packetsDuplicate);
            counter("nvr.ingest.packets.rejected", "datagrams that were not this stream's RTP", tags, StreamStats::packetsRejected);
            counter("nvr.ingest.ps.errors", "PS packs that failed to parse", tags, StreamStats::psErrors);
            counter("nvr.ingest.internal.errors", "pipeline bugs caught (stream resynchronised)", tags, StreamStats::internalErrors);
            counter("nvr.ingest.frames.stored", "video frames handed to storage", tags, StreamStats::framesStored);
            counter("nvr.ingest.frames.dropped", "frames dropped", tags.and("reason", "broken"), StreamStats::framesDroppedBroken);
            counter("nvr.ingest.frames.dropped", "frames dropped", tags.and("reason", "overload"), StreamStats::framesDroppedOverload);
            gauge("nvr.ingest.bitrate", "received bits per second", tags, t -> t.bitrateBps);
            gauge("nvr.ingest.fps", "video frames per second", tags, t -> t.fps);
            gauge("nvr.ingest.gop.frames", "frames per GOP", tags, t -> t.stats.gopFrames());
            gauge("nvr.ingest.last.frame", "wall-clock ms of the last stored frame", tags, t -> t.stats.lastFrameMs());
            gauge("nvr.ingest.state", "0 receiving, 1 stalled, 2 offline", tags, t -> t.state.ordinal());
        }

        private void counter(String name, String help, Tags tags, ToDoubleFunction<StreamStats> f) {
            registered.add(FunctionCounter.builder(name, stats, f).description(help).tags(tags).register(meters));
        }

        private void gauge(String name, String help, Tags tags, ToDoubleFunction<Tracked> f) {
            registered.add(Gauge.builder(name, this, f).description(help).tags(tags).strongReference(true).register(meters));
        }

        public StreamState state() {
            return state;
        }

        /** Called on the health thread once per state change. */
        public void onStateChange(Consumer<StreamState> listener) {
            listeners.add(listener);
        }

        /** Stops watching: the stream is OFFLINE, its meters are removed. Idempotent. */
        public void untrack() {
            if (closed) {
                return;
            }
            closed = true;
            tracked.remove(this);
            for (Meter m : registered) {
                meters.remove(m);
            }
            transition(StreamState.OFFLINE, "receiver closed");
        }

        StreamHealth health() {
            StreamStats s = stats;
            return new StreamHealth(cameraId, transport, localPort, state, s.lastFrameMs(), bitrateBps, fps,
                    s.gopFrames(), s.packets(), s.packetsLost(), s.packetsReordered(), s.packetsDuplicate(),
                    s.packetsRejected(), s.framesStored(), s.framesDroppedBroken(), s.framesDroppedOverload(),
                    s.psErrors());
        }

        void tick(long now) {
            int i = samples % RATE_SAMPLES;
            sampleNanos[i] = now;
            sampleBytes[i] = stats.bytes();
            sampleFrames[i] = stats.videoFrames();
            samples++;
            if (samples > 1) {
                int oldest = samples >= RATE_SAMPLES ? samples % RATE_SAMPLES : 0;
                double secs = (now - sampleNanos[oldest]) / 1e9;
                if (secs > 0) {
                    bitrateBps = Math.round((sampleBytes[i] - sampleBytes[oldest]) * 8 / secs);
                    fps = Math.round((sampleFrames[i] - sampleFrames[oldest]) * 10 / secs) / 10.0;
                }
            }
            long last = stats.lastFrameNanos();
            long since = now - (last == 0 ? startNanos : last);
            StreamState next;
            if (last != 0 && since < stallAfterNanos) {
                next = StreamState.RECEIVING;
            } else if (last != 0 && since < offlineAfterNanos) {
                next = StreamState.STALLED;
            } else {
                next = StreamState.OFFLINE;
            }
            if (next != state) {
                transition(next, last == 0 ? "no frame yet" : "last frame " + (since / 1_000_000) + " ms ago");
            }
        }

        private void transition(StreamState next, String why) {
            StreamState prev = state;
            if (prev == next) {
                return;
            }
            state = next;
            System.Logger.Level level = next == StreamState.RECEIVING ? System.Logger.Level.INFO : System.Logger.Level.WARNING;
            if (!(prev == StreamState.OFFLINE && next == StreamState.OFFLINE)) {
                LOG.log(level, "camera " + cameraId + " (" + transport + " port " + localPort + ") " + prev + " -> "
                        + next + ": " + why);
            }
            for (Consumer<StreamState> l : listeners) {
                l.accept(next);
            }
        }
    }
}
