package nvr.storage.retention;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrustedClockTest {
    private static final long DAY = 86_400_000L;
    private static final long T0 = 1_795_000_000_000L; // 2026-11
    private static final long YEAR = 365 * DAY;

    @TempDir
    Path dir;

    private TrustedClock open(FakeTime t, long newest) throws Exception {
        return TrustedClock.open(dir.resolve(TrustedClock.FILE_NAME), t, Duration.ofDays(30), Duration.ofMinutes(2), newest);
    }

    @Test
    void followsAConsistentWallClock() throws Exception {
        FakeTime t = new FakeTime(T0);
        TrustedClock c = open(t, Long.MIN_VALUE);
        t.advance(DAY);
        assertEquals(T0 + DAY, c.tick());
        assertNull(c.problem());
        assertEquals(T0 + 5, c.trustedTimeOf(T0 + 5));
    }

    @Test
    void forwardStepDoesNotAgeFootage() throws Exception {
        FakeTime t = new FakeTime(T0);
        TrustedClock c = open(t, Long.MIN_VALUE);
        t.advance(60_000);
        t.stepWall(YEAR);
        long now = c.tick();
        assertEquals(T0 + 60_000, now, "trusted time advanced by elapsed time only");
        assertNotNull(c.problem());
        t.advance(DAY);
        assertEquals(T0 + 60_000 + DAY, c.tick());
    }

    @Test
    void backwardStepSkewsFootageStampedByTheBadClock() throws Exception {
        FakeTime t = new FakeTime(T0);
        TrustedClock c = open(t, Long.MIN_VALUE);
        t.advance(60_000);
        c.tick();
        t.stepWall(-20 * YEAR);
        long badStamp = t.wallMs() + 1000;
        long now = c.tick();
        assertEquals(T0 + 60_000, now);
        t.advance(DAY);
        c.tick();
        long badStamp2 = t.wallMs();
        // Clock fixed: wall = trusted again.
        t.stepWall(20 * YEAR);
        t.advance(1000);
        now = c.tick();
        assertNull(c.problem());
        assertTrue(c.trustedTimeOf(badStamp) >= T0 + 60_000, "footage stamped 20 years back is aged as recorded now");
        assertTrue(now - c.trustedTimeOf(badStamp2) <= 60_000 + 1000 + 120_000);
        assertEquals(T0 - DAY, c.trustedTimeOf(T0 - DAY), "older footage keeps its age");
    }

    @Test
    void backwardAtRestartIsRemembered() throws Exception {
        FakeTime t = new FakeTime(T0);
        TrustedClock c = open(t, Long.MIN_VALUE);
        t.advance(DAY);
        c.tick();
        // Power loss: RTC reset to 2000-01-01.
        FakeTime after = new FakeTime(946_684_800_000L);
        TrustedClock c2 = open(after, Long.MIN_VALUE);
        assertEquals(T0 + DAY, c2.now());
        assertTrue(c2.trustedTimeOf(after.wallMs() + 5_000) >= T0 + DAY);
        // And a third start after NTP fixed it still knows the epoch.
        FakeTime fixed = new FakeTime(T0 + DAY + 3_600_000L);
        TrustedClock c3 = open(fixed, Long.MIN_VALUE);
        assertEquals(T0 + DAY + 3_600_000L, c3.now());
        assertTrue(c3.trustedTimeOf(946_684_800_000L + 5_000) >= T0 + DAY);
    }

    @Test
    void longForwardGapAtRestartIsNotTrusted() throws Exception {
        FakeTime t = new FakeTime(T0);
        open(t, Long.MIN_VALUE);
        FakeTime later = new FakeTime(T0 + YEAR);
        TrustedClock c = open(later, Long.MIN_VALUE);
        assertEquals(T0, c.now());
        assertNotNull(c.problem());
    }
}
