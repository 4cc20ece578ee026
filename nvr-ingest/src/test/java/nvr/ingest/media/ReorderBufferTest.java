package nvr.ingest.media;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ReorderBufferTest {
    private final List<Integer> out = new ArrayList<>();
    private final List<Integer> gaps = new ArrayList<>();
    private int restarts;
    private final ReorderBuffer<Integer> buf = new ReorderBuffer<>(64, 50_000_000L, new ReorderBuffer.Sink<>() {
        @Override
        public void deliver(Integer packet, int seq) {
            assertEquals(packet & 0xFFFF, seq);
            out.add(packet);
        }

        @Override
        public void gap(int lost, boolean restart) {
            gaps.add(lost);
            if (restart) {
                restarts++;
            }
        }
    }, p -> p);

    @Test
    void inOrderPassesStraightThroughAcrossSequenceWrap() {
        for (int i = 0; i < 70_000; i++) {
            buf.offer(65_000 + i, (65_000 + i) & 0xFFFF, 0);
        }
        assertEquals(70_000, out.size());
        assertEquals(0, buf.lost);
        assertTrue(gaps.isEmpty());
    }

    @Test
    void reorderedPacketsComeOutInOrder() {
        int[] order = {0, 1, 3, 2, 4, 6, 5, 7, 9, 8};
        for (int s : order) {
            buf.offer(s, s, 0);
        }
        assertEquals(List.of(0, 1, 2, 3, 4, 5, 6, 7, 8, 9), out);
        assertEquals(3, buf.reordered);
        assertEquals(0, buf.lost);
    }

    @Test
    void duplicatesAreCountedAndDropped() {
        for (int s : new int[] {0, 1, 1, 2, 4, 4, 3, 2}) {
            buf.offer(s, s, 0);
        }
        assertEquals(List.of(0, 1, 2, 3, 4), out);
        assertEquals(3, buf.duplicates);
    }

    @Test
    void gapIsGivenUpAfterTheDelayAndLatePacketIsNotDelivered() {
        buf.offer(0, 0, 0);
        buf.offer(2, 2, 1_000_000);
        assertEquals(List.of(0), out);
        buf.expire(40_000_000);
        assertEquals(List.of(0), out);
        buf.expire(52_000_000);
        assertEquals(List.of(0, 2), out);
        assertEquals(List.of(1), gaps);
        assertEquals(1, buf.lost);
        buf.offer(1, 1, 53_000_000);
        assertEquals(List.of(0, 2), out);
        assertEquals(1, buf.late);
    }

    @Test
    void fullWindowGivesTheGapUpWithoutWaiting() {
        buf.offer(0, 0, 0);
        for (int s = 2; s < 2 + 64; s++) {
            buf.offer(s, s, 0);
        }
        assertEquals(1, buf.lost);
        assertEquals(65, out.size());
    }

    @Test
    void senderRestartResynchronisesInsteadOfCountingThousandsLost() {
        for (int s = 0; s < 10; s++) {
            buf.offer(s, s, 0);
        }
        for (int s = 40_000; s < 40_010; s++) {
            buf.offer(s, s, 0);
        }
        assertEquals(1, restarts);
        assertEquals(0, buf.lost);
        assertEquals(List.of(40_003, 40_004), out.subList(10, 12)); // three strays before the restart is believed
        assertEquals(17, out.size());
    }

    @Test
    void randomLossAndReorderDeliversEverySurvivorExactlyOnceInOrder() {
        Random rnd = new Random(7);
        List<Integer> sent = new ArrayList<>();
        for (int s = 0; s < 20_000; s++) {
            if (rnd.nextInt(100) != 0) {
                sent.add(s);
            }
        }
        for (int i = 0; i + 1 < sent.size(); i++) {
            if (rnd.nextInt(100) < 5) {
                Integer t = sent.get(i);
                sent.set(i, sent.get(i + 1));
                sent.set(i + 1, t);
            }
        }
        long t = 0;
        for (int s : sent) {
            buf.offer(s, s & 0xFFFF, t += 100_000);
        }
        buf.flush();
        List<Integer> expected = new ArrayList<>(sent);
        expected.sort(null);
        assertEquals(expected, out);
        assertEquals(20_000 - sent.size(), buf.lost);
        assertEquals(0, buf.duplicates);
    }
}
