package nvr.storage;

import java.io.IOException;

/**
 * {@link FrameCursor} over the index and segment files: starts at the last keyframe at or before fromMs
 * (found with seekForPrev plus the entry's keyframe table), then walks records and segments in key order.
 * Only indexed (fsynced) bytes are read, through one 1 MiB read-ahead window reused across segments. A corrupt record or missing file is skipped (resuming at the next
 * keyframe or segment), counted, and surfaces as {@link #gapBefore()} on the next frame; it never throws.
 */
final class StoreCursor implements FrameCursor {
    private static final System.Logger LOG = System.getLogger(StoreCursor.class.getName());

    private final Store store;
    private final SegmentIndex index;
    private final String camera;
    private final long toMs;
    private SegmentIndex.Segment segment;
    private SegmentReader reader;
    /** One read-ahead window for every segment this cursor reads, borrowed on first use, given back at close. */
    private java.nio.ByteBuffer window;
    private long offset;
    private long limit;
    private long prevMs;
    private boolean pendingGap;
    private boolean lastGap;
    private boolean done;

    StoreCursor(Store store, SegmentIndex index, String camera, long fromMs, long toMs) {
        fromMs = Math.max(0, fromMs); // stored times are never negative
        this.store = store;
        this.index = index;
        this.camera = camera;
        this.toMs = toMs;
        this.prevMs = fromMs;
        SegmentIndex.Segment s = index.floor(camera, fromMs);
        if (s != null && s.entry().endMs() >= fromMs && s.entry().state() != IndexEntry.State.GARBAGE) {
            open(s, s.entry().keyframeOffsetAtOrBefore(s.startMs(), fromMs));
        } else if (!advanceFrom(s == null ? fromMs - 1 : s.startMs())) {
            done = true;
        }
    }

    private void open(SegmentIndex.Segment s, long at) {
        closeReader();
        segment = s;
        offset = at;
        limit = s.entry().bytes();
        try {
            if (window == null) {
                window = SegmentReader.borrowWindow();
            }
            reader = SegmentReader.open(store.fileOf(s), window);
        } catch (IOException e) {
            skipped(0, "cannot open segment file: " + e);
            reader = null;
        }
    }

    /** Opens the first live segment starting after startMs and before toMs; false when there is none. */
    private boolean advanceFrom(long startMs) {
        SegmentIndex.Segment n = index.higher(camera, startMs);
        while (n != null && n.entry().state() == IndexEntry.State.GARBAGE) {
            n = index.higher(camera, n.startMs());
        }
        if (n == null || n.startMs() >= toMs) {
            closeReader();
            return false;
        }
        open(n, SegmentReader.FILE_HEADER_BYTES);
        return true;
    }

    private void skipped(long at, String problem) {
        store.metrics.readErrors.increment();
        LOG.log(System.Logger.Level.WARNING, "skipping unreadable data in " + store.fileOf(segment) + " at offset "
                + at + ": " + problem + " (run nvr verify)");
        pendingGap = true;
    }

    @Override
    public FrameRecord next() {
        SegmentReader.Slice s = advance();
        return s == null ? null : SegmentReader.record(s.frame());
    }

    @Override
    public FrameSlice nextSlice() {
        SegmentReader.Slice s = advance();
        return s == null ? null : s.frame();
    }

    /** The next valid record in range (its payload a view of the window), or null at the end. */
    private SegmentReader.Slice advance() {
        while (!done) {
            if (reader == null) {
                if (segment == null || !advanceFrom(segment.startMs())) {
                    done = true;
                }
                continue;
            }
            SegmentReader.Result r;
            try {
                r = reader.readSlice(offset, limit);
            } catch (IOException e) {
                r = new SegmentReader.Corrupt(offset, "read failed: " + e.getMessage());
            }
            if (r instanceof SegmentReader.Slice f) {
                if (f.frame().timeMs() >= toMs) {
                    done = true;
                    break;
                }
                offset = f.next();
                lastGap = pendingGap || f.frame().timeMs() - prevMs > Store.GAP_MS;
                pendingGap = false;
                prevMs = Math.max(prevMs, f.frame().timeMs());
                return f;
            } else if (r instanceof SegmentReader.Corrupt c) {
                skipped(c.offset(), c.problem());
                long k = segment.entry().keyframeOffsetAfter(c.offset());
                if (k > 0 && k < limit) {
                    offset = k;
                } else {
                    closeReader();
                }
            } else { // End: an open segment may have grown since we read its entry
                if (segment.entry().state() == IndexEntry.State.OPEN) {
                    try {
                        SegmentIndex.Segment fresh = index.get(camera, segment.startMs());
                        if (fresh != null && fresh.entry().bytes() > limit) {
                            segment = fresh;
                            limit = fresh.entry().bytes();
                            continue;
                        }
                    } catch (IOException e) {
                        // fall through to the next segment
                    }
                }
                closeReader();
            }
        }
        closeReader();
        SegmentReader.returnWindow(window); // at the end already: no need to wait for close()
        window = null;
        return null;
    }

    @Override
    public boolean gapBefore() {
        return lastGap;
    }

    private void closeReader() {
        if (reader != null) {
            try {
                reader.close();
            } catch (IOException ignored) {
                // read-only channel
            }
            reader = null;
        }
    }

    @Override
    public void close() {
        done = true;
        closeReader();
        SegmentReader.returnWindow(window);
        window = null;
    }
}
