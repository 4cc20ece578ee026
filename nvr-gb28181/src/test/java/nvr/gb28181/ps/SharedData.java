package nvr.gb28181.ps;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;

/** Locates /work/shared/testdata through the nvr.shared.dir property; skips the test when it is absent. */
final class SharedData {
    private SharedData() {
    }

    static Path file(String name) {
        String dir = System.getProperty("nvr.shared.dir");
        Assumptions.assumeTrue(dir != null, "nvr.shared.dir is not set: skipping the real-capture test");
        Path p = Path.of(dir, "testdata", name);
        Assumptions.assumeTrue(Files.isRegularFile(p), p + " is absent: skipping the real-capture test");
        return p;
    }
}
