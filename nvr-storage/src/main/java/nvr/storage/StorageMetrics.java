package nvr.storage;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/** The storage engine's meters, all named {@code nvr.storage.*}. */
final class StorageMetrics {
    private final MeterRegistry registry;
    final Counter bytesWritten;
    final Counter framesWritten;
    final Counter audioFramesWritten;
    final Counter segmentsCreated;
    final Counter segmentsDeleted;
    final Counter diskFullErrors;
    final Counter writeErrors;
    final Counter readErrors;
    final Counter clampedTimes;
    /** Deleted segments moved to the trash with their whole day directory / one by one (see SegmentTrash). */
    final Counter trashedByDay;
    final Counter trashedByFile;
    final Timer fsync;
    final Timer indexCommit;
    final AtomicLong openSegments = new AtomicLong();
    /** Sources of the queue gauge: each root writer's queued bytes. */
    private final List<LongSupplier> queues = new CopyOnWriteArrayList<>();
    /** Source of the reclaiming gauge (see {@link #reclaiming}). */
    private volatile LongSupplier reclaiming = () -> 0;
    /** The gauges: they read this store's state, so they leave the registry with it (see {@link #close}). */
    private final List<Meter> gauges = new CopyOnWriteArrayList<>();

    StorageMetrics(MeterRegistry r) {
        registry = r;
        bytesWritten = Counter.builder("nvr.storage.bytes.written").baseUnit("bytes")
                .description("Frame record bytes appended to segment files").register(r);
        framesWritten = Counter.builder("nvr.storage.frames.written")
                .description("Video access units appended to segment files").register(r);
        audioFramesWritten = Counter.builder("nvr.storage.audio.frames.written")
                .description("Audio frames (G.711, AAC) stored with the video").register(r);
        segmentsCreated = Counter.builder("nvr.storage.segments.created").register(r);
        segmentsDeleted = Counter.builder("nvr.storage.segments.deleted").register(r);
        diskFullErrors = Counter.builder("nvr.storage.disk.full.errors")
                .description("Writes that failed with no space left on device").register(r);
        writeErrors = Counter.builder("nvr.storage.write.errors").register(r);
        readErrors = Counter.builder("nvr.storage.read.errors")
                .description("Corrupt or unreadable records skipped by readers").register(r);
        clampedTimes = Counter.builder("nvr.storage.frames.time.clamped")
                .description("Frames whose time went backwards and was clamped to the previous frame's").register(r);
        trashedByDay = Counter.builder("nvr.storage.delete.trashed").tag("how", "day")
                .description("Deleted segment files moved to the trash with their whole day directory").register(r);
        trashedByFile = Counter.builder("nvr.storage.delete.trashed").tag("how", "file")
                .description("Deleted segment files moved to the trash one by one").register(r);
        fsync = Timer.builder("nvr.storage.fsync").description("fsync of one segment file")
                .publishPercentiles(0.5, 0.99).register(r);
        indexCommit = Timer.builder("nvr.storage.index.commit").description("synced index batch write").register(r);
        // Gauges hold their state weakly: this object, which the store holds, never a lambda only the gauge holds
        gauges.add(Gauge.builder("nvr.storage.segments.open", this, m -> m.openSegments.get()).register(r));
        gauges.add(Gauge.builder("nvr.storage.queue.bytes", this, StorageMetrics::queuedBytes).baseUnit("bytes")
                .description("Frame bytes queued for the root writers").register(r));
        gauges.add(Gauge.builder("nvr.storage.reclaiming.bytes", this, m -> m.reclaiming.getAsLong()).baseUnit("bytes")
                .description("Deleted segment bytes the trash reaper has not freed yet").register(r));
    }

    /** Sets the source of the bytes of deleted segments not yet freed by the trash reaper, over every root. */
    void reclaiming(LongSupplier bytes) {
        reclaiming = bytes;
    }

    /**
     * Removes the gauges, which read this store's state, so a store opened later on the same registry registers
     * its own (a gauge already registered under a name is returned, not replaced). Counters and timers stay:
     * they count on across reopenings.
     */
    void close() {
        for (Meter g : gauges) {
            registry.remove(g);
        }
    }

    /** Adds a root writer's queue to the queue gauge. */
    void queue(LongSupplier queuedBytes) {
        queues.add(queuedBytes);
    }

    private double queuedBytes() {
        long sum = 0;
        for (LongSupplier q : queues) {
            sum += q.getAsLong();
        }
        return sum;
    }

    /** Time of one step (lookup, mark, trash, drop) of a batch deletion. */
    Timer deletePhase(String phase) {
        return Timer.builder("nvr.storage.delete.phase").tag("phase", phase)
                .description("one step of a batch segment deletion").register(registry);
    }

    /** Frames refused or dropped, by camera and reason (queue, gop, gate, too-large, bad-time, no-keyframe, disk). */
    void dropped(String camera, String reason) {
        registry.counter("nvr.storage.frames.dropped", "camera", camera, "reason", reason).increment();
    }
}
