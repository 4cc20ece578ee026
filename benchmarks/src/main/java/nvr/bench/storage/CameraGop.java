package nvr.bench.storage;

import java.util.Random;

/**
 * The frames the storage benchmarks write: one GOP of a 4 Mbit/s camera (25 fps, 2 s GOP: a 150 KB keyframe and
 * 49 frames of ~17 KB, +/- 1 KB), random bytes (storage neither parses nor compresses them).
 */
final class CameraGop {
    static final int FRAMES = 50;
    static final int KEYFRAME_BYTES = 150_000;
    static final int FRAME_BYTES = (4_000_000 / 8 * 2 - KEYFRAME_BYTES) / (FRAMES - 1);

    private CameraGop() {
    }

    /** Frame i of the GOP; frame 0 is the keyframe. Same bytes for the same seed. */
    static byte[][] frames(long seed) {
        Random r = new Random(seed);
        byte[][] gop = new byte[FRAMES][];
        for (int i = 0; i < FRAMES; i++) {
            gop[i] = new byte[i == 0 ? KEYFRAME_BYTES : FRAME_BYTES + r.nextInt(2000) - 1000];
            r.nextBytes(gop[i]);
        }
        return gop;
    }
}
