package nvr.cli.serve;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import nvr.cli.CliException;

/**
 * One recorder per data root: an OS lock on {@code <root>/nvr.lock} held for the process's life (released
 * by the kernel even after kill -9), with the holder's pid inside so the refusal can name it.
 */
public final class DataRootLock implements AutoCloseable {
    public static final String NAME = "nvr.lock";

    private final List<FileChannel> channels = new ArrayList<>();

    private DataRootLock() {
    }

    public static DataRootLock acquire(List<Path> roots) {
        DataRootLock lock = new DataRootLock();
        try {
            for (Path root : roots) {
                lock.lockOne(root);
            }
            return lock;
        } catch (RuntimeException e) {
            lock.close();
            throw e;
        }
    }

    private void lockOne(Path root) {
        Path file = root.resolve(NAME);
        FileChannel ch;
        try {
            Files.createDirectories(root);
            ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw CliException.failed("cannot use data root " + root + ": " + e.getMessage()
                    + "; check storage.roots and the folder's permissions");
        }
        FileLock l;
        try {
            l = ch.tryLock();
        } catch (OverlappingFileLockException e) {
            l = null;
        } catch (IOException e) {
            close(ch);
            throw CliException.failed("cannot lock data root " + root + ": " + e.getMessage());
        }
        if (l == null) {
            String holder = holder(ch);
            close(ch);
            throw CliException.failed("data root " + root + " is already used by a running nvr" + holder
                    + "; stop it first, or give this one other storage.roots");
        }
        try {
            ch.truncate(0);
            ch.write(ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII)), 0);
            ch.force(true);
        } catch (IOException e) {
            // the lock is what matters; the pid is only for the message
        }
        channels.add(ch);
    }

    private static String holder(FileChannel ch) {
        try {
            ByteBuffer b = ByteBuffer.allocate(32);
            ch.read(b, 0);
            String pid = new String(b.array(), 0, b.position(), StandardCharsets.US_ASCII).trim();
            return pid.matches("[0-9]+") ? " (pid " + pid + ")" : "";
        } catch (IOException e) {
            return "";
        }
    }

    private static void close(FileChannel ch) {
        try {
            ch.close();
        } catch (IOException ignored) {
            // closing a lock file cannot lose data
        }
    }

    @Override
    public void close() {
        for (FileChannel ch : channels) {
            close(ch);
        }
        channels.clear();
    }
}
