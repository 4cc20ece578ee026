package nvr.storage;

import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.util.List;
import nvr.storage.audit.AuditEvent;

/**
 * Entry point of the storage engine: segment files on one or more data roots, indexed in RocksDB.
 * API SKELETON: the storage issue (#2) replaces these bodies with the implementation.
 */
public final class Store implements AutoCloseable {
    public static Store open(StoreConfig config, MeterRegistry meters) throws IOException {
        throw new UnsupportedOperationException("storage not implemented yet");
    }

    /** The writer for a camera, created on first use. */
    public CameraWriter writer(String cameraId) {
        throw new UnsupportedOperationException();
    }

    public FrameCursor openCursor(String cameraId, long fromMs, long toMs) throws IOException {
        throw new UnsupportedOperationException();
    }

    public Coverage coverage(String cameraId, long fromMs, long toMs) {
        throw new UnsupportedOperationException();
    }

    /** Segments overlapping [fromMs, toMs), oldest first. */
    public List<SegmentInfo> segments(String cameraId, long fromMs, long toMs) {
        throw new UnsupportedOperationException();
    }

    /** Every camera that has at least one segment, or is registered in the cameras table. */
    public List<String> cameraIds() {
        throw new UnsupportedOperationException();
    }

    /** Deletes a whole segment: mark garbage in the index, unlink, fsync the directory, drop the entry. */
    public void deleteSegment(SegmentInfo segment) throws IOException {
        throw new UnsupportedOperationException();
    }

    /** A registry table: "cameras", "devices" or "holds". */
    public KeyValueTable table(String name) {
        throw new UnsupportedOperationException();
    }

    public void audit(AuditEvent event) {
        throw new UnsupportedOperationException();
    }

    public VerifyReport verify() {
        throw new UnsupportedOperationException();
    }

    /** Group-commits now: fsync data of every open segment, then write the index batch. */
    public void flush() throws IOException {
        throw new UnsupportedOperationException();
    }

    @Override
    public void close() throws IOException {
        throw new UnsupportedOperationException();
    }
}
