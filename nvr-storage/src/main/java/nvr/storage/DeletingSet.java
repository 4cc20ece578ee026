package nvr.storage;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Segments whose deletion is recorded (a synced {@code gbatch|} record) but whose index entries are not dropped
 * yet: every reader of {@link SegmentIndex} skips them, so a file being unlinked is never served. Held per batch
 * as each camera's sorted starts; replaced whole on change (two changes per batch) so readers take no lock.
 * Invariant: a key is in the set from before its batch record is written until after its entry is dropped.
 */
final class DeletingSet {
    /** camera -> sorted starts of each batch in flight; empty almost always (no deletion running). */
    private volatile Map<String, List<long[]>> byCamera = Map.of();

    boolean isEmpty() {
        return byCamera.isEmpty();
    }

    boolean contains(String camera, long start) {
        Map<String, List<long[]>> m = byCamera;
        if (m.isEmpty()) {
            return false;
        }
        List<long[]> batches = m.get(camera);
        if (batches == null) {
            return false;
        }
        for (long[] starts : batches) {
            if (Arrays.binarySearch(starts, start) >= 0) {
                return true;
            }
        }
        return false;
    }

    /** Hides a batch: camera -> its starts, ascending (the arrays are kept, not copied). */
    synchronized void add(Map<String, long[]> batch) {
        Map<String, List<long[]>> next = new HashMap<>(byCamera);
        for (Map.Entry<String, long[]> e : batch.entrySet()) {
            List<long[]> l = new ArrayList<>(next.getOrDefault(e.getKey(), List.of()));
            l.add(e.getValue());
            next.put(e.getKey(), List.copyOf(l));
        }
        byCamera = Map.copyOf(next);
    }

    /** Drops recorded by {@link #dropped}, oldest first: (sequence, camera -> {first, last start}). */
    private final java.util.ArrayDeque<Object[]> drops = new java.util.ArrayDeque<>();
    /** How many drops {@link #droppedSince} remembers; a read older than that is assumed overlapped. */
    private static final int DROPS_KEPT = 256;
    private long dropSeq;

    /** The drop sequence number now: read before an index read whose entries are claimed later without re-reading. */
    synchronized long dropStamp() {
        return dropSeq;
    }

    /**
     * Notes that a batch's entries were dropped from the index (after the drop is written, before its keys leave
     * this set): camera -> {first, last start} of its dropped keys.
     */
    synchronized void dropped(Map<String, long[]> ranges) {
        drops.addLast(new Object[] {++dropSeq, ranges});
        if (drops.size() > DROPS_KEPT) {
            drops.removeFirst();
        }
    }

    /**
     * True when a drop noted after stamp may have removed a key of camera in [from, to] (also when that drop is no
     * longer remembered): an entry read before stamp+1 may be gone, so its claim must read the index again.
     */
    synchronized boolean droppedSince(String camera, long stamp, long from, long to) {
        if (stamp >= dropSeq) {
            return false;
        }
        if (drops.isEmpty() || (long) drops.peekFirst()[0] > stamp + 1) {
            return true; // forgotten
        }
        for (java.util.Iterator<Object[]> it = drops.descendingIterator(); it.hasNext(); ) {
            Object[] d = it.next();
            if ((long) d[0] <= stamp) {
                break;
            }
            @SuppressWarnings("unchecked")
            long[] r = ((Map<String, long[]>) d[1]).get(camera);
            if (r != null && r[0] <= to && r[1] >= from) {
                return true;
            }
        }
        return false;
    }

    /** Shows nothing of a batch any more (its entries are dropped); the very arrays given to {@link #add}. */
    synchronized void remove(Map<String, long[]> batch) {
        Map<String, List<long[]>> next = new HashMap<>(byCamera);
        for (Map.Entry<String, long[]> e : batch.entrySet()) {
            List<long[]> l = new ArrayList<>(next.getOrDefault(e.getKey(), List.of()));
            l.removeIf(a -> a == e.getValue());
            if (l.isEmpty()) {
                next.remove(e.getKey());
            } else {
                next.put(e.getKey(), List.copyOf(l));
            }
        }
        byCamera = Map.copyOf(next);
    }
}
