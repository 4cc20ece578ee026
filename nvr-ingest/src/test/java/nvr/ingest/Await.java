package nvr.ingest;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** Polls a condition that a server reaches asynchronously (registration, INVITE, status), for the ingest tests. */
public final class Await {
    private Await() {
    }

    /** A condition to poll; may throw (a failing check counts as not met until the deadline). */
    @FunctionalInterface
    public interface Condition {
        boolean ok() throws Exception;
    }

    /** Returns once {@code c} holds; fails the test if it does not within {@code seconds}. */
    public static void until(Condition c, double seconds) throws Exception {
        long deadline = System.nanoTime() + (long) (seconds * 1e9);
        while (System.nanoTime() < deadline) {
            if (c.ok()) {
                return;
            }
            Thread.sleep(50);
        }
        assertTrue(c.ok(), "condition not met within " + seconds + " s");
    }
}
