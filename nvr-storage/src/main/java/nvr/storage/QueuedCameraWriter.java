package nvr.storage;

/**
 * {@link CameraWriter} that hands frames to its root's writer thread. Drop policy: once a frame is refused
 * (queue full, write gate closed, oversized, bad time) every following frame is dropped until the next
 * keyframe, so what is stored is always whole GOPs. The payload array is kept, not copied: callers must not
 * reuse it after append.
 */
final class QueuedCameraWriter implements CameraWriter {
    private final String camera;
    private final RootWriter root;
    private final RootWriter.CameraState state; // the writer thread's state of this camera, resolved once
    private final Store store;
    private volatile boolean droppingGop;

    QueuedCameraWriter(String camera, RootWriter root, Store store) {
        this.camera = camera;
        this.root = root;
        this.state = root.stateOf(camera);
        this.store = store;
    }

    @Override
    public boolean append(long timeMs, boolean keyframe, int streamType, byte[] payload) {
        String refused = null;
        if (store.isClosed()) {
            refused = "closed";
        } else if (!store.gateAccepts(camera)) {
            refused = "gate";
        } else if (payload == null || payload.length > FrameRecordCodec.MAX_PAYLOAD) {
            refused = "too-large";
        } else if (timeMs < 0) {
            refused = "bad-time";
        } else if (droppingGop && !keyframe) {
            refused = "gop";
        } else if (!root.offer(new RootWriter.QueuedFrame(state, timeMs, keyframe, streamType & 0xff, payload))) {
            refused = "queue";
        }
        if (refused != null) {
            droppingGop |= !FrameRecord.isAudio(streamType); // a lost audio frame breaks no video GOP
            store.metrics.dropped(camera, refused);
            return false;
        }
        droppingGop = false;
        return true;
    }

    RootWriter root() {
        return root;
    }
}
