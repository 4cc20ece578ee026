package nvr.storage;

/** Appends one camera's frames. Never blocks on disk: frames are queued for the root's writer thread. */
public interface CameraWriter {
    /**
     * Queues a frame. Returns false when it was dropped (queue full: the rest of its GOP is dropped too,
     * until the next keyframe, and counted).
     */
    boolean append(long timeMs, boolean keyframe, int streamType, byte[] payload);
}
