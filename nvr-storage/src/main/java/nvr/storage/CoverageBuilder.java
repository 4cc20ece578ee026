package nvr.storage;

import java.util.ArrayList;
import java.util.List;

/**
 * Merges recorded pieces (segments, or spans already merged within a day), ordered by start, into spans and
 * gaps. Pieces closer than {@link Store#GAP_MS} join; merging pre-merged day spans gives the same result as
 * merging their segments, which is what lets closed days be summarized once.
 */
final class CoverageBuilder {
    /** A recorded range [startMs, endMs) holding bytes/frames. */
    record Piece(long startMs, long endMs, long bytes, long frames) {
        static Piece of(SegmentIndex.Segment s) {
            IndexEntry e = s.entry();
            return new Piece(s.startMs(), e.endMs() + 1, e.bytes(), e.frames());
        }
    }

    private CoverageBuilder() {
    }

    /** Merges pieces ordered by start into continuous pieces (unclipped). */
    static List<Piece> merge(List<Piece> pieces) {
        List<Piece> out = new ArrayList<>();
        Piece cur = null;
        for (Piece p : pieces) {
            if (cur != null && p.startMs() - cur.endMs() < Store.GAP_MS) {
                cur = new Piece(cur.startMs(), Math.max(cur.endMs(), p.endMs()), cur.bytes() + p.bytes(),
                        cur.frames() + p.frames());
            } else {
                if (cur != null) {
                    out.add(cur);
                }
                cur = p;
            }
        }
        if (cur != null) {
            out.add(cur);
        }
        return out;
    }

    static Coverage build(String camera, long fromMs, long toMs, List<Piece> pieces) {
        List<Span> spans = new ArrayList<>();
        for (Piece p : merge(pieces)) {
            long start = Math.max(p.startMs(), fromMs);
            long end = Math.min(p.endMs(), toMs);
            if (end > start) {
                spans.add(new Span(start, end, p.bytes(), p.frames()));
            }
        }
        List<Gap> gaps = new ArrayList<>();
        long cursor = fromMs;
        for (Span sp : spans) {
            if (sp.startMs() > cursor) {
                gaps.add(new Gap(cursor, sp.startMs()));
            }
            cursor = Math.max(cursor, sp.endMs());
        }
        if (cursor < toMs) {
            gaps.add(new Gap(cursor, toMs));
        }
        return new Coverage(camera, spans, gaps);
    }
}
