package nvr.ingest.media;

/**
 * Opens RTP receivers that record into storage. Used by the SIP recording plan for invited streams and
 * by {@code serve} for statically configured cameras. API SKELETON: the ingest issue (#4) implements it.
 */
public interface MediaReceivers extends AutoCloseable {
    /**
     * Opens a receiver on a port from {@code media.port-range} (or exactly {@code fixedPort} when > 0).
     *
     * @param ssrc the SSRC to accept, or null to accept any
     */
    StreamHandle open(String cameraId, MediaTransport transport, Long ssrc, int fixedPort) throws java.io.IOException;

    @Override
    void close();
}
