package nvr.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.OptionalLong;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;

/**
 * One data root (volume): owns its {@code lock} file (held for the store's life so a second process fails
 * fast), its {@code meta} file (the root's UUID, also recorded in the index so a wrongly mounted disk is
 * caught), the directory tree {@code segments/<camera>/<yyyy-mm-dd UTC>/<start-ms>.seg} and its {@link SegmentTrash}.
 */
final class DataRoot implements AutoCloseable {
    static final String META_HEADER = "nvr-data-root 1";
    private static final Pattern CAMERA_ID = Pattern.compile("[A-Za-z0-9_.-]{1,64}");
    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("yyyy-MM-dd").withZone(ZoneOffset.UTC);

    final Path path;
    final UUID uuid;
    /** Bytes of indexed segment data on this root (kept current by writers and deletes). */
    final AtomicLong segmentBytes = new AtomicLong();
    /** Deleted segment files whose blocks are not freed yet ({@code trash/}). */
    final SegmentTrash trash;
    private final FileChannel lockChannel;
    private final FileLock lock;
    private final Set<Path> knownDirs = ConcurrentHashMap.newKeySet();
    /** Parents of directories created by the writer thread whose fsync is still due (see ensureDir). */
    private final Set<Path> unsyncedParents = ConcurrentHashMap.newKeySet();

    private DataRoot(Path path, UUID uuid, FileChannel lockChannel, FileLock lock) {
        this.path = path;
        this.uuid = uuid;
        this.lockChannel = lockChannel;
        this.lock = lock;
        this.trash = new SegmentTrash(this);
    }

    static DataRoot open(Path path) throws IOException {
        path = path.toAbsolutePath().normalize();
        Files.createDirectories(path);
        FileChannel ch = FileChannel.open(path.resolve("lock"), StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        FileLock lock;
        try {
            lock = ch.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null;
        }
        if (lock == null) {
            OptionalLong holder = holderPid(ch);
            ch.close();
            throw new RootInUseException(path, holder);
        }
        try {
            // the holder's pid, so a refused second recorder can name the process to stop (not synced: a hint only)
            ch.truncate(0);
            ch.write(ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII)), 0);
            return new DataRoot(path, readOrCreateMeta(path), ch, lock);
        } catch (IOException | RuntimeException e) {
            lock.release();
            ch.close();
            throw e;
        }
    }

    /** The pid a holder wrote into the lock file (at most 20 digits and a newline), or empty. */
    private static OptionalLong holderPid(FileChannel ch) {
        try {
            ByteBuffer b = ByteBuffer.allocate(24);
            ch.read(b, 0);
            String text = new String(b.array(), 0, b.position(), StandardCharsets.US_ASCII).trim();
            return text.matches("[0-9]{1,18}") ? OptionalLong.of(Long.parseLong(text)) : OptionalLong.empty();
        } catch (IOException e) {
            return OptionalLong.empty();
        }
    }

    private static UUID readOrCreateMeta(Path root) throws IOException {
        Path meta = root.resolve("meta");
        if (Files.exists(meta)) {
            String[] lines = Files.readString(meta, StandardCharsets.UTF_8).split("\n");
            if (lines.length < 2 || !lines[0].equals(META_HEADER) || !lines[1].startsWith("uuid=")) {
                throw new IOException("data root " + root + " has an unreadable meta file " + meta
                        + "; restore it from backup or move the root aside");
            }
            try {
                return UUID.fromString(lines[1].substring(5).trim());
            } catch (IllegalArgumentException e) {
                throw new IOException("data root " + root + " has a bad uuid in " + meta, e);
            }
        }
        Path segs = root.resolve("segments");
        if (Files.isDirectory(segs)) {
            try (var s = Files.list(segs)) {
                if (s.findAny().isPresent()) {
                    throw new IOException("data root " + root + " holds segments but no meta file; "
                            + "restore " + meta + " or move the root aside");
                }
            }
        }
        UUID uuid = UUID.randomUUID();
        Path tmp = root.resolve("meta.tmp");
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ch.write(ByteBuffer.wrap((META_HEADER + "\nuuid=" + uuid + "\n").getBytes(StandardCharsets.UTF_8)));
            ch.force(true);
        }
        Files.move(tmp, meta, StandardCopyOption.ATOMIC_MOVE);
        fsyncDir(root);
        return uuid;
    }

    static boolean validCameraId(String id) {
        return id != null && CAMERA_ID.matcher(id).matches() && !id.equals(".") && !id.equals("..");
    }

    Path segmentsDir() {
        return path.resolve("segments");
    }

    Path dayDir(String camera, long startMs) {
        return segmentsDir().resolve(camera).resolve(DAY.format(Instant.ofEpochMilli(startMs)));
    }

    Path segmentFile(String camera, long startMs) {
        return dayDir(camera, startMs).resolve(startMs + ".seg");
    }

    /**
     * Makes sure dir exists. The parent of every directory created on the way is only noted in
     * {@link #unsyncedDirs}: the group commit fsyncs those (beside the data fsyncs) before the index names a file
     * under them, so a day change for many cameras costs one round of fsyncs, not one per camera in a row.
     */
    void ensureDir(Path dir) throws IOException {
        if (knownDirs.contains(dir)) {
            return;
        }
        if (!Files.isDirectory(dir)) {
            Path parent = dir.getParent();
            ensureDir(parent);
            try {
                Files.createDirectory(dir);
            } catch (java.nio.file.FileAlreadyExistsException ignored) {
                // created concurrently
            }
            unsyncedParents.add(parent);
        }
        knownDirs.add(dir);
    }

    /** Directories whose new entries (made by {@link #ensureDir}) are not known to be durable yet. */
    Set<Path> unsyncedDirs() {
        return Set.copyOf(unsyncedParents);
    }

    /** Called once an fsync of dir returned after everything {@link #unsyncedDirs} reported. */
    void dirSynced(Path dir) {
        unsyncedParents.remove(dir);
    }

    /** fsync of a directory: makes creations and unlinks inside it durable. */
    static void fsyncDir(Path dir) throws IOException {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        }
    }

    /** Forgets cached directories under dir (after deletes). */
    void forget(Path dir) {
        knownDirs.remove(dir);
    }

    Volume volume() throws IOException {
        var store = Files.getFileStore(path);
        return new Volume(path, uuid.toString(), store.getTotalSpace(), store.getUsableSpace(), segmentBytes.get(),
                trash.pendingBytes.get());
    }

    @Override
    public void close() throws IOException {
        try {
            lock.release();
        } finally {
            lockChannel.close();
        }
    }
}
