package nvr.ingest.media;

/**
 * Maps a stream's 90 kHz media timestamps to wall-clock milliseconds anchored on the server's clock.
 *
 * <p>Camera clocks are not trusted for absolute time (many are never set), only for the spacing of frames.
 * The mapping is {@code wall = pts/90 + offset}. The offset drops at once when a frame arrives earlier than
 * predicted (a frame cannot be captured after it arrives: this absorbs the start-up GOP burst) and rises slowly
 * when frames arrive later (network jitter is smoothed, a slow camera clock is tracked; at most
 * {@value #MAX_RISE_MS} ms per frame, so a backlog drained after a stall is not stamped with a jump). A timestamp
 * step that no camera makes (backwards, or more than 10 s forward) re-anchors on the arrival time at once; frames
 * arriving more than {@code resyncMs} late with normal steps and normal pace (a pause, not a backlog being drained)
 * re-anchor at the next keyframe only, because
 * storage starts a new segment at a jump of more than 2 s and drops non-keyframes until a keyframe opens it.
 * Outputs never decrease and never exceed the arrival time. Timestamp wrap at 2^32 (RTP) and 2^33 (PES) is
 * unwrapped by taking the smaller step.
 *
 * <p>The first frames of a stream are mapped as a batch ({@link #mapBatch}): the offset is settled over all of
 * them before any is stamped, so neither a cold start (the first frame processed late) nor a start-up GOP burst
 * (seconds of cached frames arriving at once) squeezes their timestamps.
 */
final class WallClockMapper {
    private static final long WRAP32 = 1L << 32;
    private static final long WRAP33 = 1L << 33;
    private static final long MAX_STEP_90K = 10 * 90_000L; // larger forward steps are clock jumps
    private static final long MAX_BACK_90K = 90_000L; // B-frames step back a few frames, never a second
    private static final double RISE = 1.0 / 32; // fraction of a late arrival folded into the offset per frame
    static final long MAX_RISE_MS = 20;

    private final long resyncMs;
    private boolean anchored;
    private long lastPts; // raw timestamp of the previous frame
    private long extPts; // unwrapped timestamp of the previous frame, 90 kHz
    private double offsetMs; // wall = extPts / 90 + offsetMs
    private long lastOut = Long.MIN_VALUE;
    private long lastArrival;
    long reanchors;

    WallClockMapper(long resyncMs) {
        this.resyncMs = resyncMs;
    }

    /** Wall-clock ms of the frame with timestamp {@code pts90k} that arrived at {@code arrivalMs}. */
    long map(long pts90k, long arrivalMs) {
        return map(pts90k, arrivalMs, false);
    }

    /** Wall-clock ms of a frame; {@code keyframe} allows re-anchoring after a pause without losing frames. */
    long map(long pts90k, long arrivalMs, boolean keyframe) {
        if (!anchored) {
            anchored = true;
            lastPts = pts90k;
            lastArrival = arrivalMs;
            extPts = 0;
            offsetMs = arrivalMs;
            return emit(arrivalMs, arrivalMs);
        }
        long step = step(pts90k, lastPts);
        lastPts = pts90k;
        long prevArrival = lastArrival;
        lastArrival = arrivalMs;
        if (step > MAX_STEP_90K || step < -MAX_BACK_90K) {
            return reanchor(arrivalMs);
        }
        extPts += step;
        double predicted = extPts / 90.0 + offsetMs;
        double late = arrivalMs - predicted;
        if (late < 0) {
            offsetMs += late; // arrived before its predicted time: the anchor was too late
        } else if (late > resyncMs && keyframe && arrivalMs - prevArrival >= step / 180) {
            // paced at least at half real time: a pause, not a backlog being drained (that would arrive bunched)
            return reanchor(arrivalMs); // the stream paused (or the camera clock crawled): trust the server clock
        } else {
            offsetMs += Math.min(late * RISE, MAX_RISE_MS);
        }
        return emit((long) Math.floor(extPts / 90.0 + offsetMs), arrivalMs);
    }

    /**
     * Maps several frames at once: the same state changes as mapping them one by one, but each frame is stamped
     * with the offset as it stands after the last one, i.e. against the least-delayed arrival of the batch.
     */
    long[] mapBatch(long[] pts90k, long[] arrivalMs, boolean[] keyframe, int n) {
        long[] out = new long[n];
        long[] ext = new long[n];
        long before = reanchors;
        long floor = lastOut;
        for (int i = 0; i < n; i++) {
            out[i] = map(pts90k[i], arrivalMs[i], keyframe[i]);
            ext[i] = extPts;
        }
        if (reanchors != before) {
            return out; // a clock jump inside the batch: offsets differ per part, keep the one-by-one stamps
        }
        long prev = floor;
        for (int i = 0; i < n; i++) {
            long t = Math.min((long) Math.floor(ext[i] / 90.0 + offsetMs), arrivalMs[i]);
            out[i] = prev == Long.MIN_VALUE ? t : Math.max(t, prev);
            prev = out[i];
        }
        lastOut = prev; // the one-by-one stamps were never handed out
        return out;
    }

    /**
     * Wall-clock ms of a secondary stream's frame (audio) on the video clock, without moving the mapping: the last
     * video frame's time plus the timestamp step to it. Long.MIN_VALUE before the first video frame or when the
     * step is a jump (more than MAX_STEP either way), so such audio is dropped rather than mistimed.
     */
    long project(long pts90k) {
        if (!anchored) {
            return Long.MIN_VALUE;
        }
        long d = step(pts90k, lastPts);
        if (d > MAX_STEP_90K || d < -MAX_STEP_90K) {
            return Long.MIN_VALUE;
        }
        return Math.max((long) Math.floor((extPts + d) / 90.0 + offsetMs), 0);
    }

    private long reanchor(long arrivalMs) {
        reanchors++;
        offsetMs = arrivalMs - extPts / 90.0;
        return emit(arrivalMs, arrivalMs);
    }

    private long emit(long t, long arrivalMs) {
        long out = Math.min(Math.max(t, lastOut), Math.max(arrivalMs, lastOut));
        lastOut = out;
        return out;
    }

    /** Signed step from {@code prev} to {@code pts}, taking whichever wrap (2^32 or 2^33) gives the smaller step. */
    static long step(long pts, long prev) {
        long d33 = Math.floorMod(pts - prev, WRAP33);
        if (d33 >= WRAP33 / 2) {
            d33 -= WRAP33;
        }
        long d32 = Math.floorMod(pts - prev, WRAP32);
        if (d32 >= WRAP32 / 2) {
            d32 -= WRAP32;
        }
        return Math.abs(d32) < Math.abs(d33) ? d32 : d33;
    }
}
