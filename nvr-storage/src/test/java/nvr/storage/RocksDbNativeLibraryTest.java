package nvr.storage;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RocksDbNativeLibraryTest {
    @TempDir
    Path tmp;

    @Test
    void aStartRemovesTheCopiesOfDeadProcessesOnly() throws Exception {
        Process p = new ProcessBuilder("true").start();
        p.waitFor();
        long dead = p.pid();
        Path stale = Files.createDirectories(tmp.resolve("nvr-rocksdb-" + dead + "-123"));
        Files.write(stale.resolve("librocksdbjnijni-linux64.so"), new byte[100]);
        Path live = Files.createDirectories(tmp.resolve("nvr-rocksdb-" + ProcessHandle.current().pid() + "-456"));
        Files.write(live.resolve("librocksdbjnijni-linux64.so"), new byte[100]);
        Path other = Files.createDirectories(tmp.resolve("nvr-rocksdb-notapid"));
        Path target = Files.createDirectories(tmp.resolve("keep"));
        Path link = Files.createDirectories(tmp.resolve("nvr-rocksdb-" + dead + "-789"));
        Files.createSymbolicLink(link.resolve("x"), target); // removed as a link, its target untouched

        RocksDbNativeLibrary.removeStale(tmp);

        assertFalse(Files.exists(stale), "a dead process's copy stays");
        assertFalse(Files.exists(link));
        assertTrue(Files.isDirectory(target));
        assertTrue(Files.exists(live.resolve("librocksdbjnijni-linux64.so")), "a live process's copy was removed");
        assertTrue(Files.isDirectory(other));
    }
}
