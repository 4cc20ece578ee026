package nvr.storage.retention;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The time retention ages footage by, kept safe from wall-clock jumps. Owns one small file
 * ({@code <first root>/retention-clock}, replaced atomically).
 *
 * <p>Trusted time {@code T} follows the wall clock while the wall clock moves like the monotonic clock
 * (within a tolerance). When the wall clock steps, {@code T} advances by monotonic time only, so:
 * <ul>
 * <li>a forward step does not age existing footage; footage stamped by the stepped clock lies after
 *     {@code T} and so is younger than any minimum;</li>
 * <li>a backward step opens a <em>skew epoch</em> {@code [from, to] -> skew}: footage stamped inside it was
 *     recorded {@code skew} ms later than its stamps say. Its trusted time is {@code stamp + skew}, so it
 *     is not mistaken for 20-year-old footage once the clock is fixed.</li>
 * </ul>
 * Invariants: {@code T} never decreases; every skew is positive (a skew only ever makes footage look
 * younger, so an epoch that is too wide keeps footage longer, never shorter).
 */
final class TrustedClock {
    private static final System.Logger LOG = System.getLogger(TrustedClock.class.getName());
    static final String FILE_NAME = "retention-clock";

    /** A range of footage stamps written while the wall clock was {@code skewMs} behind trusted time. */
    record SkewEpoch(long fromMs, long toMs, long skewMs) {
    }

    private final Path file;
    private final TimeSource time;
    private final long toleranceMs;
    private final long slackMs;
    private long trustedMs;
    private long lastWallMs;
    private long lastMonoNanos;
    private final List<SkewEpoch> epochs = new ArrayList<>();
    private boolean epochOpen;
    /** Wall minus trusted time when they disagree, else 0. */
    private long wallOffsetMs;
    private String lastEvent;

    private TrustedClock(Path file, TimeSource time, long toleranceMs) {
        this.file = file;
        this.time = time;
        this.toleranceMs = toleranceMs;
        this.slackMs = Math.max(toleranceMs, Duration.ofMinutes(5).toMillis());
    }

    /**
     * Loads the state file (if any) and reconciles it with the wall clock now.
     *
     * @param newestFootageMs newest frame time in the store (Long.MIN_VALUE when empty), used only when there
     *                        is no state file yet: a wall clock behind it is then a backward step
     */
    static TrustedClock open(Path file, TimeSource time, Duration maxDowntime, Duration tolerance,
                             long newestFootageMs) throws IOException {
        return open(file, time, maxDowntime, tolerance, () -> newestFootageMs);
    }

