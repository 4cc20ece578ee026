package nvr.ingest.health;

/**
 * Counters of one stream. Single writer (the stream's event-loop thread) updates them with plain increments of
 * volatile fields; readers (the health monitor, metrics scrapes) see recent values without locking.
 */
public final class StreamStats {
    volatile long packets;
    volatile long bytes;
    volatile long packetsRejected;
    volatile long framesStored;
    volatile long videoFrames;
    volatile long framesDroppedBroken;
    volatile long framesDroppedOverload;
    volatile long lastFrameNanos; // System.nanoTime() when the last frame was assembled; 0 = never
    volatile long lastFrameMs; // wall-clock ms given to storage for that frame
    volatile int gopFrames;
    private int framesSinceKey = -1; // writer-thread only; -1 until the first keyframe

    // Loss accounting lives in the reorder buffer and PS demuxer; these are refreshed from them on every gap/frame.
    volatile long packetsLost;
    volatile long packetsReordered;
    volatile long packetsDuplicate;
    volatile long psErrors;
    volatile long internalErrors;

    public void packet(int payloadBytes) {
        packets++;
        bytes += payloadBytes;
    }

    public void rejected() {
        packetsRejected++;
    }

    /** A complete video frame was assembled at {@code nowNanos}. */
    public void videoFrame(boolean keyframe, long nowNanos) {
        videoFrames++;
        lastFrameNanos = nowNanos;
        if (keyframe) {
            if (framesSinceKey > 0) {
                gopFrames = framesSinceKey;
            }
            framesSinceKey = 1;
        } else if (framesSinceKey >= 0) {
            framesSinceKey++;
        }
    }

    public void stored(long timeMs) {
        framesStored++;
        lastFrameMs = timeMs;
    }

    /** Total frames dropped as broken so far (the assembler counts; this publishes). */
    public void droppedBroken(long total) {
        framesDroppedBroken = total;
    }

    public void droppedOverload() {
        framesDroppedOverload++;
    }

    public void loss(long lost, long reordered, long duplicates) {
        packetsLost = lost;
        packetsReordered = reordered;
        packetsDuplicate = duplicates;
    }

    public void psErrors(long n) {
        psErrors = n;
    }

    /** A bug in the pipeline was caught (the stream resynchronised); should stay 0. */
    public void internalError() {
        internalErrors++;
    }

    public long internalErrors() {
        return internalErrors;
    }

    public long packets() {
        return packets;
    }

    public long bytes() {
        return bytes;
    }

    public long framesStored() {
        return framesStored;
    }

    public long videoFrames() {
        return videoFrames;
    }

    public long lastFrameNanos() {
        return lastFrameNanos;
    }

    public long lastFrameMs() {
        return lastFrameMs;
    }

    public long packetsLost() {
        return packetsLost;
    }

    public long packetsReordered() {
        return packetsReordered;
    }

    public long packetsDuplicate() {
        return packetsDuplicate;
    }

    public long packetsRejected() {
        return packetsRejected;
    }

    public long framesDroppedBroken() {
        return framesDroppedBroken;
    }

    public long framesDroppedOverload() {
        return framesDroppedOverload;
    }

    public long psErrors() {
        return psErrors;
    }

    public int gopFrames() {
        return gopFrames;
    }
}
