package nvr.storage;

import java.io.IOException;
import java.util.Arrays;
import java.util.UUID;

/**
 * Result of walking a segment file's records from some offset until the first invalid one: where valid data
 * ends and what it holds. Recovery rebuilds index entries from it; verify compares it with the index.
 */
final class SegmentScan {
    long validEnd;
    long frames;
    long lastMs = Long.MIN_VALUE;
    int streamType = -1;
    int[] kfOffsets = new int[16];
    int[] kfDeltas = new int[16];
    int kfCount;
    /** The first invalid record (null when the walk reached the limit cleanly). */
    SegmentReader.Corrupt stoppedAt;

    /** Continues an entry: the first entry.bytes() of the file are trusted as the index describes them. */
    static SegmentScan continuing(IndexEntry e) {
        SegmentScan s = new SegmentScan();
        s.validEnd = e.bytes();
        s.frames = e.frames();
        s.lastMs = e.frames() > 0 ? e.endMs() : Long.MIN_VALUE;
        s.streamType = e.frames() > 0 ? e.streamType() : -1;
        s.kfOffsets = Arrays.copyOf(e.keyframeOffsets(), Math.max(16, e.keyframeOffsets().length));
        s.kfDeltas = Arrays.copyOf(e.keyframeDeltas(), Math.max(16, e.keyframeDeltas().length));
        s.kfCount = e.keyframeOffsets().length;
        return s;
    }

    static SegmentScan fromStart() {
        SegmentScan s = new SegmentScan();
        s.validEnd = SegmentReader.FILE_HEADER_BYTES;
        return s;
    }

    /** Walks records from validEnd up to limit, stopping at the first invalid one. */
    SegmentScan walk(SegmentReader r, long startMs, long limit) throws IOException {
        while (true) {
            SegmentReader.Result res = r.readSlice(validEnd, limit); // payloads are CRC-checked, never copied
            if (res instanceof SegmentReader.Slice f) {
                FrameSlice fr = f.frame();
                if (FrameRecord.isAudio(fr.streamType())) { // stored audio is not a "frame", nor the end (see SegmentWriter)
                    validEnd = f.next();
                    continue;
                }
                if (fr.keyframe()) {
                    if (kfCount == kfOffsets.length) {
                        kfOffsets = Arrays.copyOf(kfOffsets, kfCount * 2);
                        kfDeltas = Arrays.copyOf(kfDeltas, kfCount * 2);
                    }
                    kfOffsets[kfCount] = (int) f.offset();
                    kfDeltas[kfCount] = (int) (fr.timeMs() - startMs);
                    kfCount++;
                }
                if (streamType < 0) {
                    streamType = fr.streamType();
                }
                frames++;
                lastMs = fr.timeMs();
                validEnd = f.next();
            } else if (res instanceof SegmentReader.Corrupt c) {
                stoppedAt = c;
                return this;
            } else {
                return this;
            }
        }
    }

    IndexEntry toEntry(IndexEntry.State state, UUID root) {
        return new IndexEntry(state, root, lastMs, validEnd, frames, Math.max(streamType, 0),
                Arrays.copyOf(kfOffsets, kfCount), Arrays.copyOf(kfDeltas, kfCount));
    }
}
