package nvr.gb28181.mediaport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.BindException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

/** Round-robin hand-out, reservations, release, skipping ports the OS refuses, and one holder per port under contention. */
class MediaPortPoolTest {
    @Test
    void handsOutRoundRobinSoAReleasedPortIsReusedLast() {
        MediaPortPool pool = new MediaPortPool(30000, 30003);
        assertEquals(30000, pool.next());
        assertEquals(30001, pool.next());
        pool.release(30000);
        assertEquals(30002, pool.next());
        assertEquals(30003, pool.next());
        assertEquals(30000, pool.next(), "wraps around to the released port");
        assertEquals(-1, pool.next(), "every port held");
        assertEquals(0, pool.free());
        pool.release(30002);
        assertEquals(30002, pool.next());
    }

    @Test
    void reservedPortsAreNeverHandedOutAndTakenOnce() {
        MediaPortPool pool = new MediaPortPool(30000, 30002);
        assertTrue(pool.reserve(30001)); // a static camera's port
        assertFalse(pool.reserve(30001), "a port has one holder");
        assertTrue(pool.reserve(40000), "outside the range: not tracked, the OS decides");
        assertEquals(2, pool.free());
        Set<Integer> got = new HashSet<>(List.of(pool.next(), pool.next()));
        assertEquals(Set.of(30000, 30002), got);
        assertEquals(-1, pool.next());
        pool.release(40000); // outside: no-op
        pool.release(30001);
        assertEquals(30001, pool.next());
    }

    @Test
    void bindSkipsPortsTheOsRefusesAndGivesThemBack() throws Exception {
        try (DatagramSocket squatter = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            int busy = squatter.getLocalPort();
            MediaPortPool pool = new MediaPortPool(busy, Math.min(busy + 2, 65535));
            List<DatagramSocket> mine = new ArrayList<>();
            try {
                int port = pool.bind(p -> mine.add(new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), p))));
                assertTrue(port != busy && pool.contains(port), "bound " + port + ", busy " + busy);
                assertEquals(pool.size() - 1, pool.free(), "only the bound port stays held; the refused one went back");
                pool.release(port);
                assertEquals(pool.size(), pool.free());
            } finally {
                mine.forEach(DatagramSocket::close);
            }
        }
    }

    @Test
    void bindFailsWithAClearMessageWhenNothingBinds() {
        MediaPortPool pool = new MediaPortPool(30000, 30001);
        BindException e = assertThrows(BindException.class, () -> pool.bind(p -> {
            throw new IOException("Address already in use");
        }));
        assertTrue(e.getMessage().contains("media.port-range 30000-30001") && e.getMessage().contains("widen the range"), e.getMessage());
        assertEquals(2, pool.free(), "nothing leaked");
        pool.next();
        pool.next();
        BindException full = assertThrows(BindException.class, () -> pool.bind(p -> { }));
        assertTrue(full.getMessage().contains("all 2 in use"), full.getMessage());
    }

    @Test
    void rejectsABadRange() {
        assertThrows(IllegalArgumentException.class, () -> new MediaPortPool(0, 10));
        assertThrows(IllegalArgumentException.class, () -> new MediaPortPool(10, 9));
        assertThrows(IllegalArgumentException.class, () -> new MediaPortPool(1, 65536));
    }

    /** Two users (ingest and playback threads) taking and giving back ports at once never hold the same port. */
    @Test
    void concurrentUsersNeverHoldTheSamePort() throws Exception {
        MediaPortPool pool = new MediaPortPool(30000, 30063);
        Set<Integer> holding = ConcurrentHashMap.newKeySet();
        List<Throwable> problems = new ArrayList<>();
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            Thread th = new Thread(() -> {
                try {
                    go.await();
                    for (int i = 0; i < 20_000; i++) {
                        int p = pool.bind(port -> {
                            if (!holding.add(port)) {
                                throw new AssertionError("port " + port + " handed out twice");
                            }
                        });
                        holding.remove(p);
                        pool.release(p);
                    }
                } catch (Throwable e) {
                    synchronized (problems) {
                        problems.add(e);
                    }
                }
            });
            th.start();
            threads.add(th);
        }
        go.countDown();
        for (Thread th : threads) {
            th.join();
        }
        assertEquals(List.of(), problems);
        assertEquals(64, pool.free());
    }
}
