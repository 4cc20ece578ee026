package nvr.storage.retention;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import nvr.storage.Store;
import nvr.storage.StoreConfig;
import nvr.storage.audit.AuditEvent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Holds survive a restart and are audited; status and plan carry the contract's fields; bad input is one line. */
class RetentionManagerTest {
    private static final long DAY = 86_400_000L;
    private static final long T0 = 1_767_225_600_000L;

    @TempDir
    Path root;

    private RetentionConfig config() {
        return new RetentionConfig(List.of(new Tier("general", 30), new Tier("key-area", 90)), "general",
                Map.of("cam-k", "key-area"), RetentionPolicy.PROTECT,
                List.of(new VolumeConfig(root, 0.9, 0.85, 10L << 30)), Duration.ofMinutes(1));
    }

    private Store open() throws Exception {
        return Store.open(new StoreConfig(List.of(root), 60, 1 << 20, 1000, 16 << 20), new SimpleMeterRegistry());
    }

    @Test
    void holdsPersistAcrossRestartAndAreAudited() throws Exception {
        FakeTime time = new FakeTime(T0);
        String id;
        try (Store store = open(); RetentionManager m = new RetentionManager(store, config(), time, new SimpleMeterRegistry())) {
            LegalHold h = m.createHold("cam-1", T0 - DAY, T0, "CASE-7", 0, "alice");
            id = h.id();
            LegalHold other = m.createHold("cam-2", T0 - DAY, T0, "CASE-8", T0 + DAY, "bob");
            assertTrue(m.releaseHold(other.id(), "bob"));
            assertFalse(m.releaseHold("h-nope", "bob"));
            assertThrows(IllegalArgumentException.class, () -> m.createHold("cam-1", T0, T0 - 1, "C", 0, "x"));
            assertThrows(IllegalArgumentException.class, () -> m.createHold("cam-1", T0 - 2, T0, "", 0, "x"));
            assertThrows(IllegalArgumentException.class, () -> m.createHold("cam-1", T0 - 2, T0, "C\n1", 0, "x"));
            assertThrows(IllegalArgumentException.class, () -> m.createHold("cam-1", T0 - 2, T0, "C", T0 - DAY, "x"));
            store.flush();
            List<String> actions = store.auditEvents(0, Long.MAX_VALUE).stream().map(AuditEvent::action).toList();
            assertEquals(List.of("hold-create", "hold-create", "hold-release"), actions);
        }
        try (Store store = open(); RetentionManager m = new RetentionManager(store, config(), time, new SimpleMeterRegistry())) {
            List<LegalHold> holds = m.holds();
            assertEquals(1, holds.size());
            LegalHold h = holds.get(0);
            assertEquals(id, h.id());
            assertEquals("CASE-7", h.caseId());
            assertEquals("alice", h.createdBy());
            Map<String, Object> json = h.jsonFields();
            assertEquals(List.of("id", "camera", "fromMs", "toMs", "case", "untilMs"), List.copyOf(json.keySet()).subList(0, 6));
            assertEquals(null, json.get("untilMs"));
        }
    }

    @Test
    void statusAndPlanDescribeEveryCamera() throws Exception {
        FakeTime time = new FakeTime(T0);
        try (Store store = open(); RetentionManager m = new RetentionManager(store, config(), time, new SimpleMeterRegistry())) {
            // 2 days of a 25 fps-ish camera in 1 s bursts every minute is too slow to build; 1 frame/s for 2 h is enough.
            for (int s = 0; s < 7200; s++) {
                time.advance(1000);
                store.writer("cam-1").append(time.wallMs(), s % 10 == 0, 0x1B, new byte[1000]);
                store.writer("cam-k").append(time.wallMs(), s % 10 == 0, 0x1B, new byte[500]);
            }
            store.flush();
            m.tick();
            List<CameraRetention> st = m.status();
            assertEquals(List.of("cam-1", "cam-k"), st.stream().map(CameraRetention::camera).toList());
            CameraRetention c1 = st.get(0);
            assertEquals("general", c1.tier());
            assertEquals(30, c1.minDays());
            assertEquals(T0 + 1000, c1.oldestMs());
            assertTrue(c1.newestMs() >= T0 + 7_190_000, c1.toString());
            assertEquals(8000, c1.bitrateBps(), 400, "1000-byte frames at 1/s");
            assertEquals(RetentionState.OK, c1.status(), c1.reason());
            assertTrue(c1.projectedDays() >= 30);
            assertEquals("key-area", st.get(1).tier());
            assertEquals(List.of("camera", "tier", "minDays"), List.copyOf(c1.jsonFields().keySet()).subList(0, 3));
            assertTrue(c1.jsonFields().keySet().containsAll(List.of("oldestMs", "newestMs", "projectedDays", "status", "reason")));

            RetentionPlan plan = m.plan();
            assertTrue(plan.feasible());
            RetentionPlan.CameraNeed need = plan.cameras().get(0);
            // ~1000 bytes + record header per second, a day of it, times 30 days.
            assertEquals(1000.0 * 86_400 * 30, need.requiredBytes(), 0.05 * 1000.0 * 86_400 * 30);
            assertEquals(10L << 30, plan.volumes().get(0).capacityBytes());

            // Shrink the quota below the plan: status turns AT_RISK with a reason, before anything is deleted.
            m.reconfigure(config().withVolumes(List.of(new VolumeConfig(root, 0.9, 0.85, 100L << 20))));
            m.tick();
            assertTrue(m.atRisk());
            CameraRetention risky = m.status().get(0);
            assertEquals(RetentionState.AT_RISK, risky.status());
            assertTrue(risky.reason().contains("add"), risky.reason());
            assertTrue(risky.projectedDays() < 30);
        }
    }

    @Test
    void configRejectsNonsenseInOneLine() {
        assertThrows(IllegalArgumentException.class, () -> new Tier("x", 30, 10));
        assertThrows(IllegalArgumentException.class, () -> RetentionPolicy.parse("keep-everything"));
        assertEquals(RetentionPolicy.OVERWRITE_OLDEST, RetentionPolicy.parse("overwrite-oldest"));
        assertThrows(IllegalArgumentException.class, () -> new VolumeConfig(root, 0.5, 0.9, 0));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new RetentionConfig(
                List.of(new Tier("general", 30)), "city", Map.of(), RetentionPolicy.PROTECT,
                List.of(VolumeConfig.of(root)), Duration.ofMinutes(1)));
        assertFalse(e.getMessage().contains("\n"));
        assertThrows(IllegalArgumentException.class, () -> new RetentionConfig(
                List.of(new Tier("general", 30)), "general", Map.of("cam", "nope"), RetentionPolicy.PROTECT,
                List.of(VolumeConfig.of(root)), Duration.ofMinutes(1)));
    }
}
