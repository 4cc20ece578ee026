package nvr.storage;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.locks.LockSupport;

/**
 * The hand-off from many producers (ingest event loops) to one root's writer thread: an unbounded linked queue
 * where a producer pays one atomic exchange and never blocks or waits for a lock, and the writer takes items
 * without any atomic operation (Vyukov's intrusive MPSC queue). It replaced {@code ConcurrentLinkedQueue}, whose
 * {@code offer} was ~11% of the RTP loop's Java samples at 256 cameras: its head and tail share a cache line,
 * written by the writer and the loops in turn, and a producer may walk nodes the writer already unlinked.
 *
 * <p>Wake-ups: the writer announces {@link #sleep} before it parks on an empty inbox; a producer unparks it only
 * then (a Dekker pair: link the item, then read the flag; set the flag, then look for an item), and only the one
 * producer that clears the flag does: with every producer unparking while the writer was waking up (measured: 11%
 * of the RTP loop's samples in {@code unpark}), the extra permits also cut the writer's next naps short, so it went
 * back to sleep on an empty inbox and the loops unparked it again, about once per frame.
 */
final class WriterInbox {
    private static final class Node {
        Object item;
        volatile Node next;

        Node(Object item) {
            this.item = item;
        }
    }

    /** Lines of padding around the producers' tail, so the writer's writes elsewhere do not evict it. */
    @SuppressWarnings("unused")
    private static class TailPad {
        long p0, p1, p2, p3, p4, p5, p6, p7;
    }

    private static class TailField extends TailPad {
        volatile Node node;
    }

    @SuppressWarnings("unused")
    private static final class Tail extends TailField {
        long q0, q1, q2, q3, q4, q5, q6, q7;
    }

    private static final VarHandle TAIL;
    private static final VarHandle SLEEPING;

    static {
        try {
            TAIL = MethodHandles.lookup().findVarHandle(TailField.class, "node", Node.class);
            SLEEPING = MethodHandles.lookup().findVarHandle(WriterInbox.class, "sleeping", boolean.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final Tail tail = new Tail();
    private Node head; // writer thread only: a consumed node whose next is the first item
    private volatile boolean sleeping;
    private volatile Thread consumer;

    WriterInbox() {
        head = new Node(null);
        tail.node = head;
    }

    /** The thread that takes items and may sleep; set before it first calls {@link #sleep}. */
    void consumer(Thread t) {
        consumer = t;
    }

    /** Any thread; never blocks. */
    void offer(Object item) {
        Node n = new Node(item);
        Node prev = (Node) TAIL.getAndSet(tail, n);
        prev.next = n; // publishes item; until this store the writer sees the inbox as empty (it retries later)
        if (sleeping && SLEEPING.compareAndSet(this, true, false)) {
            Thread t = consumer;
            if (t != null) {
                LockSupport.unpark(t);
            }
        }
    }

    /** Writer thread only: the oldest item, or null when empty (or the newest offer is not linked yet). */
    Object poll() {
        Node n = head.next;
        if (n == null) {
            return null;
        }
        head = n;
        Object item = n.item;
        n.item = null;
        return item;
    }

    /** Writer thread only: parks up to {@code nanos} unless an item is (or becomes) available; may return early. */
    void sleep(long nanos) {
        sleeping = true;
        if (head.next == null) { // after publishing the flag: an item linked from now on unparks us
            LockSupport.parkNanos(this, nanos);
        }
        sleeping = false;
    }
}
