package nvr.storage;

import java.io.IOException;

/**
 * {@link FrameCursor} over the index and segment files: starts at the last keyframe at or before fromMs
 * (found with seekForPrev plus the entry's keyframe table), then walks records and segments in key order.
 * Only indexed (fsynced) bytes are read, through one 1 MiB read-ahead window reused across segments. A corrupt record or missing file is skipped (resuming at the next
 * keyframe or segment), counted, and surfaces as {@link #gapBefore()} on the next frame; it never throws.
 *
 * <p>A bulk cursor (opened with a read-ahead executor, for downloads) reads sealed segments through a
 * read-only mapping instead ({@link SegmentReader#openMapped}: no copy out of the page cache), and a
 * {@link SequentialReadAhead} pages the mapped bytes in ahead of it on that executor, the next segment's
 * too (opened {@link SequentialReadAhead#AHEAD} bytes before the current one ends), so disk reads overlap
 * the cursor's own work. A mapped segment's slices are valid until the cursor's next call, like the window's.
 */
final class StoreCursor implements FrameCursor {
    private boolean withAudio;
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
    /** Bulk cursors only (else null): pages mapped segments in ahead of this cursor. */
    private final SequentialReadAhead ahead;
    /** Stream position (see {@link SequentialReadAhead}) of file offset {@code aheadFrom} of the current segment. */
    private long aheadBase;
    private long aheadFrom;
    /** The next segment, mapped and queued for read-ahead before the current one ends; null when not (yet). */
    private SegmentIndex.Segment nextSegment;
    private SegmentReader nextReader;
    private long nextBase;
    private boolean nextLooked;

    StoreCursor(Store store, SegmentIndex index, String camera, long fromMs, long toMs) {
        this(store, index, camera, fromMs, toMs, null, 0, 0);
    }

    /**
     * readAhead: where a bulk cursor pages its mapped segments in ahead of itself, aheadBytes ahead (in
     * chunks of at most chunkBytes); null for a plain cursor.
     */
    StoreCursor(Store store, SegmentIndex index, String camera, long fromMs, long toMs, java.util.concurrent.Executor readAhead,
                int chunkBytes, long aheadBytes) {
        fromMs = Math.max(0, fromMs); // stored times are never negative
        this.ahead = readAhead != null && SegmentMapping.supported()
            ? new SequentialReadAhead(readAhead, chunkBytes, aheadBytes) : null;
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
        nextLooked = false;
        if (nextReader != null && nextSegment.startMs() == s.startMs() && at == SegmentReader.FILE_HEADER_BYTES) {
            reader = nextReader; // opened and queued for read-ahead while the previous segment was read
            aheadBase = nextBase;
            aheadFrom = at;
            nextReader = null;
            nextSegment = null;
            return;
        }
        closeNext();
        try {
            if (ahead != null && s.entry().state() == IndexEntry.State.SEALED) {
                reader = SegmentReader.openMapped(store.fileOf(s), limit);
                if (reader != null) {
                    aheadBase = ahead.add(reader.mapping(), at, reader.mapping().length());
                    aheadFrom = at;
                    return;
                }
            }
            if (window == null) {
                window = SegmentReader.borrowWindow();
            }
            reader = SegmentReader.open(store.fileOf(s), window);
        } catch (IOException e) {
            skipped(0, "cannot open segment file: " + e);
            reader = null;
        }
    }

    /**
     * Bulk cursors: once the current mapped segment has less than {@link SequentialReadAhead#AHEAD} bytes
     * left, maps the next one and queues it for read-ahead, so the disk never idles at a segment boundary.
     * {@link #advanceFrom} still looks the next segment up itself and uses this one only when it is the same.
     */
    private void readAhead() {
        if (reader == null || reader.mapping() == null) {
            return;
        }
        ahead.advanced(aheadBase + offset - aheadFrom);
        if (nextLooked || limit - offset > ahead.ahead()) {
            return;
        }
        nextLooked = true;
        SegmentIndex.Segment n = index.higher(camera, segment.startMs());
        while (n != null && n.entry().state() == IndexEntry.State.GARBAGE) {
            n = index.higher(camera, n.startMs());
        }
        if (n == null || n.startMs() >= toMs || n.entry().state() != IndexEntry.State.SEALED) {
            return;
        }
        try {
            SegmentReader r = SegmentReader.openMapped(store.fileOf(n), n.entry().bytes());
            if (r != null) {
                nextBase = ahead.add(r.mapping(), SegmentReader.FILE_HEADER_BYTES, r.mapping().length());
                nextReader = r;
                nextSegment = n;
            }
        } catch (IOException e) {
            // deleted or unreadable: advanceFrom finds out again and reports it
        }
    }

    private void closeNext() {
        if (nextReader != null) {
            try {
                nextReader.close();
            } catch (IOException ignored) {
                // a mapping: nothing to fail
            }
            nextReader = null;
            nextSegment = null;
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

    /** Also return stored audio records (interleaved with video in time order); off by default. */
    public StoreCursor includeAudio() {
        withAudio = true;
        return this;
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
            } catch (InternalError e) {
                if (reader.mapping() == null) {
                    throw e;
                }
                // A mapped page that faults in a buffer copy (the reader checks that pages are readable before it
                // touches them; this is what slips between that check and the copy) is reported by the JVM as this
                // error, soon after (it may also surface in the caller). Skip the rest of the file.
                skipped(offset, "the mapped file could not be read (a disk read error?): " + e.getMessage());
                closeReader();
                continue;
            }
            if (r instanceof SegmentReader.Slice f) {
                boolean audio = FrameRecord.isAudio(f.frame().streamType());
                if (f.frame().timeMs() >= toMs && !audio) { // only video ends the range: audio runs ahead of it
                    done = true;
                    break;
                }
                offset = f.next();
                if (ahead != null) {
                    readAhead();
                }
                if (audio && (!withAudio || f.frame().timeMs() >= toMs)) {
                    continue; // video-only readers get exactly the video records; audio past the range is not in it
                }
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
        releaseAll(); // at the end already: no need to wait for close()
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
        releaseAll();
    }

    private void releaseAll() {
        closeNext();
        if (ahead != null) {
            ahead.close();
        }
        SegmentReader.returnWindow(window);
        window = null;
    }
}
