package nvr.cli.serve;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalLong;

/**
 * Which process holds the store's lock on a data root, so a refused {@code nvr serve} can name the pid to
 * stop. The lock itself is nvr-storage's (its {@code <root>/lock}, an OS lock held for the store's life and
 * released by the kernel even after kill -9); this class only reads who holds it from Linux's
 * {@code /proc/locks} ({@code "1: POSIX  ADVISORY  WRITE <pid> <major>:<minor>:<inode> 0 EOF"}, major and
 * minor in hex). Best effort: on another OS, or when nothing matches, the pid is simply unknown.
 */
final class RootLockHolder {
    /** The file nvr-storage's DataRoot locks in every root. */
    static final String STORE_LOCK = "lock";
    private static final Path PROC_LOCKS = Path.of("/proc/locks");

    private RootLockHolder() {
    }

    /** The pid of another process holding the store lock on root; empty when none is found. */
    static OptionalLong otherHolder(Path root) {
        Path lock = root.resolve(STORE_LOCK);
        String file;
        List<String> locks;
        try {
            file = deviceAndInode(lock);
            locks = Files.readAllLines(PROC_LOCKS);
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException | ClassCastException e) {
            return OptionalLong.empty();
        }
        OptionalLong pid = holder(locks, file);
        return pid.isPresent() && pid.getAsLong() == ProcessHandle.current().pid() ? OptionalLong.empty() : pid;
    }

    /** {@code <major hex>:<minor hex>:<inode>} as /proc/locks writes it, from the file's st_dev and st_ino. */
    static String deviceAndInode(Path file) throws IOException {
        long dev = (Long) Files.getAttribute(file, "unix:dev");
        long ino = (Long) Files.getAttribute(file, "unix:ino");
        long major = ((dev >>> 8) & 0xfff) | ((dev >>> 32) & ~0xfffL);
        long minor = (dev & 0xff) | ((dev >>> 12) & ~0xffL);
        return String.format("%02x:%02x:%d", major, minor, ino);
    }

    /** The pid of the granted (not waiting, "->") lock on file among /proc/locks lines; garbage lines are skipped. */
    static OptionalLong holder(List<String> procLocks, String file) {
        for (String line : procLocks) {
            String[] f = line.trim().split("\\s+");
            // id: class mode type pid dev:ino start end (a waiter has "->" after the id)
            if (f.length < 6 || f[1].equals("->") || !f[5].equalsIgnoreCase(file) || !f[4].matches("[0-9]{1,10}")) {
                continue;
            }
            return OptionalLong.of(Long.parseLong(f[4]));
        }
        return OptionalLong.empty();
    }
}
