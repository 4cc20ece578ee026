package nvr.storage;

import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;

/**
 * Up to a limit of one camera's segments starting in a key range, oldest first, read from the index in one pass
 * as parallel arrays ({@link Store#segmentRun}): retention chooses what to delete from it in bulk (no object or
 * file path per segment), {@link #select}s entries, and hands runs to {@link Store#beginDeleteRuns
 * beginDeleteRuns}, which claims the selected entries as read instead of reading the index again.
 *
 * <p>Why the read stays good until the claim: the run remembers the open-segment and drop sequence numbers taken
 * before the index read. An entry can change after the read only if a writer sealed a segment of the camera since
 * (then the claim reads the index again), or another deletion claimed it (it is hidden: skipped) or dropped it (a
 * noted drop overlapping the run: read again). Invariant: {@code adjacent[i]} is true only when no other key lay
 * between entry i-1 and entry i when the run was read (a hidden, GARBAGE or unreadable key ends adjacency), so a
 * claimed stretch of adjacent entries can go as one range tombstone while no writer has touched the camera since.
 */
public final class SegmentRun {
    /** The keyframe table of an entry claimed from a run (a deletion never needs one). */
    static final int[] NONE = new int[0];
    final String camera;
    final long sealStamp;
    final long dropStamp;
    private final Map<UUID, DataRoot> rootsById;
    int size;
    long[] starts;
    long[] ends;
    long[] bytes;
    UUID[] roots;
    boolean[] adjacent;
    private boolean[] selected;
    private int selectedCount;
    boolean[] deleted;
    /** Start just after the last key visited (hidden ones included): where a walk continues. */
    long resumeFrom;
    /** True when the read stopped at the limit (more may follow from {@link #resumeFrom}). */
    boolean full;

    SegmentRun(String camera, long sealStamp, long dropStamp, Map<UUID, DataRoot> rootsById, int capacity) {
        this.camera = camera;
        this.sealStamp = sealStamp;
        this.dropStamp = dropStamp;
        this.rootsById = rootsById;
        int c = Math.max(1, capacity);
        starts = new long[c];
        ends = new long[c];
        bytes = new long[c];
        roots = new UUID[c];
        adjacent = new boolean[c];
    }

    void add(long start, long end, long size, UUID root, boolean adjacentToPrevious) {
        if (this.size == starts.length) {
            int c = this.size * 2;
            starts = java.util.Arrays.copyOf(starts, c);
            ends = java.util.Arrays.copyOf(ends, c);
            bytes = java.util.Arrays.copyOf(bytes, c);
            roots = java.util.Arrays.copyOf(roots, c);
            adjacent = java.util.Arrays.copyOf(adjacent, c);
        }
        starts[this.size] = start;
        ends[this.size] = end;
        bytes[this.size] = size;
        roots[this.size] = root;
        adjacent[this.size] = adjacentToPrevious && this.size > 0;
        this.size++;
    }

    public String camera() {
        return camera;
    }

    public int size() {
        return size;
    }

    public long startMs(int i) {
        return starts[i];
    }

    public long endMs(int i) {
        return ends[i];
    }

    public long bytes(int i) {
        return bytes[i];
    }

    /** The data root holding entry i's file, or null when that root is not configured. */
    public Path rootPath(int i) {
        DataRoot r = rootsById.get(roots[i]);
        return r == null ? null : r.path;
    }

    /**
     * Entry i as a SegmentInfo (its file under its data root, or under a placeholder when that root is not
     * configured); frames and stream type are not read into a run and show as 0.
     */
    public SegmentInfo info(int i) {
        DataRoot r = rootsById.get(roots[i]);
        Path file = r != null ? r.segmentFile(camera, starts[i])
                : Path.of("/nonexistent-root-" + roots[i]).resolve(camera).resolve(starts[i] + ".seg");
        return new SegmentInfo(camera, starts[i], ends[i], file, bytes[i], 0, 0);
    }

    /** True when the read stopped at its limit: the rest of the range starts at {@link #resumeFromMs}. */
    public boolean isFull() {
        return full;
    }

    /** Where a walk of the range continues after this run. */
    public long resumeFromMs() {
        return resumeFrom;
    }

    /** Asks for entry i to be deleted by {@link Store#beginDeleteRuns}. */
    public void select(int i) {
        if (selected == null) {
            selected = new boolean[starts.length];
        }
        if (!selected[i]) {
            selected[i] = true;
            selectedCount++;
        }
    }

    /** Withdraws a selection (e.g. a hold created since). */
    public void deselect(int i) {
        if (selected != null && selected[i]) {
            selected[i] = false;
            selectedCount--;
        }
    }

    public boolean isSelected(int i) {
        return selected != null && selected[i];
    }

    public int selectedCount() {
        return selectedCount;
    }

    /** After {@link Store#beginDeleteRuns}: true when entry i is being deleted by that call. */
    public boolean isDeleted(int i) {
        return deleted != null && deleted[i];
    }

    /**
     * Moves the selected entries into a new run (same read, so the same stamps) and clears the selection here:
     * retention hands part of a run to a deletion while it keeps choosing from the rest. An entry stays adjacent
     * in the new run only if its predecessor here was adjacent and selected too.
     */
    public SegmentRun takeSelected() {
        SegmentRun out = new SegmentRun(camera, sealStamp, dropStamp, rootsById, selectedCount);
        int prev = -2;
        for (int i = 0; i < size && out.size < selectedCount; i++) {
            if (selected[i]) {
                out.add(starts[i], ends[i], bytes[i], roots[i], prev == i - 1 && adjacent[i]);
                out.select(out.size - 1);
                selected[i] = false;
                prev = i;
            }
        }
        selectedCount = 0;
        return out;
    }

    /** Largest end of the entries, or Long.MIN_VALUE when empty. */
    public long maxEndMs() {
        long m = Long.MIN_VALUE;
        for (int i = 0; i < size; i++) {
            m = Math.max(m, ends[i]);
        }
        return m;
    }

    /** Start of the first entry, or Long.MAX_VALUE when empty. */
    long firstStart() {
        return size == 0 ? Long.MAX_VALUE : starts[0];
    }

    long lastStart() {
        return size == 0 ? Long.MIN_VALUE : starts[size - 1];
    }
}
