package nvr.storage;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.UUID;

/**
 * Value of a {@code segments} entry (big-endian): {@code version u8 = 1 | state u8 | root uuid 16 |
 * end-ms i64 | bytes i64 | frames i64 | stream_type i32 | keyframes i32 | keyframes x (offset i32, time delta
 * from start i32)}. {@code bytes} is the length of valid data in the file (file header included): the index
 * never names bytes that were not fsynced first.
 */
record IndexEntry(State state, UUID root, long endMs, long bytes, long frames, int streamType,
                  int[] keyframeOffsets, int[] keyframeDeltas) {

    enum State {
        /** Being written by a live writer: recovery scans its tail. */
        OPEN,
        /** Finished: bytes/frames/keyframes are final. */
        SEALED,
        /** Being deleted: recovery finishes the unlink and drops the entry. */
        GARBAGE
    }

    private static final int VERSION = 1;

    byte[] encode() {
        ByteBuffer b = ByteBuffer.allocate(2 + 16 + 8 * 3 + 4 + 4 + 8 * keyframeOffsets.length);
        b.put((byte) VERSION).put((byte) state.ordinal());
        b.putLong(root.getMostSignificantBits()).putLong(root.getLeastSignificantBits());
        b.putLong(endMs).putLong(bytes).putLong(frames).putInt(streamType).putInt(keyframeOffsets.length);
        for (int i = 0; i < keyframeOffsets.length; i++) {
            b.putInt(keyframeOffsets[i]).putInt(keyframeDeltas[i]);
        }
        return b.array();
    }

    private static final int[] NONE = new int[0];

    /** Decodes a value; throws IllegalArgumentException (caught by callers and reported) when malformed. */
    static IndexEntry decode(byte[] v) {
        return decode(v, true);
    }

    /**
     * Decodes a value, skipping the keyframe table unless withKeyframes (coverage and listings do not need it,
     * and it is most of the entry).
     */
    static IndexEntry decode(byte[] v, boolean withKeyframes) {
        try {
            ByteBuffer b = ByteBuffer.wrap(v);
            if (b.get() != VERSION) {
                throw new IllegalArgumentException("unknown index entry version");
            }
            int s = b.get();
            if (s < 0 || s >= State.values().length) {
                throw new IllegalArgumentException("unknown index entry state " + s);
            }
            UUID root = new UUID(b.getLong(), b.getLong());
            long end = b.getLong();
            long bytes = b.getLong();
            long frames = b.getLong();
            int st = b.getInt();
            int n = b.getInt();
            if (n < 0 || n > b.remaining() / 8) {
                throw new IllegalArgumentException("bad keyframe count " + n);
            }
            if (!withKeyframes) {
                return new IndexEntry(State.values()[s], root, end, bytes, frames, st, NONE, NONE);
            }
            int[] offs = new int[n];
            int[] deltas = new int[n];
            for (int i = 0; i < n; i++) {
                offs[i] = b.getInt();
                deltas[i] = b.getInt();
            }
            return new IndexEntry(State.values()[s], root, end, bytes, frames, st, offs, deltas);
        } catch (BufferUnderflowException e) {
            throw new IllegalArgumentException("truncated index entry");
        }
    }

    /**
     * The entry marked GARBAGE, without its keyframe table: readers, verify and recovery never use a GARBAGE
     * entry's keyframes (recovery needs root and bytes), and the mark is ~60 bytes instead of hundreds.
     */
    IndexEntry asGarbage() {
        return new IndexEntry(State.GARBAGE, root, endMs, bytes, frames, streamType, NONE, NONE);
    }

    IndexEntry withState(State s) {
        return new IndexEntry(s, root, endMs, bytes, frames, streamType, keyframeOffsets, keyframeDeltas);
    }

    /** File offset of the last keyframe at or before timeMs, or of the first keyframe when none is. */
    long keyframeOffsetAtOrBefore(long startMs, long timeMs) {
        return keyframeOffsets.length == 0 ? SegmentReader.FILE_HEADER_BYTES
                : keyframeOffsets[keyframeIndexAtOrBefore(startMs, timeMs)];
    }

    /** Index in the keyframe table of the last keyframe at or before timeMs (0 when none is); -1 when empty. */
    int keyframeIndexAtOrBefore(long startMs, long timeMs) {
        if (keyframeOffsets.length == 0) {
            return -1;
        }
        long delta = timeMs - startMs;
        int lo = 0;
        int hi = keyframeDeltas.length - 1;
        int found = 0;
        while (lo <= hi) { // binary search: last i with delta[i] <= delta
            int mid = (lo + hi) >>> 1;
            if (keyframeDeltas[mid] <= delta) {
                found = mid;
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        return found;
    }

    /** Offset of the first keyframe strictly after offset, or -1. Used to resume past a corrupt record. */
    long keyframeOffsetAfter(long offset) {
        for (int o : keyframeOffsets) {
            if (o > offset) {
                return o;
            }
        }
        return -1;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof IndexEntry e && state == e.state && root.equals(e.root) && endMs == e.endMs
                && bytes == e.bytes && frames == e.frames && streamType == e.streamType
                && Arrays.equals(keyframeOffsets, e.keyframeOffsets) && Arrays.equals(keyframeDeltas, e.keyframeDeltas);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(keyframeOffsets) * 31 + Long.hashCode(bytes);
    }
}
