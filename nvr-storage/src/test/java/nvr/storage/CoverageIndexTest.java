package nvr.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Coverage over several closed days (served from day summaries) equals merging every segment directly. */
class CoverageIndexTest {
    static final long DAY = CoverageIndex.DAY_MS;
    static final long D1 = 1_763_683_200_000L; // 2025-11-21T00:00Z, long closed
    @TempDir
    Path dir;

    private static void burst(CameraWriter w, long startMs, int frames) {
        for (int i = 0; i < frames; i++) {
            w.append(startMs + i * 40L, i % 25 == 0, 0x1B, new byte[100 + i % 7]);
        }
    }

    private static Coverage direct(Store s, String cam, long from, long to) {
        List<CoverageBuilder.Piece> pieces = new ArrayList<>();
        for (SegmentInfo i : s.segments(cam, from, to)) {
            pieces.add(new CoverageBuilder.Piece(i.startMs(), i.endMs() + 1, i.bytes(), i.frames()));
        }
        return CoverageBuilder.build(cam, from, to, pieces);
    }

    @Test
    void daySummariesMatchSegmentsAndFollowDeletes() throws IOException {
        try (Store s = Store.open(StoreTest.config(dir, 5, 10), null)) {
            CameraWriter w = s.writer("cam");
            burst(w, D1 + DAY - 10_000, 500);        // crosses midnight into day 2
            burst(w, D1 + DAY + 3_600_000, 250);     // day 2, after a gap
            burst(w, D1 + 2 * DAY + 100, 100);       // day 3 right after its midnight
            burst(w, D1 + 3 * DAY + 7_200_000, 100); // day 4
            s.flush();
            long from = D1 + 12 * 3_600_000L;
            long to = D1 + 3 * DAY + 12 * 3_600_000L;
            Coverage expected = direct(s, "cam", from, to);
            assertEquals(4, expected.spans().size(), expected.toString());
            assertEquals(expected, s.coverage("cam", from, to)); // fills the summaries
            assertEquals(expected, s.coverage("cam", from, to)); // served from them
            assertEquals(direct(s, "cam", 0, Long.MAX_VALUE), s.coverage("cam", 0, Long.MAX_VALUE));
            assertEquals(direct(s, "cam", D1 + DAY, D1 + 3 * DAY), s.coverage("cam", D1 + DAY, D1 + 3 * DAY));

            SegmentInfo inDay2 = s.segments("cam", D1 + DAY + 3_600_000, D1 + DAY + 3_600_001).get(0);
            s.deleteSegment(inDay2);
            assertEquals(direct(s, "cam", from, to), s.coverage("cam", from, to), "summary dropped on delete");
        }
        try (Store s = Store.open(StoreTest.config(dir, 5, 10), null)) {
            long files;
            try (var w = Files.walk(dir.resolve("segments"))) {
                files = w.filter(p -> p.toString().endsWith(".seg")).mapToLong(p -> p.toFile().length()).sum();
            }
            assertEquals(files, s.volumes().get(0).segmentBytes(), "usage counter after reopen");
        }
    }
}
