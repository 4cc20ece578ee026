package nvr.storage;

import java.util.ArrayList;
import java.util.List;

/** Merges a camera's segments (oldest first) into spans and gaps clipped to a query interval. */
final class CoverageBuilder {
    private CoverageBuilder() {
    }

    static Coverage build(String camera, long fromMs, long toMs, List<SegmentIndex.Segment> segments) {
        List<Span> spans = new ArrayList<>();
        long spanStart = 0;
        long spanEnd = Long.MIN_VALUE; // exclusive: last frame + 1
        long bytes = 0;
        long frames = 0;
        for (SegmentIndex.Segment s : segments) {
            IndexEntry e = s.entry();
            long end = e.endMs() + 1;
            if (spanEnd != Long.MIN_VALUE && s.startMs() - spanEnd >= Store.GAP_MS) {
                spans.add(clip(spanStart, spanEnd, bytes, frames, fromMs, toMs));
                spanEnd = Long.MIN_VALUE;
            }
            if (spanEnd == Long.MIN_VALUE) {
                spanStart = s.startMs();
                bytes = 0;
                frames = 0;
            }
            spanEnd = Math.max(spanEnd, end);
            bytes += e.bytes();
            frames += e.frames();
        }
        if (spanEnd != Long.MIN_VALUE) {
            spans.add(clip(spanStart, spanEnd, bytes, frames, fromMs, toMs));
        }
        spans.removeIf(sp -> sp.endMs() <= sp.startMs());
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

    private static Span clip(long start, long end, long bytes, long frames, long fromMs, long toMs) {
        return new Span(Math.max(start, fromMs), Math.min(end, toMs), bytes, frames);
    }
}
