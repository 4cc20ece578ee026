package nvr.ingest.media;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class WallClockMapperTest {
    private static final long T0 = 1_700_000_000_000L;

    @Test
    void steadyStreamFollowsItsTimestampsWithinAMillisecond() {
        WallClockMapper m = new WallClockMapper(2000);
        for (int i = 0; i < 1000; i++) {
            long arrival = T0 + i * 40L + (i % 7); // up to 6 ms of network jitter
            long t = m.map(i * 3600L, arrival);
            assertTrue(Math.abs(t - (T0 + i * 40L)) <= 2, "frame " + i + " at " + (t - T0));
        }
    }

    @Test
    void survives32And33BitTimestampWrap() {
        for (long start : new long[] {(1L << 32) - 36_000, (1L << 33) - 36_000}) {
            WallClockMapper m = new WallClockMapper(2000);
            long mask = start < (1L << 32) ? 0xFFFFFFFFL : (1L << 33) - 1;
            long prev = Long.MIN_VALUE;
            for (int i = 0; i < 50; i++) {
                long t = m.map((start + i * 3600L) & mask, T0 + i * 40L);
                assertEquals(T0 + i * 40L, t, "frame " + i);
                assertTrue(t > prev);
                prev = t;
            }
            assertEquals(0, m.reanchors);
        }
    }

    @Test
    void cameraClockJumpReanchorsOnTheServerClockAndStaysMonotonic() {
        WallClockMapper m = new WallClockMapper(2000);
        long prev = 0;
        for (int i = 0; i < 100; i++) {
            long pts = i < 50 ? i * 3600L : 900_000_000L + i * 3600L; // camera clock set forward by ~2.8 h
            if (i >= 70 && i < 80) {
                pts = 5000L + i * 3600L; // and back again
            }
            long t = m.map(pts, T0 + i * 40L);
            assertTrue(t >= prev, "monotonic at " + i);
            assertTrue(Math.abs(t - (T0 + i * 40L)) <= 40, "frame " + i + " off by " + (t - T0 - i * 40L));
            prev = t;
        }
        assertTrue(m.reanchors >= 2);
    }

    @Test
    void startupBurstIsNeverStampedInTheFuture() {
        WallClockMapper m = new WallClockMapper(2000);
        long prev = 0;
        for (int i = 0; i < 50; i++) { // 2 s of cached GOP delivered within 50 ms
            long arrival = T0 + i;
            long t = m.map(i * 3600L, arrival);
            assertTrue(t <= arrival && t >= prev);
            prev = t;
        }
        for (int i = 50; i < 100; i++) { // then real time
            long arrival = T0 + 50 + (i - 50) * 40L;
            long t = m.map(i * 3600L, arrival);
            assertTrue(t <= arrival && t >= prev);
            assertTrue(arrival - t <= 40, "frame " + i + " lags " + (arrival - t));
            prev = t;
        }
    }

    @Test
    void pauseLongerThanResyncReanchorsAtTheNextKeyframeWithoutAJumpBefore() {
        WallClockMapper m = new WallClockMapper(2000);
        m.map(0, T0, true);
        m.map(3600, T0 + 40, false);
        long prev = m.map(7200, T0 + 80, false);
        for (int i = 3; i < 10; i++) { // the stream stalled 10 s, its timestamps did not move on
            long t = m.map(i * 3600L, T0 + 10_000 + (i - 3) * 40L, false);
            assertTrue(t - prev <= 40 + WallClockMapper.MAX_RISE_MS, "no jump on a P-frame: " + (t - prev));
            prev = t;
        }
        long key = m.map(10 * 3600L, T0 + 10_280, true);
        assertEquals(T0 + 10_280, key);
        assertEquals(T0 + 10_320, m.map(11 * 3600L, T0 + 10_320, false));
    }

    @Test
    void backlogDrainedAfterAStallIsStampedByItsTimestamps() {
        WallClockMapper m = new WallClockMapper(2000);
        for (int i = 0; i < 25; i++) {
            m.map(i * 3600L, T0 + i * 40L, i == 0);
        }
        long prev = T0 + 24 * 40;
        for (int i = 25; i < 150; i++) { // our side stalled 5 s; 125 frames then arrive within 100 ms
            long t = m.map(i * 3600L, T0 + 5000 + (i - 25) / 2, i % 50 == 0);
            assertTrue(t >= prev && t - prev <= 2000, "frame " + i + " step " + (t - prev));
            prev = t;
        }
    }

    @Test
    void projectsAudioOnTheVideoClockWithoutMovingIt() {
        WallClockMapper m = new WallClockMapper(2000);
        assertEquals(Long.MIN_VALUE, m.project(1000), "no video yet: audio cannot be timed");
        long t0 = m.map(90_000, 5_000_000);
        assertEquals(t0 + 20, m.project(90_000 + 1800));
        assertEquals(t0 - 20, m.project(90_000 - 1800));
        assertEquals(Long.MIN_VALUE, m.project(90_000 + 11 * 90_000L), "a jump is dropped, not mistimed");
        assertEquals(t0 + 10, m.project((90_000 + 900 + (1L << 32)) & 0xFFFFFFFFL), "32-bit wrap");
        long t1 = m.map(90_000 + 3600, 5_000_040);
        assertEquals(t0 + 40, t1, "projections did not move the mapping");
        assertEquals(t1 + 20, m.project(90_000 + 3600 + 1800));
    }
}
