package nvr.storage;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import org.rocksdb.RocksDB;
import org.rocksdb.util.Environment;

/**
 * Loads RocksDB's JNI library so that no copy of it outlives the process. {@link RocksDB#loadLibrary()} unpacks the
 * 13 MB library into {@code java.io.tmpdir} and deletes it only at a clean exit, so every recorder killed by
 * {@code kill -9}, the OOM killer or a power cut left one behind in /tmp (thousands of them filled a test machine's
 * disk). Here it is unpacked into a private directory, loaded, and deleted at once: a loaded library stays mapped
 * after its file is gone. Falls back to RocksDB's own loader when the jar has no library for this platform.
 */
final class RocksDbNativeLibrary {
    private static final System.Logger LOG = System.getLogger(RocksDbNativeLibrary.class.getName());
    private static final String PREFIX = "nvr-rocksdb-";
    private static boolean loaded;

    private RocksDbNativeLibrary() {
    }

    static synchronized void load() {
        if (loaded) {
            return;
        }
        // The names RocksDB itself uses: the resource its loader unpacks, the file loadLibrary(paths) loads.
        String resource = Environment.getJniLibraryFileName("rocksdb");
        String target = Environment.getJniLibraryFileName("rocksdbjni");
        Path dir = null;
        try (InputStream in = RocksDB.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                RocksDB.loadLibrary(); // not bundled for this platform: RocksDB's own search (java.library.path)
            } else {
                removeStale(Path.of(System.getProperty("java.io.tmpdir")));
                // 0700, fresh: nobody else can swap the file; the pid lets a later start remove it after a crash
                dir = Files.createTempDirectory(PREFIX + ProcessHandle.current().pid() + "-");
                Files.copy(in, dir.resolve(target), StandardCopyOption.REPLACE_EXISTING);
                RocksDB.loadLibrary(List.of(dir.toString()));
            }
        } catch (IOException | UnsatisfiedLinkError e) { // e.g. a temp directory mounted noexec
            LOG.log(System.Logger.Level.DEBUG, "cannot load RocksDB's library from a private copy (" + e.getMessage()
                    + "); using RocksDB's loader");
            RocksDB.loadLibrary();
        } finally {
            if (dir != null) {
                try {
                    Files.deleteIfExists(dir.resolve(target));
                    Files.deleteIfExists(dir);
                } catch (IOException e) {
                    LOG.log(System.Logger.Level.WARNING, "cannot remove the unpacked RocksDB library in " + dir + ": "
                            + e.getMessage() + "; delete it by hand");
                }
            }
        }
        loaded = true;
    }

    /**
     * Removes the private copies of processes that died in the few milliseconds between unpacking and deleting it
     * (a kill during start-up): so crashes leave at most one copy behind, until the next start.
     */
    static void removeStale(Path tmp) {
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(tmp, PREFIX + "*")) {
            for (Path d : dirs) {
                String rest = d.getFileName().toString().substring(PREFIX.length());
                int dash = rest.indexOf('-');
                long pid;
                try {
                    pid = Long.parseLong(dash < 0 ? rest : rest.substring(0, dash));
                } catch (NumberFormatException e) {
                    continue;
                }
                if (ProcessHandle.of(pid).isPresent() || !Files.isDirectory(d, LinkOption.NOFOLLOW_LINKS)) {
                    continue;
                }
                try (DirectoryStream<Path> files = Files.newDirectoryStream(d)) {
                    for (Path f : files) {
                        Files.deleteIfExists(f); // a symlink is removed, never followed
                    }
                }
                Files.deleteIfExists(d);
            }
        } catch (IOException | RuntimeException e) {
            // another user's directory, or one going away meanwhile: left alone, it costs only disk space
            LOG.log(System.Logger.Level.DEBUG, "cannot remove stale RocksDB library copies in " + tmp + ": " + e);
        }
    }
}
