package nvr.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

class WriterInboxTest {
    private record Item(int producer, int seq) {
    }

    @Test
    void everyItemOfEveryProducerArrivesOnceInItsOrderAndASleepingConsumerIsWoken() throws Exception {
        int producers = 4;
        int perProducer = 200_000;
        WriterInbox inbox = new WriterInbox();
        int[] next = new int[producers];
        long[] taken = new long[1];
        Thread consumer = new Thread(() -> {
            long total = (long) producers * perProducer;
            while (taken[0] < total) {
                Object o = inbox.poll();
                if (o == null) {
                    inbox.sleep(TimeUnit.SECONDS.toNanos(5)); // a lost wake-up would stall this for seconds
                    continue;
                }
                Item it = (Item) o;
                assertEquals(next[it.producer()], it.seq(), "order of producer " + it.producer());
                next[it.producer()]++;
                taken[0]++;
            }
        });
        inbox.consumer(consumer);
        consumer.start();
        List<Thread> threads = new ArrayList<>();
        for (int p = 0; p < producers; p++) {
            int id = p;
            Thread t = new Thread(() -> {
                for (int i = 0; i < perProducer; i++) {
                    inbox.offer(new Item(id, i));
                    if (i % 20_000 == 0) {
                        LockSupport.parkNanos(2_000_000); // let the consumer run dry and go to sleep
                    }
                }
            });
            threads.add(t);
            t.start();
        }
        for (Thread t : threads) {
            t.join();
        }
        long t0 = System.nanoTime();
        consumer.join(30_000);
        assertTrue(!consumer.isAlive(), "consumer still waiting: " + taken[0] + " items taken");
        assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(4), "the last items waited for a timeout, not a wake-up");
        for (int p = 0; p < producers; p++) {
            assertEquals(perProducer, next[p]);
        }
        assertNull(inbox.poll());
    }
}
