package nvr.storage;

import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One root's {@code trash/} directory: segment files a deletion has taken out of {@code segments/} but whose
 * blocks are not yet freed. A deletion moves files here by rename (a whole day directory in one rename when the
 * batch holds every file in it), which costs a directory entry, not the file's blocks: on ext4 mounted with
 * {@code discard} an unlink of a 2 MB segment took ~1 ms and a rename ~20 us (measured). The {@link TrashReaper}
 * unlinks them later, off the deletion's path, as RocksDB's DeleteScheduler does with its trash files.
 * <pre>
 * &lt;root&gt;/trash/&lt;batch id&gt;/&lt;camera&gt;/&lt;yyyy-mm-dd&gt;/&lt;start-ms&gt;.seg    same shape as segments/ below the batch id
 * </pre>
 * Invariants: nothing here is named by the index (recovery moves back a file that is, see {@link #rescue}); the
 * batch id is unique per deletion, so two batches never collide on a name.
 */
final class SegmentTrash {
    static final String DIR = "trash";
    /** Below this many files of one directory in a batch the directory is not listed to try a whole-day move. */
    private static final int DAY_MOVE_MIN_FILES = 16;

    private final DataRoot root;
    final Path dir;
    /** Bytes moved here and not yet unlinked (the file system still counts them as used). */
    final AtomicLong pendingBytes = new AtomicLong();

    SegmentTrash(DataRoot root) {
        this.root = root;
        this.dir = root.path.resolve(DIR);
    }

    /** Where one deletion batch puts its files. */
    Batch batch(String id) {
        return new Batch(dir.resolve(id));
    }

    /** The batch directories left here (by a crash, or a close before the reaper finished), oldest name first. */
    List<Path> leftovers() {
        String[] names = dir.toFile().list();
        List<Path> out = new ArrayList<>();
        if (names != null) {
            Arrays.sort(names);
            for (String n : names) {
                out.add(dir.resolve(n));
            }
        }
        return out;
    }

    /**
     * At open, before open segments are repaired: moves back into {@code segments/} every file here the index
     * still names (a writer's file caught by a day move in a crash's window, see {@link Batch#moveDay}); returns
     * the files moved back. Everything else here is garbage.
     */
    List<Path> rescue(SegmentIndex index) throws IOException {
        List<Path> back = new ArrayList<>();
        for (Path batch : leftovers()) {
            for (File cam : listDirs(batch.toFile())) {
                for (File day : listDirs(cam)) {
                    String[] names = day.list();
                    for (String n : names == null ? new String[0] : names) {
                        long start = startOf(n);
                        if (start == Long.MIN_VALUE) {
                            continue;
                        }
                        String camera = cam.getName();
                        SegmentIndex.Segment s = index.get(camera, start);
                        boolean named = s != null && s.entry().root().equals(root.uuid)
                                || index.metaGet(SegmentIndex.openMarker(camera, start)) != null;
                        Path target = root.segmentFile(camera, start);
                        if (named && !target.toFile().exists()) {
                            moveBack(day.toPath().resolve(n), target);
                            back.add(target);
                        }
                    }
                }
            }
        }
        return back;
    }

    /** The bytes of the files under one batch directory (for the reaper's account at open). */
    static long measure(Path batchDir) {
        long[] sum = {0};
        walkFiles(batchDir.toFile(), f -> sum[0] += f.length());
        return sum[0];
    }

    private static File[] listDirs(File d) {
        File[] got = d.listFiles(File::isDirectory);
        return got == null ? new File[0] : got;
    }

    static void walkFiles(File d, java.util.function.Consumer<File> action) {
        File[] children = d.listFiles();
        if (children == null) {
            return;
        }
        for (File c : children) {
            if (c.isDirectory()) {
                walkFiles(c, action);
            } else {
                action.accept(c);
            }
        }
    }

    /** "&lt;start-ms&gt;.seg" -> start, else Long.MIN_VALUE. */
    static long startOf(String name) {
        if (!name.endsWith(".seg") || name.length() <= 4 || name.length() > 24) {
            return Long.MIN_VALUE;
        }
        try {
            return Long.parseLong(name, 0, name.length() - 4, 10);
        } catch (NumberFormatException e) {
            return Long.MIN_VALUE;
        }
    }

    private void moveBack(Path from, Path to) throws IOException {
        root.forget(to.getParent());
        root.ensureDir(to.getParent());
        if (!from.toFile().renameTo(to.toFile())) {
            throw new IOException("cannot move " + from + " back to " + to + "; move it by hand before starting again");
        }
        for (Path d : root.unsyncedDirs()) {
            DataRoot.fsyncDir(d);
            root.dirSynced(d);
        }
        DataRoot.fsyncDir(to.getParent());
        DataRoot.fsyncDir(from.getParent());
    }

    /**
     * One deletion's moves. Not thread-safe: one deleting thread per batch. {@link #sync} makes every move durable
     * (the source and target directories fsynced), which the deletion needs before it drops the index entries.
     */
    final class Batch {
        final Path dir;
        private boolean created;
        /** Directories whose entries changed: fsynced by {@link #sync}. */
        private final Set<Path> touched = new LinkedHashSet<>();

        private Batch(Path dir) {
            this.dir = dir;
        }

        private Path target(String camera, String day, boolean includeDay) throws IOException {
            if (!created) {
                File trash = SegmentTrash.this.dir.toFile();
                if (!trash.isDirectory() && !trash.mkdir() && !trash.isDirectory()) {
                    throw new IOException("cannot create " + trash + "; check the data root's permissions");
                }
                if (!dir.toFile().mkdir() && !dir.toFile().isDirectory()) {
                    throw new IOException("cannot create " + dir + "; check the data root's permissions");
                }
                touched.add(SegmentTrash.this.dir);
                created = true;
            }
            Path cam = dir.resolve(camera);
            if (cam.toFile().mkdir()) {
                touched.add(dir);
            }
            if (!includeDay) {
                return cam;
            }
            Path d = cam.resolve(day);
            if (d.toFile().mkdir()) {
                touched.add(cam);
            }
            return d;
        }

        /**
         * Moves the whole day directory when it holds exactly the given files (starts ascending, the first n):
         * returns false, moving nothing, when it holds anything else or fewer than a few are given.
         * A writer may be creating a file in that day meanwhile (only with a clock set far back): it is listed in
         * {@code open} before its file exists, so after the rename any such file is moved back; one created in
         * the moved directory after that is noticed by the writer itself ({@link SegmentWriter#create} checks its
         * file is where it should be).
         */
        boolean moveDay(String camera, Path dayDir, long[] starts, int n, OpenSegmentSet open) throws IOException {
            if (n < DAY_MOVE_MIN_FILES) {
                return false;
            }
            String[] names = dayDir.toFile().list();
            if (names == null || names.length != n || !allNamed(names, starts, n)) {
                return false;
            }
            long seq = open == null ? 0 : open.sequence();
            long dayStart = Math.floorDiv(starts[0], CoverageIndex.DAY_MS) * CoverageIndex.DAY_MS;
            if (open != null && open.anyOpenWithin(camera, dayStart, dayStart + CoverageIndex.DAY_MS - 1)) {
                return false;
            }
            Path to = target(camera, null, false).resolve(dayDir.getFileName().toString());
            if (!dayDir.toFile().renameTo(to.toFile())) {
                return false; // e.g. gone meanwhile: the file-by-file path reports what is really wrong
            }
            root.forget(dayDir);
            touched.add(dayDir.getParent());
            touched.add(to.getParent());
            if (open != null && (open.anyOpenWithin(camera, dayStart, dayStart + CoverageIndex.DAY_MS - 1)
                    || open.sealedSince(camera, seq))) {
                String[] now = to.toFile().list();
                for (String name : now == null ? new String[0] : now) {
                    long s = startOf(name);
                    if (s == Long.MIN_VALUE || Arrays.binarySearch(starts, 0, n, s) < 0) {
                        moveBack(to.resolve(name), dayDir.resolve(name));
                    }
                }
            }
            return true;
        }

        private boolean allNamed(String[] names, long[] starts, int n) {
            for (String name : names) {
                long s = startOf(name);
                if (s == Long.MIN_VALUE || Arrays.binarySearch(starts, 0, n, s) < 0) {
                    return false;
                }
            }
            return true;
        }

        /** Moves one file; false when it is already gone (finished earlier). */
        boolean moveFile(String camera, Path dayDir, String name) throws IOException {
            File from = new File(dayDir.toFile(), name);
            File to = new File(target(camera, dayDir.getFileName().toString(), true).toFile(), name);
            if (from.renameTo(to)) {
                touched.add(dayDir);
                touched.add(to.getParentFile().toPath());
                return true;
            }
            if (from.exists()) {
                throw new IOException("cannot move " + from + " to " + to + "; check the data root's permissions (the"
                        + " deletion is finished at the next deletion or start)");
            }
            return false;
        }

        /** fsyncs every directory the moves changed, so a crash cannot bring a moved file back. */
        void sync() throws IOException {
            for (Path d : touched) {
                try {
                    DataRoot.fsyncDir(d);
                } catch (java.nio.file.NoSuchFileException e) {
                    // removed meanwhile (an emptied day directory): nothing left to make durable
                }
            }
            touched.clear();
        }

        boolean used() {
            return created;
        }
    }
}
