package nvr.storage.retention;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import nvr.storage.SegmentInfo;
import nvr.storage.audit.AuditEvent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * 120 simulated days of three tiers of cameras on a volume sized to the minimums plus 10%, then the
 * volume shrinks below the minimums and each policy is checked. Real Store, real segment files, real
 * RocksDB; only the clock is simulated and the volume size is a quota.
 */
class RetentionSimulationTest {
    private static final long DAY = RetentionSim.DAY;
    private static final long T0 = 1_767_225_600_000L; // 2026-01-01T00:00Z
    private static final boolean FULL = !"quick".equals(System.getProperty("nvr.test.profile", "full"));
    /** One burst (= one segment) per camera per step. */
    private static final long STEP = (FULL ? 6 : 12) * 3_600_000L;
    private static final int STEPS_PER_DAY = (int) (DAY / STEP);

    private static final Map<String, Integer> CAMERAS = new LinkedHashMap<>();
    private static final Map<String, String> TIER_OF = new LinkedHashMap<>();

    static {
        CAMERAS.put("gen-1", 3000);
        CAMERAS.put("gen-2", 2400);
        CAMERAS.put("city-1", 2000);
        CAMERAS.put("city-2", 1600);
        CAMERAS.put("key-1", 1200);
        CAMERAS.put("key-2", 1000);
        TIER_OF.put("city-1", "city");
        TIER_OF.put("city-2", "city");
        TIER_OF.put("key-1", "key-area");
        TIER_OF.put("key-2", "key-area");
    }

    private static final List<Tier> TIERS = List.of(new Tier("general", 30), new Tier("city", 60), new Tier("key-area", 90));

    private FastTempDir dir;
    private Path tmp;

    @BeforeEach
    void makeDir() throws IOException {
        dir = new FastTempDir("retention-sim");
        tmp = dir.path;
    }

    @AfterEach
    void removeDir() throws IOException {
        dir.close();
    }

    private static RetentionConfig config(Path root, long quota, RetentionPolicy policy) {
        return new RetentionConfig(TIERS, "general", TIER_OF, policy,
                List.of(new VolumeConfig(root, 0.95, 0.93, quota)), Duration.ofHours(1));
    }

    private static int minDays(String cam) {
        return switch (TIER_OF.getOrDefault(cam, "general")) {
            case "city" -> 60;
            case "key-area" -> 90;
            default -> 30;
        };
    }

