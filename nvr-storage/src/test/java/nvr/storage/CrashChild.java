package nvr.storage;

import java.nio.file.Path;
import java.util.List;

/**
 * The writer process of {@link CrashRecoveryTest}: opens the store (running recovery), then appends frames for
 * several cameras as fast as it can and prints {@code D <seq>} after every flush, meaning every frame with
 * sequence number <= seq of every camera is durable. The test kills it with SIGKILL at a random moment.
 * Frame seq of camera c has time base + seq*40, is a keyframe when seq % 10 == 0, and carries
 * {@code TestFrames.payload(c, time, 2000)}.
 */
public final class CrashChild {
    public static void main(String[] args) throws Exception {
        Path root = Path.of(args[0]);
        long base = Long.parseLong(args[1]);
        int cameras = Integer.parseInt(args[2]);
        int fsyncMs = Integer.parseInt(args[3]);
        Store s = Store.open(new StoreConfig(List.of(root), 1, 256 << 10, fsyncMs, 64L << 20), null);
        System.out.println("READY");
        System.out.flush();
        CameraWriter[] w = new CameraWriter[cameras];
        for (int c = 0; c < cameras; c++) {
            w[c] = s.writer(CrashRecoveryTest.camera(c));
        }
        for (long seq = 0; seq < 200_000; seq++) {
            long t = base + seq * 40;
            for (int c = 0; c < cameras; c++) {
                String cam = CrashRecoveryTest.camera(c);
                if (!w[c].append(t, seq % 10 == 0, 0x1B, TestFrames.payload(cam, t, 2000))) {
                    System.out.println("DROP " + cam + " " + seq);
                }
            }
            if (seq % 5 == 4) {
                s.flush();
                System.out.println("D " + seq);
                System.out.flush();
            }
        }
        s.close();
        System.out.println("DONE");
    }
}
