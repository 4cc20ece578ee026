package nvr.ingest.media;

import java.util.function.UnaryOperator;

/**
 * Puts one stream's RTP packets back in sequence order within a bounded window, and decides when a missing
 * packet is lost. Single-threaded (the stream's event loop). A gap is given up when the window is full or the
 * packet after it has waited {@code maxDelayNanos}; a sequence jump far outside the window (sender restart)
 * resynchronises after a few packets agree on the new position instead of declaring thousands lost.
 *
 * @param <P> the packet type; a packet that must wait is first passed through {@code hold}, which returns a copy
 *        that stays valid (the original may be a slice of a buffer reused after the call)
 */
final class ReorderBuffer<P> {
    /** Receives packets in sequence order and is told how many packets were lost before the next one. */
    interface Sink<P> {
        void deliver(P packet, int seq);

        /** {@code lost} packets before the next delivered one will never arrive; {@code restart} on a sequence jump. */
        void gap(int lost, boolean restart);
    }

    private static final int RESYNC_AFTER = 4; // consecutive far-away packets that mean the sender restarted
    private static final int FAR = 3000; // a jump larger than this is a restart, not loss

    private final Object[] slots; // slots[ext & mask] holds the packet with extended sequence ext, next <= ext < next+size
    private final long[] arrival; // arrival nanos of the packet in the same slot
    private final int mask;
    private final long maxDelayNanos;
    private final Sink<P> sink;
    private final UnaryOperator<P> hold;
    private final long[] seen; // bitmap of recently delivered sequences, for duplicate detection
    private boolean started;
    private long next; // extended sequence number of the next packet to deliver
    private long highest; // highest extended sequence received; a packet below it arrived out of order
    private int held; // packets in slots
    private int farCount;
    private long farExt;

    long received;
    long lost;
    long duplicates;
    long reordered;
    long late;
    long restarts;

    ReorderBuffer(int window, long maxDelayNanos, Sink<P> sink, UnaryOperator<P> hold) {
        int size = Integer.highestOneBit(Math.max(4, window - 1)) << 1;
        this.slots = new Object[size];
        this.arrival = new long[size];
        this.mask = size - 1;
        this.maxDelayNanos = maxDelayNanos;
        this.sink = sink;
        this.hold = hold;
        this.seen = new long[1024 / 64];
    }

    int window() {
        return slots.length;
    }

    int held() {
        return held;
    }

    void offer(P packet, int seq16, long nowNanos) {
        received++;
        if (!started) {
            started = true;
            next = seq16;
            highest = seq16;
        }
        int delta = (short) (seq16 - (int) (next & 0xFFFF));
        long ext = next + delta;
        if (delta < 0) {
            if (-delta <= FAR) {
                farCount = 0;
                if (wasSeen(ext)) {
                    duplicates++;
                } else {
                    late++; // already counted lost when its gap was given up
                }
            } else {
                far(packet, ext, nowNanos);
            }
            return;
        }
        if (delta > FAR) {
            far(packet, ext, nowNanos);
            return;
        }
        farCount = 0;
        if (delta == 0 && held == 0) { // fast path: in order, nothing waiting
            markSeen(ext);
            next = ext + 1;
            highest = ext;
            sink.deliver(packet, seq16);
            return;
        }
        while (ext - next >= slots.length) {
            skipHead(); // window overflow: the oldest gap is lost
        }
        int slot = (int) (ext & mask);
        if (slots[slot] != null) {
            duplicates++;
            return;
        }
        if (ext < highest) {
            reordered++; // filled a hole behind later packets
        } else {
            highest = ext;
        }
        slots[slot] = hold.apply(packet);
        arrival[slot] = nowNanos;
        held++;
        drain();
        expire(nowNanos);
    }

    /** Gives up gaps whose following packet has waited too long; call periodically when packets stop. */
    void expire(long nowNanos) {
        while (held > 0 && slots[(int) (next & mask)] == null) {
            long oldest = oldestArrival();
            if (nowNanos - oldest < maxDelayNanos) {
                return;
            }
            skipGap();
            drain();
        }
    }

    /** Delivers everything held, in order, declaring the holes lost (stream closing). */
    void flush() {
        while (held > 0) {
            if (slots[(int) (next & mask)] == null) {
                skipGap();
            }
            drain();
        }
    }

    private void far(P packet, long ext, long nowNanos) {
        if (farCount > 0 && Math.abs(ext - farExt) <= 64) {
            farCount++;
        } else {
            farCount = 1;
        }
        farExt = ext;
        if (farCount < RESYNC_AFTER) {
            late++; // a stray packet from another sequence space: dropped unless more agree
            return;
        }
        flush();
        restarts++;
        farCount = 0;
        java.util.Arrays.fill(seen, 0);
        next = ext & 0xFFFF; // restart numbering from this packet
        highest = next;
        sink.gap(0, true);
        markSeen(next);
        sink.deliver(packet, (int) next);
        next++;
    }

    private void drain() {
        while (held > 0) {
            int slot = (int) (next & mask);
            @SuppressWarnings("unchecked")
            P p = (P) slots[slot];
            if (p == null) {
                return;
            }
            slots[slot] = null;
            held--;
            markSeen(next);
            int seq = (int) (next & 0xFFFF);
            next++;
            sink.deliver(p, seq);
        }
    }

    /** Advances past the missing packets at the head up to the first held one. */
    private void skipGap() {
        int n = 0;
        while (slots[(int) (next & mask)] == null) {
            next++;
            n++;
        }
        lost += n;
        sink.gap(n, false);
    }

    private void skipHead() {
        if (slots[(int) (next & mask)] == null) {
            skipGap();
        }
        drain();
    }

    private long oldestArrival() {
        long oldest = Long.MAX_VALUE;
        for (long e = next, seenHeld = 0; seenHeld < held; e++) {
            int slot = (int) (e & mask);
            if (slots[slot] != null) {
                seenHeld++;
                oldest = Math.min(oldest, arrival[slot]);
            }
        }
        return oldest;
    }

    private void markSeen(long ext) {
        int bit = (int) (ext & 1023);
        seen[bit >>> 6] |= 1L << bit;
        int clear = (int) ((ext + 512) & 1023); // forget what is half the bitmap ahead, so old bits never alias
        seen[clear >>> 6] &= ~(1L << clear);
    }

    private boolean wasSeen(long ext) {
        int bit = (int) (ext & 1023);
        return (seen[bit >>> 6] & (1L << bit)) != 0;
    }

    /** Delivers what is held, then forgets the sequence position: the next packet starts a new numbering. */
    void restart() {
        flush();
        started = false;
        farCount = 0;
        java.util.Arrays.fill(seen, 0);
    }

    /** Drops everything held without delivering it. */
    void clear() {
        java.util.Arrays.fill(slots, null);
        held = 0;
    }
}
