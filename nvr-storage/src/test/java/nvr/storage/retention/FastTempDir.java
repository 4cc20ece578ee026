package nvr.storage.retention;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * A temporary directory on tmpfs ({@code /dev/shm}) when the machine has one, else under java.io.tmpdir.
 * The simulations create and fsync thousands of real segment files; on tmpfs they are still real files
 * in a real file system, only without the disk's fsync latency, which is not what these tests measure.
 */
final class FastTempDir implements AutoCloseable {
    final Path path;

    FastTempDir(String prefix) throws IOException {
        Path shm = Path.of("/dev/shm");
        path = Files.isDirectory(shm) && Files.isWritable(shm)
                ? Files.createTempDirectory(shm, prefix) : Files.createTempDirectory(prefix);
    }

    @Override
    public void close() throws IOException {
        try (Stream<Path> s = Files.walk(path)) {
            for (Path p : (Iterable<Path>) s.sorted(Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(p);
            }
        }
    }
}
