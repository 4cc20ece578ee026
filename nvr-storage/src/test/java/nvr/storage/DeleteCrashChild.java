package nvr.storage;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The deleting process of {@link DeletionCrashTest}: opens the store (running recovery), then two threads delete
 * the cameras' segments oldest first in overlapping batches of 7 (each batch is also offered to the other thread,
 * so claims race), while a writer keeps recording. Prints {@code READY} after open and {@code B} after each
 * finished batch. The test kills it with SIGKILL at a random moment.
 */
public final class DeleteCrashChild {
    public static void main(String[] args) throws Exception {
        Path root = Path.of(args[0]);
        Store s = Store.open(DeletionCrashTest.config(root), null);
        System.out.println("READY");
        System.out.flush();
        List<SegmentInfo> all = new ArrayList<>();
        for (String c : s.cameraIds()) {
            List<SegmentInfo> segs = s.segments(c, 0, Long.MAX_VALUE);
            all.addAll(segs.subList(0, Math.max(0, segs.size() - 1)));
        }
        all.sort(java.util.Comparator.comparingLong(SegmentInfo::startMs));
        Thread[] deleters = new Thread[2];
        for (int t = 0; t < 2; t++) {
            int offset = t * 3; // overlapping windows: the same segment is offered to both threads
            deleters[t] = new Thread(() -> {
                try {
                    for (int i = offset; i < all.size(); i += 6) {
                        Store.Deletion d = s.beginDelete(all.subList(i, Math.min(all.size(), i + 7)));
                        d.finish();
                        System.out.println("B");
                        System.out.flush();
                    }
                } catch (Exception e) {
                    System.out.println("ERROR " + e);
                    System.out.flush();
                }
            });
            deleters[t].start();
        }
        CameraWriter w = s.writer("live");
        long t0 = DeletionCrashTest.T0 + 10 * 86_400_000L + System.nanoTime() % 1_000_000 * 1000;
        for (long seq = 0; deleters[0].isAlive() || deleters[1].isAlive(); seq++) {
            w.append(t0 + seq * 40, seq % 10 == 0, 0x1B, TestFrames.payload("live", seq, 500));
            if (seq % 50 == 0) {
                Thread.sleep(1);
            }
        }
        for (Thread d : deleters) {
            d.join();
        }
        s.close();
        System.out.println("DONE");
    }
}
