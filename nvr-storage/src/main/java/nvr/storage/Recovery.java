package nvr.storage;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * Brings the index and files back in line at open, before any writer runs (Kafka-style: truncate the invalid
 * tail). Steps: finish interrupted deletions (batch records, garbage markers); move back from the trash any file
 * the index still names (see {@link SegmentTrash#rescue}); for every segment a writer had open, keep the
 * indexed prefix, extend it over valid records that follow, truncate the file at the first invalid one and
 * seal the entry; index stray files (data but no entry) in each camera's two newest day directories, and
 * delete strays that hold no valid record. Every action is reported.
 */
final class Recovery {
    private static final System.Logger LOG = System.getLogger(Recovery.class.getName());
    private static final int STRAY_DAYS = 2;

    private final SegmentIndex index;
    private final Map<UUID, DataRoot> rootsById;
    private final List<DataRoot> roots;
    private final List<VerifyReport.Problem> report = new ArrayList<>();
    private static final String FINISHED_DELETION = "finished an interrupted deletion";

    Recovery(SegmentIndex index, Map<UUID, DataRoot> rootsById, List<DataRoot> roots) {
        this.index = index;
        this.rootsById = rootsById;
        this.roots = roots;
    }

    /**
     * @param indexStrays false when the index lost its entries (a new or re-indexing index): every file is then a
     *                    stray, and the {@link Reindexer} indexes them in the background instead of the open waiting
     */
    List<VerifyReport.Problem> run(boolean indexStrays) throws IOException {
        finishDeletions();
        for (DataRoot r : roots) {
            for (Path back : r.trash.rescue(index)) {
                note(back, 0, "moved back from the trash: the index still names it");
            }
        }
        repairOpenSegments();
        if (indexStrays) {
            for (DataRoot r : roots) {
                indexStrays(r);
            }
        }
        log(report);
        return report;
    }

    /** One line per repair, but one line for all finished deletions (a retention batch names thousands of files). */
    private static void log(List<VerifyReport.Problem> report) {
        List<VerifyReport.Problem> deletions = new ArrayList<>();
        for (VerifyReport.Problem p : report) {
            if (p.problem().equals(FINISHED_DELETION)) {
                deletions.add(p);
            } else {
                LOG.log(System.Logger.Level.WARNING, "recovery: " + p.file() + " at " + p.offset() + ": " + p.problem());
            }
        }
        if (deletions.size() == 1) {
            LOG.log(System.Logger.Level.WARNING, "recovery: " + deletions.get(0).file() + ": " + FINISHED_DELETION);
        } else if (!deletions.isEmpty()) {
            LOG.log(System.Logger.Level.WARNING, "recovery: finished the interrupted deletion of " + deletions.size()
                    + " segment files (" + deletions.get(0).file() + " ... " + deletions.get(deletions.size() - 1).file()
                    + ")");
        }
    }

    private void note(Path file, long offset, String what) {
        report.add(new VerifyReport.Problem(String.valueOf(file), offset, what));
    }

    /** "kind|camera|start" -> (camera, start), or null when malformed. */
    private static Object[] parseMarker(String k) {
        int a = k.indexOf('|');
        int b = k.lastIndexOf('|');
        if (a < 0 || b <= a) {
            return null;
        }
        try {
            return new Object[] {k.substring(a + 1, b), Long.parseLong(k.substring(b + 1))};
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private Path fileOf(String camera, long start, IndexEntry e) {
        DataRoot r = rootsById.get(e.root());
        return r == null ? null : r.segmentFile(camera, start);
    }

    /**
     * Finishes interrupted deletions: batch records ({@code gbatch|}, see {@link SegmentDeleter}) and the
     * per-segment {@code garbage|} markers older versions wrote.
     */
    private void finishDeletions() throws IOException {
        try (SegmentDeleter deleter = new SegmentDeleter(index, rootsById, null, null, null)) {
            for (SegmentIndex.Segment s : deleter.finishPending()) {
                note(fileOf(s.camera(), s.startMs(), s.entry()), 0, FINISHED_DELETION);
            }
        }
        for (String k : index.metaScan("garbage|").keySet()) {
            Object[] cs = parseMarker(k);
            try (SegmentIndex.Batch b = index.batch()) {
                b.deleteMeta(k);
                if (cs != null) {
                    String camera = (String) cs[0];
                    long start = (Long) cs[1];
                    SegmentIndex.Segment s = index.get(camera, start);
                    if (s != null) {
                        Path f = fileOf(camera, start, s.entry());
                        if (f != null) {
                            Files.deleteIfExists(f);
                            DataRoot.fsyncDir(f.getParent());
                        }
                        note(f, 0, FINISHED_DELETION);
                    }
                    b.deleteSegment(camera, start).deleteMeta(SegmentIndex.openMarker(camera, start));
                    if (s != null) {
                        b.addUsage(s.entry().root(), -s.entry().bytes());
                    }
                    b.deleteDay(camera, CoverageIndex.dayOf(start));
                }
                index.write(b, true);
            }
        }
    }

    private void repairOpenSegments() throws IOException {
        for (String k : index.metaScan("open|").keySet()) {
            Object[] cs = parseMarker(k);
            try (SegmentIndex.Batch b = index.batch()) {
                b.deleteMeta(k);
                SegmentIndex.Segment s = cs == null ? null : index.get((String) cs[0], (Long) cs[1]);
                if (s != null) {
                    repairTail(s, b);
                    b.deleteDay(s.camera(), CoverageIndex.dayOf(s.startMs()));
                }
                index.write(b, true);
            }
        }
    }

    /** Seals an entry whose writer died: valid records past the indexed prefix are kept, the rest cut off. */
    private void repairTail(SegmentIndex.Segment s, SegmentIndex.Batch b) throws IOException {
        Path f = fileOf(s.camera(), s.startMs(), s.entry());
        if (f == null) {
            return; // root not mounted: leave the entry for when it is
        }
        SegmentScan scan;
        long size;
        try (SegmentReader r = SegmentReader.open(f)) {
            size = r.size();
            if (size < s.entry().bytes()) { // the index points past the data: rebuild from the start
                note(f, size, "index named " + s.entry().bytes() + " bytes but the file has " + size + "; rebuilt");
                scan = SegmentScan.fromStart().walk(r, s.startMs(), size);
            } else {
                scan = SegmentScan.continuing(s.entry()).walk(r, s.startMs(), size);
            }
        } catch (NoSuchFileException e) {
            note(f, 0, "segment file missing; index entry dropped");
            b.deleteSegment(s.camera(), s.startMs());
            b.addUsage(s.entry().root(), -s.entry().bytes());
            return;
        }
        if (scan.validEnd < size) {
            truncate(f, scan.validEnd);
            note(f, scan.validEnd, "truncated invalid tail of " + (size - scan.validEnd) + " bytes ("
                    + (scan.stoppedAt == null ? "incomplete" : scan.stoppedAt.problem()) + ")");
        }
        if (scan.frames == 0) {
            Files.deleteIfExists(f);
            DataRoot.fsyncDir(f.getParent());
            b.deleteSegment(s.camera(), s.startMs());
            b.addUsage(s.entry().root(), -s.entry().bytes());
            note(f, 0, "removed segment with no valid frame");
            return;
        }
        b.putSegment(s.camera(), s.startMs(), scan.toEntry(IndexEntry.State.SEALED, s.entry().root()));
        b.addUsage(s.entry().root(), scan.validEnd - s.entry().bytes());
        note(f, scan.validEnd, "sealed a segment left open by a crash" + (scan.frames > s.entry().frames()
                ? " (kept " + (scan.frames - s.entry().frames()) + " valid frames written after the last commit)" : ""));
    }

    private static void truncate(Path f, long size) throws IOException {
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.WRITE)) {
            ch.truncate(size);
            ch.force(true);
        }
    }

    private void indexStrays(DataRoot root) throws IOException {
        for (Path camDir : subdirs(root.segmentsDir())) {
            String camera = camDir.getFileName().toString();
            if (!DataRoot.validCameraId(camera)) {
                continue;
            }
            List<Path> days = subdirs(camDir);
            for (Path day : days.subList(Math.max(0, days.size() - STRAY_DAYS), days.size())) {
                for (Path f : segmentFiles(day)) {
                    Long start = startOf(f);
                    if (start != null && index.get(camera, start) == null) {
                        indexStray(root, camera, start, f);
                    }
                }
            }
        }
    }

    /** The subdirectories of dir (camera or day directories), sorted; none when dir is not a directory. */
    static List<Path> subdirs(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(Files::isDirectory).sorted().toList();
        }
    }

    /** The {@code .seg} files of a day directory, sorted (oldest start first within equal name lengths). */
    static List<Path> segmentFiles(Path day) throws IOException {
        try (Stream<Path> s = Files.list(day)) {
            return s.filter(p -> p.getFileName().toString().endsWith(".seg")).sorted().toList();
        }
    }

    /** Start time from a file name {@code <start-ms>.seg}, or null. */
    static Long startOf(Path f) {
        String n = f.getFileName().toString();
        if (!n.endsWith(".seg") || n.length() > 23) {
            return null;
        }
        try {
            long v = Long.parseLong(n.substring(0, n.length() - 4));
            return v >= 0 ? v : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** Indexes one file the index does not name (or deletes it when it holds no valid record); returns its bytes. */
    long indexStray(DataRoot root, String camera, long start, Path f) throws IOException {
        SegmentScan scan;
        long size;
        try (SegmentReader r = SegmentReader.open(f)) {
            size = r.size();
            String bad = r.checkFileHeader();
            scan = bad == null ? SegmentScan.fromStart().walk(r, start, size) : null;
        }
        if (scan == null || scan.frames == 0) {
            Files.delete(f);
            DataRoot.fsyncDir(f.getParent());
            note(f, 0, "removed unindexed segment file with no valid frame (" + size + " bytes)");
            return 0;
        }
        if (scan.validEnd < size) {
            truncate(f, scan.validEnd);
        } else {
            try (FileChannel ch = FileChannel.open(f, StandardOpenOption.WRITE)) {
                ch.force(true); // durable before the index names it
            }
        }
        try (SegmentIndex.Batch b = index.batch()) {
            b.putSegment(camera, start, scan.toEntry(IndexEntry.State.SEALED, root.uuid));
            b.addUsage(root.uuid, scan.validEnd);
            b.deleteDay(camera, CoverageIndex.dayOf(start));
            index.write(b, true);
        }
        note(f, scan.validEnd, "indexed segment file that had no index entry (" + scan.frames + " frames"
                + (scan.validEnd < size ? ", invalid tail of " + (size - scan.validEnd) + " bytes truncated" : "") + ")");
        return scan.validEnd;
    }
}
