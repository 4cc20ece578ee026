package nvr.storage;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Checks every indexed segment against its file (header, every record's CRC up to the indexed length, frame
 * count, last time, keyframe table) and every segment file against the index. Reports; never repairs, never
 * throws. The unsynced tail of a segment that is still being written is not an error.
 */
final class Verifier {
    private final SegmentIndex index;
    private final Store store;
    private final List<DataRoot> roots;
    private final Set<String> openSegments;
    private final List<VerifyReport.Problem> problems = new ArrayList<>();
    private long segments;
    private long frames;

    Verifier(SegmentIndex index, Store store, List<DataRoot> roots, Set<String> openSegments) {
        this.index = index;
        this.store = store;
        this.roots = roots;
        this.openSegments = openSegments;
    }

    VerifyReport run() {
        try {
            index.forEachRaw(this::checkEntry);
        } catch (RuntimeException e) {
            problems.add(new VerifyReport.Problem("index", 0, "index scan failed: " + e));
        }
        for (DataRoot r : roots) {
            checkFiles(r);
        }
        return new VerifyReport(segments, frames, List.copyOf(problems));
    }

    private void problem(Object file, long offset, String what) {
        problems.add(new VerifyReport.Problem(String.valueOf(file), offset, what));
    }

    private void checkEntry(byte[] k, byte[] v) {
        SegmentIndex.Segment s = SegmentIndex.decode(k, v);
        if (s == null) {
            problem("index:segments/" + HexFormat.of().formatHex(k), 0, "unreadable index entry");
            return;
        }
        if (s.entry().state() == IndexEntry.State.GARBAGE || index.isDeleting(s.camera(), s.startMs())) {
            return; // a deletion in progress
        }
        segments++;
        Path f = store.fileOf(s);
        IndexEntry e = s.entry();
        try (SegmentReader r = SegmentReader.open(f)) {
            String bad = r.checkFileHeader();
            if (bad != null) {
                problem(f, 0, bad);
                return;
            }
            long size = r.size();
            if (size < e.bytes()) {
                problem(f, size, "file has " + size + " bytes but the index names " + e.bytes());
            }
            SegmentScan scan = SegmentScan.fromStart().walk(r, s.startMs(), e.bytes());
            frames += scan.frames;
            if (scan.stoppedAt != null) {
                problem(f, scan.stoppedAt.offset(), scan.stoppedAt.problem());
                return;
            }
            if (scan.frames != e.frames()) {
                problem(f, scan.validEnd, "index says " + e.frames() + " frames, file has " + scan.frames);
            }
            if (scan.frames > 0 && scan.lastMs != e.endMs()) {
                problem(f, scan.validEnd, "index end " + e.endMs() + " but last frame at " + scan.lastMs);
            }
            if (!Arrays.equals(Arrays.copyOf(scan.kfOffsets, scan.kfCount), e.keyframeOffsets())) {
                problem(f, 0, "keyframe table in the index does not match the file");
            }
            boolean live = openSegments.contains(RootWriter.segmentKey(s.camera(), s.startMs()));
            if (!live && e.state() == IndexEntry.State.SEALED && size > e.bytes()) {
                problem(f, e.bytes(), (size - e.bytes()) + " bytes past the indexed end of a sealed segment");
            }
        } catch (NoSuchFileException ex) {
            problem(f, 0, "segment file missing");
        } catch (IOException | RuntimeException ex) {
            problem(f, 0, "cannot read: " + ex);
        }
    }

    private void checkFiles(DataRoot root) {
        Path segs = root.segmentsDir();
        if (!Files.isDirectory(segs)) {
            return;
        }
        try (Stream<Path> all = Files.walk(segs, 3)) {
            all.filter(p -> p.getFileName().toString().endsWith(".seg")).forEach(f -> checkFile(root, f));
        } catch (IOException | RuntimeException e) {
            problem(segs, 0, "cannot list segment files: " + e);
        }
    }

    private void checkFile(DataRoot root, Path f) {
        Long start = Recovery.startOf(f);
        if (start == null || f.getParent() == null || f.getParent().getParent() == null) {
            problem(f, 0, "unexpected file name in the segment tree");
            return;
        }
        String camera = f.getParent().getParent().getFileName().toString();
        String key = RootWriter.segmentKey(camera, start);
        try {
            if (openSegments.contains(key) || index.get(camera, start) != null || openSegments.contains(key)) {
                return;
            }
            if (!root.segmentFile(camera, start).equals(f)) {
                problem(f, 0, "segment file in the wrong day directory");
            } else if (index.get(camera, start) == null && Files.exists(f)) { // not deleted meanwhile
                problem(f, 0, "segment file has no index entry");
            }
        } catch (IOException e) {
            problem(f, 0, "index lookup failed: " + e.getMessage());
        }
    }
}
