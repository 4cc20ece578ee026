package nvr.storage.retention;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import nvr.storage.FrameCursor;
import nvr.storage.FrameRecord;
import nvr.storage.Store;
import nvr.storage.StoreConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * The wall clock is stepped back 20 years (with a restart while it is wrong, as after an RTC reset), fixed,
 * stepped forward a year and back, all while cameras record on a volume small enough that retention must
 * keep deleting. Every frame carries its id and true recording time; after every simulated day no frame
 * younger than its camera's minimum (in true time) may be missing, while older footage keeps being deleted.
 */
class RetentionClockJumpTest {
    private static final long DAY = 86_400_000L;
    private static final long YEAR = 365 * DAY;
    private static final long T0 = 1_767_225_600_000L; // 2026-01-01T00:00Z
    private static final long STEP = 6 * 3_600_000L;
    private static final int MIN_DAYS = 30;
    private static final Map<String, Integer> CAMERAS = Map.of("cam-a", 2000, "cam-b", 1000);

    private FastTempDir dir;
    private Path root;

    @BeforeEach
    void makeDir() throws IOException {
        dir = new FastTempDir("retention-clock");
        root = dir.path.resolve("data");
    }

    @AfterEach
    void removeDir() throws IOException {
        dir.close();
    }

    private final FakeTime time = new FakeTime(T0);
    private final Map<String, Map<Long, Long>> trueTimeById = new HashMap<>();
    private long trueNow;
    private long nextId;
    private long quota;
    private Store store;
    private RetentionManager manager;

    private RetentionConfig config() {
        // max-days 45: a forward jump trusted blindly would trim everything.
        return new RetentionConfig(List.of(new Tier("general", MIN_DAYS, 45)), "general", Map.of(),
                RetentionPolicy.PROTECT, List.of(new VolumeConfig(root, 0.95, 0.93, quota)), Duration.ofHours(1));
    }

    private void open() throws IOException {
        store = Store.open(new StoreConfig(List.of(root), 3600, 1 << 20, 1000, 16 << 20), new SimpleMeterRegistry());
        manager = new RetentionManager(store, config(), time, new SimpleMeterRegistry());
    }

    private void close() throws IOException {
        manager.close();
        store.close();
    }

    private void days(int n) throws IOException {
        for (int d = 0; d < n; d++) {
            for (int i = 0; i < DAY / STEP; i++) {
                time.advance(STEP);
                trueNow += STEP;
                for (Map.Entry<String, Integer> c : CAMERAS.entrySet()) {
                    long id = nextId++;
                    ByteBuffer p = ByteBuffer.allocate(c.getValue());
                    p.putLong(id).putLong(trueNow);
                    assertTrue(store.writer(c.getKey()).append(time.wallMs(), true, 0x1B, p.array()), "frame refused");
                    trueTimeById.computeIfAbsent(c.getKey(), k -> new HashMap<>()).put(id, trueNow);
                }
                store.flush();
                manager.tick();
            }
            assertNothingYoungMissing();
        }
    }

    private Set<Long> storedIds(String cam) throws IOException {
        Set<Long> ids = new HashSet<>();
        try (FrameCursor c = store.openCursor(cam, 0, Long.MAX_VALUE)) {
            for (FrameRecord f; (f = c.next()) != null; ) {
                ids.add(ByteBuffer.wrap(f.payload()).getLong());
            }
        }
        return ids;
    }

    private void assertNothingYoungMissing() throws IOException {
        for (String cam : CAMERAS.keySet()) {
            Set<Long> have = storedIds(cam);
            List<Long> missing = new ArrayList<>();
            for (Map.Entry<Long, Long> e : trueTimeById.get(cam).entrySet()) {
                if (e.getValue() > trueNow - MIN_DAYS * DAY && !have.contains(e.getKey())) {
                    missing.add(e.getKey());
                }
            }
            assertEquals(List.of(), missing, cam + ": frames younger than " + MIN_DAYS + " days (true time) were deleted;"
                    + " wall " + java.time.Instant.ofEpochMilli(time.wallMs()));
        }
    }

    /** Frames recorded more than {@code days} ago (true time) that are still stored. */
    private int storedOlderThan(int days) throws IOException {
        int n = 0;
        for (String cam : CAMERAS.keySet()) {
            Set<Long> have = storedIds(cam);
            for (Map.Entry<Long, Long> e : trueTimeById.get(cam).entrySet()) {
                if (e.getValue() < trueNow - days * DAY && have.contains(e.getKey())) {
                    n++;
                }
            }
        }
        return n;
    }

    @Test
    void clockBackTwentyYearsAndForwardOneYearDeletesNothingYoung() throws Exception {
        // Room for the minimum plus 10%: retention must delete past-minimum footage all along.
        quota = (long) ((2000 + 1000 + 2 * 64) * (DAY / STEP) * MIN_DAYS * 1.1);
        open();
        days(40);
        int old = storedOlderThan(MIN_DAYS + 5);
        assertEquals(0, old, "pressure keeps about the minimum: nothing older than 35 days");

        // NTP steps the clock back 20 years while recording; then the box restarts with the wrong clock.
        time.stepWall(-20 * YEAR);
        days(1);
        assertNotNull(manager.clockProblem());
        assertTrue(manager.atRisk(), "a clock that went backwards is reported");
        close();
        open();
        days(2);
        assertNotNull(manager.clockProblem());

        // The clock is fixed. Footage stamped 20 years ago is 1-3 days old and must survive oldest-first
        // deletion and the 45-day maximum.
        time.stepWall(20 * YEAR);
        days(10);
        assertEquals(null, manager.clockProblem());
        assertEquals(0, storedOlderThan(MIN_DAYS + 5), "retention kept deleting old footage by trusted time");

        // A bad NTP server steps the clock a year ahead: nothing may suddenly look a year old.
        time.stepWall(YEAR);
        days(3);
        assertNotNull(manager.clockProblem());
        // ... and a restart while it is wrong, then the step back.
        close();
        open();
        days(1);
        time.stepWall(-YEAR);
        days(5);
        assertNothingYoungMissing();
        close();
    }
}