    @Test
    void hundredTwentyDaysAtMinimumsPlusTenPercentThenShrink() throws Exception {
        Path main = tmp.resolve("main");
        FakeTime time = new FakeTime(T0);
        long capacity;
        long required;
        LegalHold forever;
        LegalHold expiring;
        try (RetentionSim sim = new RetentionSim(main, time, config(main, 1L << 40, RetentionPolicy.PROTECT), CAMERAS, 0)) {
            for (int i = 0; i < STEPS_PER_DAY; i++) {
                sim.step(STEP);
            }
            // Size the volume from what one burst really takes on disk (frame header included).
            required = 0;
            for (String cam : CAMERAS.keySet()) {
                SegmentInfo first = sim.store.segments(cam, 0, Long.MAX_VALUE).get(0);
                required += first.bytes() * STEPS_PER_DAY * minDays(cam);
            }
            capacity = required * 11 / 10;
            sim.manager.reconfigure(config(main, capacity, RetentionPolicy.PROTECT));
            forever = sim.manager.createHold("gen-1", T0 + 5 * DAY, T0 + 8 * DAY, "CASE-2026-001", 0, "test");
            expiring = sim.manager.createHold("city-1", T0 + 10 * DAY, T0 + 12 * DAY, "CASE-2026-002", T0 + 100 * DAY, "test");

            for (int day = 2; day <= 120; day++) {
                for (int i = 0; i < STEPS_PER_DAY; i++) {
                    sim.step(STEP);
                }
                for (String cam : CAMERAS.keySet()) {
                    assertEquals(0, sim.missingWithinMinimum(cam, minDays(cam)),
                            "day " + day + ": " + cam + " lost footage younger than its " + minDays(cam) + "-day minimum");
                }
                assertEquals(List.of(), sim.missingIn("gen-1", forever.fromMs(), forever.toMs()), "day " + day + ": held footage deleted");
                if (time.wallMs() < expiring.untilMs()) {
                    assertEquals(List.of(), sim.missingIn("city-1", expiring.fromMs(), expiring.toMs()), "day " + day + ": held footage deleted");
                }
                long used = sim.segmentBytes();
                assertTrue(used <= capacity, "day " + day + ": " + used + " bytes on a " + capacity + "-byte volume");
                if (day >= 8) {
                    assertFalse(sim.manager.atRisk(), "day " + day + ": alarm with every minimum fitting: " + sim.manager.alarms());
                }
            }
            // Space pressure did the deleting: the general tier is kept about its minimum plus the 10% share.
            assertTrue(sim.meters.counter("nvr.retention.deleted.segments").count() > 0);
            assertEquals(0.0, sim.meters.counter("nvr.retention.violations").count());
            // The expired hold let its footage go (city-1 days 10-12 are far past the 60-day minimum).
            assertFalse(sim.missingIn("city-1", expiring.fromMs(), expiring.toMs()).isEmpty(), "expired hold still protecting");
            assertEquals(List.of(forever.id()), sim.manager.holds().stream().map(LegalHold::id).toList());
            // Held footage is now the camera's oldest.
            assertEquals(sim.accepted.get("gen-1").ceiling(T0 + 5 * DAY), sim.stored("gen-1").first(),
                    "everything of gen-1 before its hold is gone; the held footage is its oldest");
            for (CameraRetention st : sim.manager.status()) {
                assertEquals(RetentionState.OK, st.status(), st.toString());
                assertTrue(st.projectedDays() >= st.minDays(), st.toString());
                assertTrue(time.wallMs() - st.oldestMs() >= st.minDays() * DAY, "oldest footage of " + st);
                assertEquals(TIER_OF.getOrDefault(st.camera(), "general"), st.tier());
            }
            RetentionPlan plan = sim.manager.plan();
            assertTrue(plan.feasible(), plan.toString());
            assertEquals(required, plan.requiredBytes(), required / 50.0, "planned need vs the true need");
            List<String> actions = sim.store.auditEvents(0, Long.MAX_VALUE).stream().map(AuditEvent::action).distinct().toList();
            assertTrue(actions.containsAll(List.of("hold-create", "hold-expire", "retention-delete")), actions.toString());
            sim.assertSegmentsMatchIndex();
            forkState = new Fork(time.copy(), sim);
        }
        Path protect = copy(main, tmp.resolve("protect"));
        Path overwrite = copy(main, tmp.resolve("overwrite"));
        shrink(protect, RetentionPolicy.PROTECT, capacity * 8 / 10, forever);
        shrink(overwrite, RetentionPolicy.OVERWRITE_OLDEST, capacity * 8 / 10, forever);
    }

    private record Fork(FakeTime time, RetentionSim sim) {
    }

    private Fork forkState;

