package nvr.cli.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.Random;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Finding the store lock's holder in /proc/locks: the format, garbage lines, and a real lock on this kernel. */
class RootLockHolderTest {
    @TempDir
    Path dir;

    @Test
    void findsTheGrantedLockOfThatFileOnly() {
        List<String> locks = List.of(
                "1: POSIX  ADVISORY  WRITE 4711 fe:00:99 0 EOF",
                "2: -> POSIX  ADVISORY  WRITE 815 fe:00:12345 0 EOF", // a waiter, not the holder
                "3: POSIX  ADVISORY  WRITE 4242 fe:00:12345 0 EOF",
                "4: FLOCK  ADVISORY  WRITE 9 fe:01:12345 0 EOF");
        assertEquals(OptionalLong.of(4242), RootLockHolder.holder(locks, "fe:00:12345"));
        assertEquals(OptionalLong.of(9), RootLockHolder.holder(locks, "fe:01:12345"));
        assertEquals(OptionalLong.empty(), RootLockHolder.holder(locks, "fe:00:1"));
    }

    @Test
    void garbageLinesAreSkippedNeverThrown() {
        Random rnd = new Random(28181);
        String good = "7: POSIX  ADVISORY  WRITE 31981 fe:00:2162935 0 EOF";
        for (int i = 0; i < 5_000; i++) {
            char[] c = good.toCharArray();
            for (int k = 0, n = 1 + rnd.nextInt(4); k < n; k++) {
                c[rnd.nextInt(c.length)] = (char) (rnd.nextBoolean() ? rnd.nextInt(128) : ' ');
            }
            List<String> lines = new ArrayList<>(List.of(new String(c), "", "x", " -> ", "1: 2 3 4 99999999999999999999 fe:00:5"));
            OptionalLong pid = RootLockHolder.holder(lines, "fe:00:2162935");
            assertTrue(pid.isEmpty() || pid.getAsLong() >= 0);
        }
    }

    @Test
    void aRealLockOnThisKernelIsFoundWithItsDeviceAndInode() throws Exception {
        Path procLocks = Path.of("/proc/locks");
        Assumptions.assumeTrue(Files.isReadable(procLocks), "no /proc/locks (not Linux): the pid is best effort there");
        Path root = Files.createDirectories(dir.resolve("data"));
        Path file = root.resolve(RootLockHolder.STORE_LOCK);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
             FileLock lock = ch.tryLock()) {
            assertTrue(lock != null);
            assertEquals(OptionalLong.of(ProcessHandle.current().pid()),
                    RootLockHolder.holder(Files.readAllLines(procLocks), RootLockHolder.deviceAndInode(file)));
            // this process holding it is not "another nvr"
            assertEquals(OptionalLong.empty(), RootLockHolder.otherHolder(root));
        }
        assertEquals(OptionalLong.empty(), RootLockHolder.otherHolder(root), "released: nobody holds it");
        assertEquals(OptionalLong.empty(), RootLockHolder.otherHolder(dir.resolve("missing")));
    }
}
