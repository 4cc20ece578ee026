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
