package nvr.storage;

import java.nio.ByteBuffer;

/**
 * One stored frame whose payload is not copied out of the reader: a read-only view of the cursor's read-ahead
 * window, valid only until the cursor's next call ({@link FrameCursor#nextSlice()}, {@link FrameCursor#next()}
 * or close). For consumers that copy the payload anyway (a muxer writing into its own buffer, a hash), so a
 * frame is copied once instead of twice. Its CRC was checked like {@link FrameRecord}'s.
 *
 * @param payload position 0, limit = payload length; treat as read-only
 */
public record FrameSlice(long timeMs, boolean keyframe, int streamType, ByteBuffer payload) {
    /** A copy of this frame that outlives the cursor's next call. */
    public FrameRecord toRecord() {
        byte[] p = new byte[payload.remaining()];
        payload.get(payload.position(), p);
        return new FrameRecord(timeMs, keyframe, streamType, p);
    }
}
