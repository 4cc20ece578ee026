package nvr.storage.retention;

import java.time.InstantSource;
import java.util.function.LongSupplier;

/**
 * The two clocks retention needs: the wall clock (may be stepped by NTP or reset by a dead RTC battery)
 * and a monotonic clock (never jumps, arbitrary origin, does not survive a restart). Tests pass a fake
 * that advances both, or steps only the wall clock to simulate a jump.
 */
public interface TimeSource {
    long wallMs();

    long monotonicNanos();

    static TimeSource system() {
        return of(InstantSource.system(), System::nanoTime);
    }

    static TimeSource of(InstantSource wall, LongSupplier monotonicNanos) {
        return new TimeSource() {
            @Override
            public long wallMs() {
                return wall.millis();
            }

            @Override
            public long monotonicNanos() {
                return monotonicNanos.getAsLong();
            }
        };
    }
}