    /** As above, asking for the newest footage only when there is no state file. */
    static TrustedClock open(Path file, TimeSource time, Duration maxDowntime, Duration tolerance,
                             java.util.function.LongSupplier newestFootage) throws IOException {
        TrustedClock c = new TrustedClock(file, time, tolerance.toMillis());
        long wall = time.wallMs();
        // Footage stamps only stand in for the state file on a first run: stamps written by a clock that
        // jumped forward must never push trusted time (and so every footage age) forward.
        boolean hasState = Files.exists(file);
        long last = hasState ? Long.MIN_VALUE : newestFootage.getAsLong();
        if (hasState) {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                String[] f = line.trim().split(" ");
                try {
                    if (f[0].equals("trusted") && f.length == 2) {
                        last = Math.max(last, Long.parseLong(f[1]));
                    } else if (f[0].equals("epoch") && f.length == 4) {
                        long skew = Long.parseLong(f[3]);
                        if (skew > 0) {
                            c.epochs.add(new SkewEpoch(Long.parseLong(f[1]), Long.parseLong(f[2]), skew));
                        }
                    }
                } catch (NumberFormatException e) {
                    LOG.log(System.Logger.Level.WARNING, "retention clock file " + file + ": ignoring bad line \""
                            + line + "\"; it is rewritten on the next tick");
                }
            }
        }
        // Without a state file there is no last trusted time to bound the downtime by: trust a wall clock
        // that is not behind the footage.
        if (last == Long.MIN_VALUE || (wall >= last - c.toleranceMs && (!hasState || wall - last <= maxDowntime.toMillis()))) {
            c.trustedMs = last == Long.MIN_VALUE ? wall : Math.max(wall, last);
        } else if (wall < last) {
            // Backward at start: footage may already be stamped by the bad clock (ingest may start first).
            c.trustedMs = last;
            c.epochs.add(new SkewEpoch(wall - Duration.ofDays(1).toMillis(), wall + c.slackMs, last - wall));
            c.epochOpen = true;
            c.event("wall clock " + Instant.ofEpochMilli(wall) + " is behind the last trusted time "
                    + Instant.ofEpochMilli(last) + ": the clock went backwards; footage ages run from trusted time");
        } else {
            c.trustedMs = last;
            c.event("wall clock " + Instant.ofEpochMilli(wall) + " is " + Duration.ofMillis(wall - last).toDays()
                    + " days ahead of the last trusted time (more than the allowed downtime): treated as a forward"
                    + " jump; footage is aged from " + Instant.ofEpochMilli(last) + " and so kept longer, not shorter");
        }
        c.wallOffsetMs = wall - c.trustedMs;
        c.lastWallMs = wall;
        c.lastMonoNanos = time.monotonicNanos();
        c.save();
        return c;
    }

    /** Reads both clocks, advances trusted time, records a skew epoch on a backward step. Returns trusted time. */
    synchronized long tick() {
        long wall = time.wallMs();
        long mono = time.monotonicNanos();
        long monoDelta = Math.max(0, (mono - lastMonoNanos) / 1_000_000L);
        long expected = trustedMs + monoDelta;
        if (Math.abs(wall - expected) <= toleranceMs) {
            closeEpoch(monoDelta);
            trustedMs = Math.max(expected - toleranceMs, Math.max(trustedMs, wall));
            if (wallOffsetMs != 0) {
                event("wall clock agrees with trusted time again at " + Instant.ofEpochMilli(wall));
            }
            wallOffsetMs = 0;
        } else if (wall > expected) {
            closeEpoch(monoDelta);
            trustedMs = expected;
            long offset = wall - trustedMs;
            if (Math.abs(offset - wallOffsetMs) > toleranceMs) {
                event("wall clock jumped forward to " + Instant.ofEpochMilli(wall) + ", " + Duration.ofMillis(offset)
                        + " ahead of elapsed time; footage is aged by elapsed time, not by the jumped clock");
            }
            wallOffsetMs = offset;
        } else {
            trustedMs = expected;
            long skew = trustedMs - wall;
            SkewEpoch open = epochOpen ? epochs.get(epochs.size() - 1) : null;
            if (open != null && Math.abs(open.skewMs() - skew) <= toleranceMs) {
                epochs.set(epochs.size() - 1, new SkewEpoch(open.fromMs(), Math.max(open.toMs(), wall + slackMs), open.skewMs()));
            } else {
                closeEpoch(monoDelta);
                // The step happened within the last monoDelta ms: footage from (wall - monoDelta) on may carry it.
                epochs.add(new SkewEpoch(wall - monoDelta - slackMs, wall + slackMs, skew));
                epochOpen = true;
                event("wall clock went backwards to " + Instant.ofEpochMilli(wall) + ", " + Duration.ofMillis(skew)
                        + " behind elapsed time; footage stamped from then on is aged by elapsed time");
            }
            wallOffsetMs = wall - trustedMs;
        }
        lastWallMs = wall;
        lastMonoNanos = mono;
        try {
            save();
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "cannot save retention clock state to " + file + ": " + e.getMessage()
                    + "; check the data root is writable (state is kept in memory meanwhile)");
        }
        return trustedMs;
    }

    private void closeEpoch(long monoDelta) {
        if (!epochOpen) {
            return;
        }
        SkewEpoch e = epochs.get(epochs.size() - 1);
        // Footage stamped by the bad clock before it was fixed is at most lastWall + monoDelta.
        epochs.set(epochs.size() - 1, new SkewEpoch(e.fromMs(), Math.max(e.toMs(), lastWallMs + monoDelta + slackMs), e.skewMs()));
        epochOpen = false;
    }

    synchronized long now() {
        return trustedMs;
    }

    /** The time footage stamped {@code stampMs} was really recorded at (never earlier than its stamp). */
    synchronized long trustedTimeOf(long stampMs) {
        long skew = 0;
        for (SkewEpoch e : epochs) {
            if (stampMs >= e.fromMs() && stampMs <= e.toMs()) {
                skew = Math.max(skew, e.skewMs());
            }
        }
        return stampMs + skew;
    }

    /** Wall clock minus trusted time (0 when the wall clock is trusted). */
    synchronized long wallOffsetMs() {
        return wallOffsetMs;
    }

    synchronized List<SkewEpoch> epochs() {
        return List.copyOf(epochs);
    }

    /** A one-line description of the clock problem, or null when the wall clock is trusted. */
    synchronized String problem() {
        if (wallOffsetMs == 0) {
            return null;
        }
        return (wallOffsetMs < 0 ? "wall clock is " + Duration.ofMillis(-wallOffsetMs) + " behind"
                : "wall clock is " + Duration.ofMillis(wallOffsetMs) + " ahead of")
                + " elapsed time since " + Instant.ofEpochMilli(trustedMs) + "; fix NTP/RTC (retention ages footage by elapsed time meanwhile)";
    }

    synchronized String takeEvent() {
        String e = lastEvent;
        lastEvent = null;
        return e;
    }

    private void event(String msg) {
        LOG.log(System.Logger.Level.WARNING, "retention clock: " + msg);
        lastEvent = msg;
    }

    private void save() throws IOException {
        StringBuilder sb = new StringBuilder();
        sb.append("trusted ").append(trustedMs).append('\n');
        for (SkewEpoch e : epochs) {
            sb.append("epoch ").append(e.fromMs()).append(' ').append(e.toMs()).append(' ').append(e.skewMs()).append('\n');
        }
        PolicyState.replace(file, sb.toString());
    }
}
