package nvr.ingest.media;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import nvr.gb28181.media.Codec;
import nvr.ingest.health.StreamHealth;
import nvr.storage.FrameRecord;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * 1% of packets dropped and 5% swapped with their successor on the way: every frame that arrived whole and whose
 * GOP was intact up to it is stored byte for byte; a broken frame and the rest of its GOP are not (they cannot be
 * decoded); loss and reorder counters match what was injected.
 */
class LossReorderTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(value = Codec.class, names = {"H264", "H265"})
    void storesEveryDecodableFrameAndDropsBrokenOnesToTheNextKeyframe(Codec codec) throws Exception {
        List<TestClips.Frame> frames = TestClips.clip(codec, 10, 25);
        long ssrc = 7;
        CameraSender cam = new CameraSender(codec, ssrc, 100, 0, false, 240); // small packets: frames span several
        Random rnd = new Random(20261122L + codec.ordinal());
        List<byte[]> wire = new ArrayList<>(); // packets in the order they will arrive
        List<Integer> wireFrame = new ArrayList<>();
        boolean[] frameHit = new boolean[frames.size()];
        int dropped = 0;
        for (int i = 0; i < frames.size(); i++) {
            for (byte[] p : cam.packets(frames.get(i), i)) {
                if (rnd.nextInt(100) == 0) {
                    dropped++;
                    frameHit[i] = true;
                } else {
                    wire.add(p);
                    wireFrame.add(i);
                }
            }
        }
        int swaps = 0;
        for (int k = 0; k + 1 < wire.size(); k++) {
            if (rnd.nextInt(100) < 5) {
                wire.add(k + 1, wire.remove(k));
                wireFrame.add(k + 1, wireFrame.remove(k));
                swaps++;
                k++; // a packet moves by one place at most
            }
        }
        List<Integer> expected = new ArrayList<>(); // frames a decoder can use: whole, and their GOP whole so far
        boolean broken = false;
        for (int i = 0; i < frames.size(); i++) {
            broken = frames.get(i).keyframe() ? frameHit[i] : broken || frameHit[i];
            if (!broken) {
                expected.add(i);
            }
        }
        assertTrue(dropped > 10 && swaps > 50 && expected.size() < frames.size() - 10,
                "injection too weak: dropped " + dropped + " swaps " + swaps);

        String camera = "lossy-" + codec.name().toLowerCase();
        StreamHealth h;
        try (Recorder rec = new Recorder(dir)) {
            StreamHandle handle = rec.receivers.open(camera, MediaTransport.UDP, ssrc, 0);
            try (Links.Link link = Links.open(MediaTransport.UDP, handle)) {
                long t0 = System.nanoTime();
                int frame = -1;
                for (int k = 0; k < wire.size(); k++) {
                    if (wireFrame.get(k) > frame) { // 4x real time: a frame every 10 ms
                        frame = wireFrame.get(k);
                        long wait = t0 + frame * 10_000_000L - System.nanoTime();
                        if (wait > 0) {
                            Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                        }
                    }
                    link.send(wire.get(k));
                }
            }
            int lost = dropped;
            rec.await(camera, 5000, x -> x.framesStored() >= expected.size() && x.packetsLost() >= lost);
            Thread.sleep(300);
            h = rec.health(camera);
            handle.close();
        }
        assertEquals(dropped, h.packetsLost(), "lost: " + h);
        assertEquals(swaps, h.packetsReordered(), "reordered: " + h);
        assertEquals(0, h.packetsDuplicate());
        assertEquals(expected.size(), h.framesStored(), "stored: " + h);
        assertTrue(h.framesDroppedBroken() > 0 && h.framesDroppedBroken() <= frames.size() - expected.size(),
                "dropped broken " + h.framesDroppedBroken() + " of " + (frames.size() - expected.size()) + " not stored");
        List<FrameRecord> stored = StoreFrames.read(dir.resolve("data"), camera);
        assertEquals(expected.size(), stored.size());
        for (int j = 0; j < expected.size(); j++) {
            TestClips.Frame f = frames.get(expected.get(j));
            assertArrayEquals(f.data(), stored.get(j).payload(), "stored frame " + j + " = sent frame " + expected.get(j));
            assertEquals(f.keyframe(), stored.get(j).keyframe());
        }
    }
}
