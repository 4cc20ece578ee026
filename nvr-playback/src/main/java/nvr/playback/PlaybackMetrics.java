package nvr.playback;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.concurrent.atomic.AtomicInteger;

/** Playback counters: active sessions, bytes and frames sent, late frames, rejected requests and errors. */
public final class PlaybackMetrics {
    private final MeterRegistry registry;
    private final AtomicInteger active = new AtomicInteger();
    private final Counter bytesSent;
    private final Counter framesSent;
    private final Counter lateFrames;
    private final io.micrometer.core.instrument.Timer lateness;

    public PlaybackMetrics(MeterRegistry registry) {
        this.registry = registry == null ? new SimpleMeterRegistry() : registry;
        this.registry.gauge("nvr.playback.sessions.active", active);
        this.bytesSent = Counter.builder("nvr.playback.bytes.sent").baseUnit("bytes").register(this.registry);
        this.framesSent = Counter.builder("nvr.playback.frames.sent").register(this.registry);
        this.lateFrames = Counter.builder("nvr.playback.frames.late")
            .description("frames sent more than 40 ms after their due time").register(this.registry);
        this.lateness = io.micrometer.core.instrument.Timer.builder("nvr.playback.frame.lateness")
            .description("how long after its due time a paced frame's first packet left").register(this.registry);
    }

    public MeterRegistry registry() {
        return registry;
    }

    public int activeSessions() {
        return active.get();
    }

    public double bytesSent() {
        return bytesSent.count();
    }

    public double framesSent() {
        return framesSent.count();
    }

    public double lateFrames() {
        return lateFrames.count();
    }

    /** Sessions started, by kind (playback/download). */
    public double sessionsStarted(String kind) {
        Counter c = registry.find("nvr.playback.sessions.started").tag("kind", kind).counter();
        return c == null ? 0 : c.count();
    }

    /** Requests rejected or sessions torn down for {@code reason} (e.g. not-found, bad-range, receiver-stalled). */
    public double errors(String reason) {
        Counter c = registry.find("nvr.playback.errors").tag("reason", reason).counter();
        return c == null ? 0 : c.count();
    }

    public void sessionStarted(String kind) {
        active.incrementAndGet();
        registry.counter("nvr.playback.sessions.started", "kind", kind).increment();
    }

    public void sessionEnded() {
        active.decrementAndGet();
    }

    public void sent(int bytes) {
        bytesSent.increment(bytes);
    }

    public void frameSent() {
        framesSent.increment();
    }

    public void lateFrame() {
        lateFrames.increment();
    }

    /**
     * A paced frame's first packet left {@code nanos} after its due time (negative: early); {@code late}
     * when that is beyond the 40 ms budget.
     */
    public void frameLateness(long nanos, boolean late) {
        lateness.record(Math.max(0, nanos), java.util.concurrent.TimeUnit.NANOSECONDS);
        if (late) {
            lateFrames.increment();
        }
    }

    /** Largest frame lateness recorded (ms), over the registry's step window. */
    public double maxLatenessMs() {
        return lateness.max(java.util.concurrent.TimeUnit.MILLISECONDS);
    }

    /** The sender had a frame due but waited: for the disk read-ahead ("disk") or a full TCP window ("receiver"). */
    public void waited(String on) {
        registry.counter("nvr.playback.waits", "on", on).increment();
    }

    public double waits(String on) {
        Counter c = registry.find("nvr.playback.waits").tag("on", on).counter();
        return c == null ? 0 : c.count();
    }

    public void error(String reason) {
        registry.counter("nvr.playback.errors", "reason", reason).increment();
    }
}
