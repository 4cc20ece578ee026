package nvr.storage.retention;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import nvr.storage.SegmentInfo;
import nvr.storage.Store;
import nvr.storage.Volume;

/**
 * The retention manager: keeps every camera's footage for its tier's minimum, frees space oldest first,
 * honours legal holds, and raises {@code retention at risk} when the volumes cannot hold every minimum.
 * The CLI wires one per Store: construct, {@link #start()}, then {@link #close()} on shutdown.
 *
 * <p>Work happens on its own thread ("nvr-retention"), in ticks: read the clocks, pick up new footage,
 * sweep when a volume passed its high watermark or the sweep period elapsed, re-evaluate the alarm.
 * Ingest never waits for it; the only thing ingest sees is {@link #acceptsFootage}, a set lookup, which
 * the Store consults through its write gate.
 */
public final class RetentionManager implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(RetentionManager.class.getName());
    private static final long DAY = SegmentWalk.DAY_MS;
    private static final Duration CLOCK_TOLERANCE = Duration.ofMinutes(2);

    private final Store store;
    private final TimeSource time;
    private volatile RetentionConfig config;
    private final TrustedClock clock;
    private final HoldRegistry holds;
    private final FootageLedger ledger;
    private final RetentionSweeper sweeper;
    /** Cameras whose new footage is refused (protect policy). Read by ingest threads, written by ticks. */
    private final Set<String> gated = ConcurrentHashMap.newKeySet();
    /** Tiers gated, lowest minimum first. */
    private final List<String> gatedTiers = new ArrayList<>();
    /** camera -> trusted end of the youngest segment deleted under its minimum (overwrite-oldest). */
    private final Map<String, Long> violations = new ConcurrentHashMap<>();
    private volatile List<String> alarms = List.of();
    private volatile boolean atRisk;
    private volatile boolean[] pressureUnresolved = new boolean[0];
    private long lastSweepMs = Long.MIN_VALUE;
    /** Bytes in use when the last tier was gated (protect escalates only if usage grows past it). */
    private long usedWhenGated;
    private long lastReconcileMs;
    private boolean reconciled;
    /** True while the last tick saw the store indexing older footage (see {@link nvr.storage.Store#reindexing}). */
    private boolean waitedForReindex;
    private ScheduledExecutorService thread;
    /** Where gates and violations survive a restart, and what was saved there last. */
    private final Path policyFile;
    private PolicyState savedPolicy;

    private final Counter deletedSegments;
    private final Counter deletedBytes;
    private final Counter violationCount;
    private final Counter deleteFailures;
    private final Timer sweepTimer;

    public RetentionManager(Store store, RetentionConfig config, InstantSource wallClock, MeterRegistry meters)
            throws IOException {
        this(store, config, TimeSource.of(wallClock, System::nanoTime), meters);
    }

    public RetentionManager(Store store, RetentionConfig config, TimeSource time, MeterRegistry meters)
            throws IOException {
        this.store = store;
        this.time = time;
        this.config = config;
        this.ledger = new FootageLedger(store, config.volumes());
        long wall = time.wallMs();
        Path clockFile = config.volumes().get(0).root().resolve(TrustedClock.FILE_NAME);
        // The full index read happens on the first tick, on the retention thread, not here in the caller's start-up.
        this.clock = TrustedClock.open(clockFile, time, config.maxTrustedDowntime(), CLOCK_TOLERANCE,
                () -> ledger.newestFootageSince(wall - 2 * DAY));
        this.holds = new HoldRegistry(store.table("holds"), store::audit);
        this.sweeper = new RetentionSweeper(store, ledger, clock, holds, () -> measure(this.config));
        this.policyFile = config.volumes().get(0).root().resolve(PolicyState.FILE_NAME);
        // Gates and violations hold from the first frame after a restart, not from the first sweep.
        savedPolicy = PolicyState.load(policyFile);
        gatedTiers.addAll(savedPolicy.gatedTiersByMinimum(config));
        gated.addAll(savedPolicy.gatedCameras());
        usedWhenGated = savedPolicy.usedWhenGated();
        violations.putAll(savedPolicy.violations());
        if (!gated.isEmpty()) {
            LOG.log(System.Logger.Level.ERROR, "RETENTION PROTECT (from before the restart): refusing new footage of tiers "
                    + gatedTiers + " (cameras " + new TreeSet<>(gated) + ") until the first sweep finds space");
        }
        store.setWriteGate(this::acceptsFootage);

        deletedSegments = Counter.builder("nvr.retention.deleted.segments").description("segments deleted by retention").register(meters);
        deletedBytes = Counter.builder("nvr.retention.deleted.bytes").baseUnit("bytes").register(meters);
        violationCount = Counter.builder("nvr.retention.violations")
                .description("segments deleted under their camera's minimum (overwrite-oldest)").register(meters);
        deleteFailures = Counter.builder("nvr.retention.delete.failures").register(meters);
        sweepTimer = Timer.builder("nvr.retention.sweep").publishPercentiles(0.5, 0.99).register(meters);
        Gauge.builder("nvr.retention.at.risk", this, m -> m.atRisk ? 1 : 0)
                .description("1 while retention at risk: the volumes cannot hold every camera's minimum").register(meters);
        Gauge.builder("nvr.retention.gated.cameras", gated, Set::size)
                .description("cameras whose new footage is refused by the protect policy").register(meters);
        Gauge.builder("nvr.retention.clock.offset.seconds", clock, c -> c.wallOffsetMs() / 1000.0)
                .description("wall clock minus trusted time; non-zero after a clock jump").register(meters);
    }

    /** Starts ticking on a daemon thread: every sweep period, at most every 10 s. */
    public synchronized void start() {
        if (thread != null) {
            return;
        }
        thread = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "nvr-retention");
            t.setDaemon(true);
            t.setPriority(Thread.NORM_PRIORITY - 1);
            return t;
        });
        long period = Math.max(1, Math.min(config.sweepPeriod().toMillis(), 10_000));
        thread.scheduleWithFixedDelay(() -> {
            try {
                tick();
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.ERROR, "retention tick failed: " + e + "; retrying next period", e);
            }
        }, 0, period, TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        ScheduledExecutorService t;
        synchronized (this) {
            t = thread;
            thread = null;
        }
        if (t != null) {
            t.shutdown();
            try {
                t.awaitTermination(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** The write gate: false while the protect policy refuses this camera's new footage. */
    public boolean acceptsFootage(String camera) {
        return !gated.contains(camera);
    }

    /** Applies new settings (tiers, policy, volumes, watermarks) from the next tick on. */
    public void reconfigure(RetentionConfig newConfig) {
        this.config = newConfig;
    }

    public RetentionConfig config() {
        return config;
    }

    /**
     * One step: clocks, new footage, sweep if due, alarm. The scheduler calls it; tests and an admin
     * "sweep now" may call it directly (ticks never overlap).
     */
    public synchronized TickReport tick() {
        RetentionConfig cfg = config;
        long wall = time.wallMs();
        long now = clock.tick();
        String clockEvent = clock.takeEvent();
        // While the store indexes footage a new index did not list, the ledger misses the oldest days: a space
        // sweep would take the newest footage instead. Sweeps wait; the ledger is recounted once it is done.
        boolean reindexing = store.reindexing();
        if (reindexing && !waitedForReindex) {
            LOG.log(System.Logger.Level.WARNING, "retention sweeps wait until the store has indexed the older footage"
                    + " on the data roots (it would otherwise delete newer footage first)");
        }
        boolean reindexDone = waitedForReindex && !reindexing;
        waitedForReindex = reindexing;
        if (!reconciled || reindexDone || clockEvent != null || now - lastReconcileMs >= DAY) {
            // After a clock step, new footage may land anywhere in the index: recount it all.
            ledger.reconcile(wall);
            lastReconcileMs = now;
            reconciled = true;
        } else {
            ledger.refresh(wall);
        }
        boolean pressure = false;
        for (VolumeMeter.Usage u : measure(cfg)) {
            pressure |= u.overHigh();
        }
        RetentionSweeper.Result r = null;
        if (!reindexing && (pressure || lastSweepMs == Long.MIN_VALUE || now - lastSweepMs >= cfg.sweepPeriod().toMillis())) {
            long t0 = System.nanoTime();
            r = sweeper.sweep(cfg, now);
            sweepTimer.record(System.nanoTime() - t0, TimeUnit.NANOSECONDS);
            lastSweepMs = now;
            deletedSegments.increment(r.deletedSegments());
            deletedBytes.increment(r.deletedBytes());
            deleteFailures.increment(r.failures());
            if (r.deletedUnderMinimum() > 0) {
                violationCount.increment(r.deletedUnderMinimum());
                Set<String> newlyViolated = new TreeSet<>(r.underMinimum().keySet());
                newlyViolated.removeAll(violations.keySet());
                r.underMinimum().forEach((cam, end) -> violations.merge(cam, end, Math::max));
                if (!newlyViolated.isEmpty()) {
                    // Logged once per camera entering violation; the counter counts every segment.
                    LOG.log(System.Logger.Level.ERROR, "RETENTION VIOLATED: overwrite-oldest is deleting footage younger"
                            + " than the minimum of cameras " + newlyViolated + " because the volumes are full;"
                            + " add disk or switch to policy protect");
                }
            }
            pressureUnresolved = r.stillOverHigh();
            applyProtectPolicy(cfg, r);
        }
        violations.entrySet().removeIf(e -> now >= e.getValue() + cfg.tierOf(e.getKey()).minDays() * DAY);
        savePolicy();
        evaluateAlarm(cfg, now);
        return new TickReport(now, r == null ? 0 : r.deletedSegments(), r == null ? 0 : r.deletedBytes(),
                r == null ? 0 : r.deletedUnderMinimum(), r != null, atRisk, Set.copyOf(gated));
    }

    /** Saves gates and violations when they changed (a failed save is retried at the next tick). */
    private void savePolicy() {
        PolicyState now = new PolicyState(new java.util.HashSet<>(gatedTiers), gated, usedWhenGated, violations);
        if (now.equals(savedPolicy)) {
            return;
        }
        try {
            now.save(policyFile);
            savedPolicy = now;
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "cannot save retention gates and violations to " + policyFile + ": "
                    + e.getMessage() + "; a restart would forget them until the next sweep; check the data root is writable");
        }
    }

    /** What a tick did. {@code now} is trusted time. */
    public record TickReport(long now, long deletedSegments, long deletedBytes, long deletedUnderMinimum,
                             boolean swept, boolean atRisk, Set<String> gatedCameras) {
    }

    private void applyProtectPolicy(RetentionConfig cfg, RetentionSweeper.Result r) {
        List<VolumeMeter.Usage> usage = measure(cfg);
        if (cfg.policy() != RetentionPolicy.PROTECT) {
            if (!gated.isEmpty()) {
                gated.clear();
                gatedTiers.clear();
            }
            return;
        }
        boolean allUnderLow = true;
        long used = 0;
        long capacity = 0;
        for (VolumeMeter.Usage u : usage) {
            allUnderLow &= u.usedBytes() <= (long) (u.capacityBytes() * u.config().lowWatermark());
            used += u.usedBytes();
            capacity += Math.min(u.capacityBytes(), Long.MAX_VALUE / 64);
        }
        // Escalate to the next tier only if usage still grows with the gated tiers stopped.
        boolean growing = used > usedWhenGated + capacity / 100;
        if (r.anyStillOver() && (gatedTiers.isEmpty() || growing)) {
            // Gate the next tier up, lowest minimum first; a tier gated already stays gated.
            List<Tier> byMin = new ArrayList<>(cfg.tiers());
            byMin.sort((a, b) -> Integer.compare(a.minDays(), b.minDays()));
            for (Tier t : byMin) {
                if (!gatedTiers.contains(t.name())) {
                    gatedTiers.add(t.name());
                    Set<String> cams = new TreeSet<>();
                    for (String cam : allCameras(cfg)) {
                        if (cfg.tierOf(cam).name().equals(t.name())) {
                            cams.add(cam);
                        }
                    }
                    gated.addAll(cams);
                    usedWhenGated = used;
                    LOG.log(System.Logger.Level.ERROR, "RETENTION PROTECT: the volumes cannot hold every camera's minimum"
                            + " and nothing more can be deleted without breaking one; refusing new footage of tier "
                            + t.name() + " (" + t.minDays() + " days, cameras " + cams + ") to protect recorded evidence;"
                            + " add disk, release holds or lower a tier to resume");
                    break;
                }
            }
        } else if (allUnderLow && !gatedTiers.isEmpty()) {
            LOG.log(System.Logger.Level.WARNING, "retention protect: space is back under the low watermark; accepting"
                    + " new footage of tiers " + gatedTiers + " again");
            gated.clear();
            gatedTiers.clear();
        }
    }

    private void evaluateAlarm(RetentionConfig cfg, long now) {
        List<String> reasons = new ArrayList<>();
        String clockProblem = clock.problem();
        if (clockProblem != null) {
            reasons.add(clockProblem);
        }
        RetentionPlan plan = plan();
        if (!plan.feasible()) {
            reasons.add(String.format("the minimums need %s at measured bitrates but the volumes hold %s for footage"
                            + " (up to their high watermarks); add %s of disk or lower tiers",
                    bytes(plan.requiredBytes()), bytes(plan.usableBytes()), bytes(plan.requiredBytes() - plan.usableBytes())));
        }
        boolean[] p = pressureUnresolved;
        for (int i = 0; i < p.length && i < cfg.volumes().size(); i++) {
            if (p[i]) {
                reasons.add("volume " + cfg.volumes().get(i).root() + " stays over its high watermark: every segment"
                        + " on it is within its camera's minimum or held");
            }
        }
        if (!gated.isEmpty()) {
            reasons.add("protect policy refuses new footage of tiers " + gatedTiers);
        }
        if (!violations.isEmpty()) {
            reasons.add("overwrite-oldest deleted footage under the minimum of cameras " + new TreeSet<>(violations.keySet()));
        }
        if (waitedForReindex) {
            reasons.add("the store is indexing older footage its new index did not list (the first data root was"
                    + " replaced?); nothing is deleted until it is done, so new footage is lost if a volume fills up meanwhile");
        }
        boolean was = atRisk;
        alarms = List.copyOf(reasons);
        atRisk = !reasons.isEmpty();
        if (atRisk && !was) {
            LOG.log(System.Logger.Level.ERROR, "retention at risk: " + String.join("; ", reasons));
        } else if (!atRisk && was) {
            LOG.log(System.Logger.Level.INFO, "retention no longer at risk: every camera's minimum fits");
        }
    }

    static String bytes(long b) {
        if (Math.abs(b) >= 1_000_000_000L) {
            return String.format("%.2f GB", b / 1e9);
        }
        return Math.abs(b) >= 1_000_000L ? String.format("%.2f MB", b / 1e6) : String.format("%.1f kB", b / 1e3);
    }

    private List<VolumeMeter.Usage> measure(RetentionConfig cfg) {
        List<Volume> sv;
        try {
            sv = store.volumes();
        } catch (IOException | RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "cannot read data root usage from the store: " + e.getMessage()
                    + "; using retention's own count");
            sv = List.of();
        }
        return VolumeMeter.measure(cfg.volumes(), ledger.volumeBytes(), sv);
    }

    /** True while {@code retention at risk} is raised. */
    public boolean atRisk() {
        return atRisk;
    }

    /** The reasons of the current alarm, one line each; empty when not at risk. */
    public List<String> alarms() {
        return alarms;
    }

    /** Trusted time (ms): the clock retention ages footage by. */
    public long trustedNowMs() {
        return clock.now();
    }

    /** A one-line clock problem (wall clock stepped away from elapsed time), or null. */
    public String clockProblem() {
        return clock.problem();
    }

    private Set<String> allCameras(RetentionConfig cfg) {
        Set<String> cams = new LinkedHashSet<>(ledger.cameraIds());
        cams.addAll(cfg.cameraTiers().keySet());
        cams.addAll(gated); // listed from a restart on, before the first tick has read the index
        cams.addAll(violations.keySet());
        return cams;
    }

    /** {@code nvr retention plan}. */
    public RetentionPlan plan() {
        RetentionConfig cfg = config;
        List<RetentionPlanner.Input> in = new ArrayList<>();
        List<String> cams = new ArrayList<>(allCameras(cfg));
        Collections.sort(cams);
        for (String cam : cams) {
            FootageLedger.CameraSummary s = ledger.summary(cam);
            in.add(new RetentionPlanner.Input(cam, cfg.tierOf(cam), s == null ? 0 : s.bitrateBps(),
                    s == null ? 0 : s.bytesPerDay(), s == null ? 0 : s.bytes()));
        }
        List<RetentionPlan.Volume> vols = new ArrayList<>();
        for (VolumeMeter.Usage u : measure(cfg)) {
            vols.add(u.describe());
        }
        return RetentionPlanner.plan(in, vols);
    }

    /** {@code nvr retention status}: one row per camera, sorted by camera id. */
    public List<CameraRetention> status() {
        RetentionConfig cfg = config;
        RetentionPlan plan = plan();
        Map<String, RetentionPlan.CameraNeed> needs = new HashMap<>();
        for (RetentionPlan.CameraNeed n : plan.cameras()) {
            needs.put(n.camera(), n);
        }
        String clockProblem = clock.problem();
        boolean[] pressure = pressureUnresolved;
        boolean volumeStuck = false;
        for (boolean b : pressure) {
            volumeStuck |= b;
        }
        long now = clock.now();
        List<CameraRetention> out = new ArrayList<>();
        for (RetentionPlan.CameraNeed n : plan.cameras()) {
            String cam = n.camera();
            Tier tier = cfg.tierOf(cam);
            FootageLedger.CameraSummary s = ledger.summary(cam);
            long oldest = 0;
            long newest = 0;
            long recordedMs = 0;
            long gaps = 0;
            if (s != null) {
                nvr.storage.SegmentRun first = new SegmentWalk(store, cam, ledger.days(cam), 0, Long.MAX_VALUE, 1).nextRun();
                oldest = first != null ? first.startMs(0) : s.firstDayStartMs();
                newest = s.newestEndMs();
                recordedMs = s.recordedMs();
                gaps = Math.max(0, newest - oldest - recordedMs);
            }
            RetentionState state = RetentionState.OK;
            String reason = "";
            Long violatedEnd = violations.get(cam);
            if (gated.contains(cam)) {
                state = RetentionState.VIOLATED;
                reason = "new footage refused by policy protect: the volumes cannot hold every minimum; add disk,"
                        + " release holds or lower a tier";
            } else if (violatedEnd != null) {
                state = RetentionState.VIOLATED;
                reason = String.format("overwrite-oldest deleted footage %.1f days old, under the %d-day minimum; add disk",
                        (now - violatedEnd) / (double) DAY, tier.minDays());
            } else if (clockProblem != null) {
                state = RetentionState.AT_RISK;
                reason = clockProblem;
            } else if (n.projectedDays() < tier.minDays()) {
                state = RetentionState.AT_RISK;
                reason = String.format("volumes hold %.1f days at %.2f Mbit/s, the %s tier needs %d; add %s of disk",
                        n.projectedDays(), n.bitrateBps() / 1e6, tier.name(), tier.minDays(),
                        bytes(plan.requiredBytes() - plan.usableBytes()));
            } else if (volumeStuck) {
                state = RetentionState.AT_RISK;
                reason = "a volume stays over its high watermark with nothing deletable; add disk or release holds";
            }
            out.add(new CameraRetention(cam, tier.name(), tier.minDays(), tier.maxDays(), oldest, newest,
                    Math.round(recordedMs * 100.0 / DAY) / 100.0, gaps, Math.round(n.bitrateBps()), n.projectedDays(),
                    state, reason));
        }
        return out;
    }

    /**
     * Creates a legal hold; returns it (its id is what {@code nvr hold create} prints). Audited.
     *
     * @param untilMs 0 for a hold that lasts until released
     * @throws IllegalArgumentException with a one-line message on bad input
     */
    public LegalHold createHold(String camera, long fromMs, long toMs, String caseId, long untilMs, String who) {
        return holds.create(camera, fromMs, toMs, caseId, untilMs, who, clock.now());
    }

    /** Every hold, oldest first. */
    public List<LegalHold> holds() {
        return holds.list();
    }

    /** Releases a hold; false when no hold has that id. Audited. */
    public boolean releaseHold(String id, String who) {
        return holds.release(id, who, clock.now(), "hold-release");
    }

    /** True when this segment lies under a legal hold. */
    public boolean isHeld(SegmentInfo s) {
        return holds.isHeld(s.camera(), s.startMs(), s.endMs());
    }
}
