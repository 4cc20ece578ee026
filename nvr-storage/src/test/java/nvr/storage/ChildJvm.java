package nvr.storage;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Starts a small JVM running a test's main class on the test class path: the writer process crash tests kill. */
final class ChildJvm {
    private ChildJvm() {
    }

    /** Starts main with args; its stderr is discarded, its stdout is the test's to read. */
    static Process start(Path root, Class<?> main, String... args) throws IOException {
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx128m", "-Xshare:auto",
                // the test's own directory: CrashRecoveryTest checks that killed children leave nothing in it
                // (RocksDB's loader left its 13 MB library behind at every kill before RocksDbNativeLibrary)
                "-Djava.io.tmpdir=" + root.getParent(),
                "-cp", cp, main.getName()));
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    }
}
