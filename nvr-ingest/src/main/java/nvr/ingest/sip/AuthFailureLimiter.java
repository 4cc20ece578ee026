package nvr.ingest.sip;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

/**
 * Rate-limits password guessing per source address: after {@code maxFailures} wrong digests within
 * {@code windowMs}, REGISTERs from that address are refused for {@code blockMs} without checking.
 * Bounded: at most {@code maxTracked} addresses are tracked (oldest evicted). Signaling thread only.
 */
final class AuthFailureLimiter {
    private static final System.Logger LOG = System.getLogger(AuthFailureLimiter.class.getName());
    private final int maxFailures;
    private final long windowMs;
    private final long blockMs;
    private final int maxTracked;
    private final Map<String, ArrayDeque<Long>> failures = new HashMap<>();
    private final Map<String, Long> blockedUntil = new HashMap<>();

    AuthFailureLimiter(int maxFailures, long windowMs, long blockMs, int maxTracked) {
        this.maxFailures = maxFailures;
        this.windowMs = windowMs;
        this.blockMs = blockMs;
        this.maxTracked = maxTracked;
    }

    boolean blocked(String address, long nowMs) {
        Long until = blockedUntil.get(address);
        if (until == null) {
            return false;
        }
        if (nowMs >= until) {
            blockedUntil.remove(address);
            return false;
        }
        return true;
    }

    /** Records a wrong password; returns true when this failure starts a block. */
    boolean fail(String address, String deviceId, long nowMs) {
        if (failures.size() >= maxTracked && !failures.containsKey(address)) {
            Iterator<String> it = failures.keySet().iterator();
            it.next();
            it.remove();
        }
        ArrayDeque<Long> q = failures.computeIfAbsent(address, a -> new ArrayDeque<>());
        q.addLast(nowMs);
        while (!q.isEmpty() && nowMs - q.peekFirst() > windowMs) {
            q.removeFirst();
        }
        if (q.size() >= maxFailures) {
            q.clear();
            blockedUntil.put(address, nowMs + blockMs);
            LOG.log(System.Logger.Level.WARNING, "{0} wrong SIP passwords from {1} (last as device {2}); refusing it for {3} s",
                    maxFailures, address, deviceId, blockMs / 1000);
            return true;
        }
        return false;
    }

    void succeed(String address) {
        failures.remove(address);
    }
}
