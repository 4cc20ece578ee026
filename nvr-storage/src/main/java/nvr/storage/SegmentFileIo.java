package nvr.storage;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * How segment files are created for writing. The default is O_CREAT|O_EXCL; tests substitute a channel that
 * fails like a full disk to drive the real ENOSPC path of the writer.
 */
interface SegmentFileIo {
    SegmentFileIo DEFAULT = file -> FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);

    /** Creates file exclusively (fails if it exists) and opens it for writing. */
    FileChannel createNew(Path file) throws IOException;
}
