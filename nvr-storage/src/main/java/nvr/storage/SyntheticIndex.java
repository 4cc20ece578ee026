package nvr.storage;

import java.io.IOException;
import java.nio.file.Path;
import java.util.UUID;

/**
 * Benchmark fixture: fills a fresh data root's index with entries for segments that are not on disk (so an
 * index of months of footage can be measured without writing months of video). Opening a {@link Store} on
 * that root then works for index-only queries (coverage, segments, locate); reads and verify report the
 * files missing. Not used by the recorder.
 */
public final class SyntheticIndex {
    private SyntheticIndex() {
    }

    /** Camera id number i of a synthetic index. */
    public static String camera(int i) {
        return String.format("34020000001320%06d", i);
    }

    /**
     * Writes cameras x (days * 86400 / segmentSeconds) SEALED entries starting at startMs: 25 fps, a keyframe
     * every gopSeconds, bytesPerSecond of data per camera.
     */
    public static void populate(Path root, int cameras, int days, int segmentSeconds, long startMs, int gopSeconds,
                                long bytesPerSecond) throws IOException {
        try (DataRoot r = DataRoot.open(root); SegmentIndex index = SegmentIndex.open(r.path.resolve("index"))) {
            try (SegmentIndex.Batch b = index.batch()) {
                b.putMeta("root|" + r.uuid, SegmentIndex.bytes(r.path.toString()));
                index.write(b, true);
            }
            long segMs = segmentSeconds * 1000L;
            long perDay = 86_400_000L / segMs;
            int kfs = Math.max(1, segmentSeconds / gopSeconds);
            int[] offsets = new int[kfs];
            int[] deltas = new int[kfs];
            long bytes = bytesPerSecond * segmentSeconds;
            for (int k = 0; k < kfs; k++) {
                offsets[k] = (int) (SegmentReader.FILE_HEADER_BYTES + bytes * k / kfs);
                deltas[k] = k * gopSeconds * 1000;
            }
            UUID uuid = r.uuid;
            for (int c = 0; c < cameras; c++) {
                String cam = camera(c);
                SegmentIndex.Batch b = index.batch();
                for (long i = 0; i < days * perDay; i++) {
                    long start = startMs + i * segMs + c; // cameras are not aligned to the same millisecond
                    b.putSegment(cam, start, new IndexEntry(IndexEntry.State.SEALED, uuid, start + segMs - 40,
                            bytes + SegmentReader.FILE_HEADER_BYTES, segmentSeconds * 25L, 0x1B, offsets, deltas));
                    if (b.count() >= 20_000) {
                        index.writeUnlogged(b);
                        b.close();
                        b = index.batch();
                    }
                }
                index.writeUnlogged(b);
                b.close();
            }
            try (SegmentIndex.Batch b = index.batch()) {
                b.addUsage(uuid, cameras * days * perDay * (bytes + SegmentReader.FILE_HEADER_BYTES));
                index.write(b, true);
            }
            index.flushAndCompact();
        }
    }
}
