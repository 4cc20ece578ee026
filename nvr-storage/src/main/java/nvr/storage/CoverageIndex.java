package nvr.storage;

import java.io.IOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Coverage queries over long ranges without reading every segment entry. A closed UTC day (ended more than
 * one hour plus segment-max-seconds ago, so no writer can still add to it) is summarized once into the
 * {@code days} column family: key {@code camera | 0x00 | day-start i64}, value {@code count i32 | count x
 * (start i64, end-exclusive i64, bytes i64, frames i64)}, the day's segments (by start) merged into spans.
 * It is a cache: dropped whenever a segment of that day is deleted, recovered or written late, and rebuilt on
 * the next query. Partial days at the edges and days still being written are read from {@code segments}.
 */
final class CoverageIndex {
    static final long DAY_MS = 86_400_000L;
    private final SegmentIndex index;
    private final long closedAfterMs;
    /** Orders summary fills against invalidations, so a stale summary can never outlive its invalidation. */
    private final Object lock = new Object();

    CoverageIndex(SegmentIndex index, long segmentMaxMs) {
        this.index = index;
        this.closedAfterMs = DAY_MS + segmentMaxMs + 3_600_000L;
    }

    static long dayOf(long ms) {
        return Math.floorDiv(ms, DAY_MS) * DAY_MS;
    }

    boolean isClosed(long dayStart, long nowMs) {
        return dayStart + closedAfterMs <= nowMs;
    }

    Coverage coverage(String camera, long fromMs, long toMs) throws IOException {
        List<CoverageBuilder.Piece> pieces = new ArrayList<>();
        long firstFull = dayOf(fromMs) == fromMs ? fromMs : dayOf(fromMs) + DAY_MS;
        long lastFull = dayOf(toMs);
        if (toMs <= fromMs) {
            return CoverageBuilder.build(camera, fromMs, toMs, pieces);
        }
        if (firstFull >= lastFull) {
            index.scan(camera, fromMs, toMs, false, s -> pieces.add(CoverageBuilder.Piece.of(s)));
            return CoverageBuilder.build(camera, fromMs, toMs, pieces);
        }
        index.scan(camera, fromMs, firstFull, false, s -> {
            if (s.startMs() < firstFull) { // segments starting in the first full day are in its summary
                pieces.add(CoverageBuilder.Piece.of(s));
            }
            return true;
        });
        // only days that can hold a segment start: between the camera's first and last segment in range
        SegmentIndex.Segment first = index.higher(camera, firstFull - 1);
        SegmentIndex.Segment last = index.floor(camera, lastFull - 1);
        long dayFrom = first == null ? lastFull : Math.max(firstFull, dayOf(first.startMs()));
        long dayTo = last == null ? firstFull : Math.min(lastFull, dayOf(last.startMs()) + DAY_MS);
        long now = System.currentTimeMillis();
        // every cached summary of the range in one iterator pass (90 point reads cost 90 index/block lookups)
        java.util.Map<Long, byte[]> cached = dayTo > dayFrom ? index.days(camera, dayFrom, dayTo) : java.util.Map.of();
        for (long d = dayFrom; d < dayTo; d += DAY_MS) {
            if (isClosed(d, now)) {
                List<CoverageBuilder.Piece> summary = decode(cached.get(d));
                pieces.addAll(summary != null ? summary : daySummary(camera, d));
            } else {
                index.scanStarting(camera, d, d + DAY_MS, false, s -> pieces.add(CoverageBuilder.Piece.of(s)));
            }
        }
        index.scanStarting(camera, lastFull, toMs, false, s -> pieces.add(CoverageBuilder.Piece.of(s)));
        return CoverageBuilder.build(camera, fromMs, toMs, pieces);
    }

    private List<CoverageBuilder.Piece> daySummary(String camera, long day) throws IOException {
        List<CoverageBuilder.Piece> cached = decode(index.day(camera, day));
        if (cached != null) {
            return cached;
        }
        synchronized (lock) {
            List<CoverageBuilder.Piece> segs = new ArrayList<>();
            index.scanStarting(camera, day, day + DAY_MS, false, s -> segs.add(CoverageBuilder.Piece.of(s)));
            List<CoverageBuilder.Piece> merged = CoverageBuilder.merge(segs);
            try (SegmentIndex.Batch b = index.batch()) {
                b.putDay(camera, day, encode(merged));
                index.write(b, false); // a cache: losing it in a crash only costs a rebuild
            }
            return merged;
        }
    }

    /** Drops the cached summary of the day holding startMs (after its segments changed). */
    void invalidate(String camera, long startMs) throws IOException {
        synchronized (lock) {
            try (SegmentIndex.Batch b = index.batch()) {
                b.deleteDay(camera, dayOf(startMs));
                index.write(b, false);
            }
        }
    }

    /** Drops the cached summaries of the given days of one camera (day starts), in one unsynced batch. */
    void invalidateDays(String camera, java.util.Collection<Long> dayStarts) throws IOException {
        if (dayStarts.isEmpty()) {
            return;
        }
        synchronized (lock) {
            try (SegmentIndex.Batch b = index.batch()) {
                for (long d : dayStarts) {
                    b.deleteDay(camera, d);
                }
                index.write(b, false);
            }
        }
    }

    /** Drops the cached summaries of the given days (camera -> day starts) of several cameras in one unsynced batch. */
    void invalidateDays(java.util.Map<String, ? extends java.util.Collection<Long>> days) throws IOException {
        if (days.isEmpty()) {
            return;
        }
        synchronized (lock) {
            try (SegmentIndex.Batch b = index.batch()) {
                for (java.util.Map.Entry<String, ? extends java.util.Collection<Long>> e : days.entrySet()) {
                    for (long d : e.getValue()) {
                        b.deleteDay(e.getKey(), d);
                    }
                }
                if (b.count() > 0) {
                    index.write(b, false);
                }
            }
        }
    }

    static byte[] encode(List<CoverageBuilder.Piece> pieces) {
        ByteBuffer b = ByteBuffer.allocate(4 + 32 * pieces.size()).putInt(pieces.size());
        for (CoverageBuilder.Piece p : pieces) {
            b.putLong(p.startMs()).putLong(p.endMs()).putLong(p.bytes()).putLong(p.frames());
        }
        return b.array();
    }

    /** Null when absent or malformed (then it is rebuilt). */
    static List<CoverageBuilder.Piece> decode(byte[] v) {
        if (v == null) {
            return null;
        }
        try {
            ByteBuffer b = ByteBuffer.wrap(v);
            int n = b.getInt();
            if (n < 0 || n > b.remaining() / 32) {
                return null;
            }
            List<CoverageBuilder.Piece> out = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                out.add(new CoverageBuilder.Piece(b.getLong(), b.getLong(), b.getLong(), b.getLong()));
            }
            return out;
        } catch (BufferUnderflowException e) {
            return null;
        }
    }
}
