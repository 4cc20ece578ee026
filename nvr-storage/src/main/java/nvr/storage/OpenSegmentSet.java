package nvr.storage;

import java.util.AbstractSet;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Keys ({@code camera|start}, see {@link RootWriter#segmentKey}) of the segments writers own: added before the
 * file exists, removed after the sealed entry is committed. Each removal first stamps its camera with a sequence
 * number, so a deletion can tell whether any segment of a camera stopped being open since it read the index
 * ({@link #sealedSince}): an entry the deletion did not see, committed meanwhile, is either still listed here
 * or stamped.
 */
final class OpenSegmentSet extends AbstractSet<String> {
    private final Set<String> keys = ConcurrentHashMap.newKeySet();
    private final AtomicLong seq = new AtomicLong();
    private final Map<String, Long> lastRemoval = new ConcurrentHashMap<>();

    @Override
    public boolean add(String key) {
        return keys.add(key);
    }

    @Override
    public boolean remove(Object key) {
        String k = (String) key;
        // stamped before it leaves the set: at any moment it is listed, or stamped, or both
        lastRemoval.put(k.substring(0, k.lastIndexOf('|')), seq.incrementAndGet());
        return keys.remove(k);
    }

    @Override
    public boolean contains(Object key) {
        return keys.contains(key);
    }

    @Override
    public Iterator<String> iterator() {
        return java.util.Collections.unmodifiableSet(keys).iterator();
    }

    @Override
    public int size() {
        return keys.size();
    }

    /** The current removal sequence number (read before an index read, passed to {@link #sealedSince}). */
    long sequence() {
        return seq.get();
    }

    /** True when a segment of camera left the set after sequence number since was read. */
    boolean sealedSince(String camera, long since) {
        Long s = lastRemoval.get(camera);
        return s != null && s > since;
    }

    /** True when a writer owns a segment of camera starting in [from, to]. */
    boolean anyOpenWithin(String camera, long from, long to) {
        for (String k : keys) {
            int bar = k.lastIndexOf('|');
            if (bar == camera.length() && k.startsWith(camera)) {
                long start = Long.parseLong(k, bar + 1, k.length(), 10);
                if (start >= from && start <= to) {
                    return true;
                }
            }
        }
        return false;
    }
}
