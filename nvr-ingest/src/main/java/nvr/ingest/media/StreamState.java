package nvr.ingest.media;

/** Health of one camera stream as admins see it. */
public enum StreamState {
    RECEIVING,
    STALLED,
    OFFLINE
}