    /** The volume shrinks to 80% of the sized capacity (below the minimums), for 15 more days. */
    private void shrink(Path root, RetentionPolicy policy, long capacity, LegalHold hold) throws Exception {
        try (RetentionSim sim = new RetentionSim(root, forkState.time().copy(), config(root, capacity, policy), CAMERAS,
                forkState.sim().trueNowMs)) {
            sim.inheritRecord(forkState.sim());
            // The alarm is raised at the first look, before anything under a minimum is touched.
            RetentionManager.TickReport first = sim.manager.tick();
            assertTrue(first.atRisk(), policy + ": no alarm after the volume shrank");
            assertTrue(String.join(";", sim.manager.alarms()).contains("minimums need"), sim.manager.alarms().toString());
            int firstUnderMinimumStep = -1;
            int stepNo = 0;
            boolean everGated = false;
            for (int day = 1; day <= 15; day++) {
                for (int i = 0; i < STEPS_PER_DAY; i++) {
                    RetentionManager.TickReport r = sim.step(STEP);
                    stepNo++;
                    assertTrue(r.atRisk(), policy + " step " + stepNo + ": alarm dropped while the volume is too small");
                    if (r.deletedUnderMinimum() > 0 && firstUnderMinimumStep < 0) {
                        firstUnderMinimumStep = stepNo;
                    }
                    everGated |= !r.gatedCameras().isEmpty();
                }
                assertEquals(List.of(), sim.missingIn("gen-1", hold.fromMs(), hold.toMs()), policy + ": held footage deleted");
                if (policy == RetentionPolicy.PROTECT) {
                    for (String cam : CAMERAS.keySet()) {
                        assertEquals(0, sim.missingWithinMinimum(cam, minDays(cam)),
                                "protect, day " + day + ": " + cam + " lost footage under its minimum");
                    }
                } else {
                    assertTrue(sim.segmentBytes() <= capacity * 0.95 + 4096, "overwrite keeps the volume under its high watermark");
                }
            }
            List<CameraRetention> status = sim.manager.status();
            if (policy == RetentionPolicy.PROTECT) {
                assertTrue(everGated, "protect never refused footage");
                assertTrue(sim.refused > 0);
                assertEquals(0.0, sim.meters.counter("nvr.retention.violations").count());
                for (CameraRetention st : status) {
                    if (st.tier().equals("general")) {
                        assertEquals(RetentionState.VIOLATED, st.status(), st.toString());
                        assertTrue(st.reason().contains("protect"), st.reason());
                        assertFalse(sim.manager.acceptsFootage(st.camera()));
                    } else {
                        assertEquals(RetentionState.AT_RISK, st.status(), st.toString());
                        assertTrue(sim.manager.acceptsFootage(st.camera()), "only the lowest tier is refused: " + st);
                    }
                }
            } else {
                assertTrue(firstUnderMinimumStep > 0, "overwrite-oldest never had to delete under a minimum");
                assertTrue(sim.meters.counter("nvr.retention.violations").count() > 0);
                assertEquals(0, sim.refused, "overwrite-oldest refused footage");
                long violated = status.stream().filter(s -> s.status() == RetentionState.VIOLATED).count();
                assertTrue(violated > 0, status.toString());
                int lost = 0;
                for (String cam : CAMERAS.keySet()) {
                    lost += sim.missingWithinMinimum(cam, minDays(cam));
                }
                assertTrue(lost > 0, "the ring deleted under-minimum footage, and the test sees it");
            }
            sim.assertSegmentsMatchIndex();
            // Gates and violations survive a restart: refused and reported from the start, not from the first sweep.
            Set<String> violatedBefore = new TreeSet<>();
            status.stream().filter(st -> st.status() == RetentionState.VIOLATED).forEach(st -> violatedBefore.add(st.camera()));
            sim.close();
            try (RetentionSim again = new RetentionSim(root, sim.time, config(root, capacity, policy), CAMERAS, sim.trueNowMs)) {
                for (String cam : CAMERAS.keySet()) {
                    assertEquals(policy != RetentionPolicy.PROTECT || !cam.startsWith("gen-"),
                            again.manager.acceptsFootage(cam), policy + " after restart: " + cam);
                }
                Set<String> violatedAfter = new TreeSet<>();
                for (CameraRetention st : again.manager.status()) {
                    if (st.status() == RetentionState.VIOLATED) {
                        violatedAfter.add(st.camera());
                    }
                }
                assertEquals(violatedBefore, violatedAfter, policy + ": violations after a restart, before any sweep");
            }
        }
    }

    private static Path copy(Path from, Path to) throws IOException {
        try (Stream<Path> s = Files.walk(from)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                Path d = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(d);
                } else {
                    Files.copy(p, d, StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
        return to;
    }
}
