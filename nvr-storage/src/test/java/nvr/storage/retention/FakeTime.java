package nvr.storage.retention;

/** A wall clock and a monotonic clock that tests move by hand; {@link #stepWall} moves the wall clock only. */
final class FakeTime implements TimeSource {
    private long wallMs;
    private long monoNanos = 1_000_000_000L;

    FakeTime(long wallMs) {
        this.wallMs = wallMs;
    }

    @Override
    public synchronized long wallMs() {
        return wallMs;
    }

    @Override
    public synchronized long monotonicNanos() {
        return monoNanos;
    }

    /** Time passes: both clocks advance. */
    synchronized void advance(long ms) {
        wallMs += ms;
        monoNanos += ms * 1_000_000L;
    }

    /** The wall clock is stepped (NTP step, RTC reset); no time passes. */
    synchronized void stepWall(long deltaMs) {
        wallMs += deltaMs;
    }

    synchronized FakeTime copy() {
        FakeTime t = new FakeTime(wallMs);
        t.monoNanos = monoNanos;
        return t;
    }
}
