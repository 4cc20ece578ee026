package nvr.storage;

import java.io.IOException;
import java.nio.file.Path;
import java.util.OptionalLong;

/** A data root is locked by another live process (one recorder per root); names the root and, when known, its pid. */
public final class RootInUseException extends IOException {
    private final Path root;
    private final OptionalLong holderPid;

    RootInUseException(Path root, OptionalLong holderPid) {
        super("data root " + root + " is in use by another nvr process"
                + (holderPid.isPresent() ? " (pid " + holderPid.getAsLong() + ")" : "")
                + "; stop that process or configure a different storage root");
        this.root = root;
        this.holderPid = holderPid;
    }

    public Path root() {
        return root;
    }

    /** The pid the holder wrote into the lock file; empty when the file holds none (an older nvr, a foreign locker). */
    public OptionalLong holderPid() {
        return holderPid;
    }
}
