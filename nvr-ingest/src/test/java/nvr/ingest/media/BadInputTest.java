package nvr.ingest.media;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.Counter;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import nvr.gb28181.media.Codec;
import nvr.ingest.health.StreamHealth;
import nvr.storage.FrameRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Garbage on the wire is counted and dropped, and a good stream sharing the port (or the process) records every
 * frame regardless: non-RTP datagrams, RTCP, unknown SSRCs, header lengths that overrun the packet, garbage and
 * mutated PS, a TCP peer announcing 65535 bytes then stalling or vanishing mid-frame.
 */
class BadInputTest {
    private static final long GOOD_SSRC = 0x1111;
    private static final long FUZZ_SSRC = 0x2222;

    @TempDir
    Path dir;

    @Test
    void udpGarbageAndMutatedStreamsDoNotDisturbTheGoodStreamOnTheSamePort() throws Exception {
        boolean full = !"quick".equals(System.getProperty("nvr.test.profile"));
        List<TestClips.Frame> frames = TestClips.clip(Codec.H264, 3, 25);
        Random rnd = new Random(4);
        StreamHealth good;
        StreamHealth fuzzed;
        double notRtp;
        double unknownSsrc;
        double rtcp;
        int garbageSent = 0;
        try (Recorder rec = new Recorder(dir)) {
            StreamHandle a = rec.receivers.open("good", MediaTransport.UDP, GOOD_SSRC, 0);
            int port = a.localPort();
            StreamHandle b = rec.receivers.open("fuzzed", MediaTransport.UDP, FUZZ_SSRC, port); // same port, other SSRC
            assertEquals(port, b.localPort());
            CameraSender goodCam = new CameraSender(Codec.H264, GOOD_SSRC, 0, 0, false);
            CameraSender fuzzCam = new CameraSender(Codec.H265, FUZZ_SSRC, 0, 0, false, 300);
            List<TestClips.Frame> fuzzFrames = TestClips.clip(Codec.H265, 3, 25);
            int mutantsPerFrame = full ? 1300 : 200; // 75 frames: ~100k (full) mutated datagrams
            long mutantsSent = 0;
            try (Links.Link link = Links.open(MediaTransport.UDP, a)) {
                for (int i = 0; i < frames.size(); i++) {
                    for (byte[] p : goodCam.packets(frames.get(i), i)) {
                        link.send(p);
                    }
                    List<byte[]> fuzz = fuzzCam.packets(fuzzFrames.get(i), i);
                    for (int m = 0; m < mutantsPerFrame; m++) {
                        link.send(mutant(fuzz.get(rnd.nextInt(fuzz.size())), rnd));
                        garbageSent++;
                        mutantsSent++;
                    }
                    for (byte[] g : garbage(rnd)) {
                        link.send(g);
                        garbageSent++;
                    }
                    long sent = mutantsSent; // flow control: this test is about parsing, not socket overflow
                    rec.await("fuzzed", 5000, h -> h.packets() >= sent - 300);
                }
            }
            good = rec.await("good", 5000, h -> h.framesStored() == frames.size());
            fuzzed = rec.health("fuzzed");
            notRtp = counter(rec, "not_rtp", port);
            unknownSsrc = counter(rec, "unknown_ssrc", port);
            rtcp = counter(rec, "rtcp", port);
            a.close();
            b.close();
        }
        assertEquals(frames.size(), good.framesStored(), "good stream: " + good);
        assertEquals(0, good.packetsLost());
        assertTrue(notRtp > 0 && unknownSsrc > 0 && rtcp > 0, "port counters not_rtp=" + notRtp + " unknown_ssrc="
                + unknownSsrc + " rtcp=" + rtcp);
        assertTrue(fuzzed.psErrors() > 0 || fuzzed.framesDroppedBroken() > 0, "fuzzed stream counted nothing: " + fuzzed);
        assertTrue(garbageSent >= (full ? 90_000 : 10_000));
        List<FrameRecord> stored = StoreFrames.read(dir.resolve("data"), "good");
        assertEquals(frames.size(), stored.size());
        for (int i = 0; i < frames.size(); i++) {
            assertArrayEquals(frames.get(i).data(), stored.get(i).payload());
        }
    }

    private static double counter(Recorder rec, String reason, int port) {
        Counter c = rec.meters.find("nvr.ingest.port.rejected").tag("reason", reason).tag("port", Integer.toString(port)).counter();
        return c == null ? 0 : c.count();
    }

    /** A valid packet of the fuzzed stream with a few bytes flipped, truncated or extended. */
    private static byte[] mutant(byte[] p, Random rnd) {
        byte[] m = rnd.nextInt(8) == 0 ? java.util.Arrays.copyOf(p, 12 + rnd.nextInt(Math.max(1, p.length))) : p.clone();
        int flips = 1 + rnd.nextInt(4);
        for (int f = 0; f < flips; f++) {
            int at = 12 + rnd.nextInt(Math.max(1, m.length - 12)); // keep the header: mutate the PS it carries
            if (at < m.length) {
                m[at] = (byte) rnd.nextInt(256);
            }
        }
        return m;
    }

    /** One of each kind of datagram that is not this port's RTP. */
    private static List<byte[]> garbage(Random rnd) {
        byte[] random = new byte[1 + rnd.nextInt(1400)];
        rnd.nextBytes(random);
        random[0] = (byte) (random[0] & 0x3F); // version 0: not RTP
        byte[] tiny = {(byte) 0x80};
        byte[] csrcOverrun = rtp(GOOD_SSRC, 0x8F, 20); // 15 CSRCs announced, 8 bytes after the header
        byte[] extOverrun = rtp(GOOD_SSRC, 0x90, 16); // extension of 0xFFFF words
        extOverrun[14] = (byte) 0xFF;
        extOverrun[15] = (byte) 0xFF;
        byte[] padOverrun = rtp(GOOD_SSRC, 0xA0, 16);
        padOverrun[15] = (byte) 0xFF; // 255 padding bytes in a 16-byte packet
        byte[] otherSsrc = rtp(0x3333, 0x80, 200);
        byte[] rtcp = {(byte) 0x80, (byte) 200, 0, 6, 0, 0, 0x11, 0x11, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
        return List.of(random, tiny, csrcOverrun, extOverrun, padOverrun, otherSsrc, rtcp);
    }

    private static byte[] rtp(long ssrc, int b0, int len) {
        byte[] p = new byte[len];
        p[0] = (byte) b0;
        p[1] = 96;
        p[8] = (byte) (ssrc >> 24);
        p[9] = (byte) (ssrc >> 16);
        p[10] = (byte) (ssrc >> 8);
        p[11] = (byte) ssrc;
        return p;
    }

    @Test
    void tcpPeerStallingOrVanishingMidFrameIsCutOffAndTheCameraRecordsAgain() throws Exception {
        List<TestClips.Frame> frames = TestClips.clip(Codec.H264, 3, 25);
        StreamHealth h;
        StreamHealth other;
        try (Recorder rec = new Recorder(dir, cfg -> cfg.withTimeouts(3000, 60_000, 1000))) {
            StreamHandle cam = rec.receivers.open("tcp-cam", MediaTransport.TCP_PASSIVE, null, 0);
            StreamHandle neighbour = rec.receivers.open("neighbour", MediaTransport.TCP_PASSIVE, null, 0);
            InetAddress lo = InetAddress.getLoopbackAddress();
            CameraSender sender = new CameraSender(Codec.H264, 5, 0, 0, true);
            CameraSender neighbourSender = new CameraSender(Codec.H264, 6, 0, 0, true);
            try (Socket n = new Socket(lo, neighbour.localPort())) {
                OutputStream nout = n.getOutputStream();
                // 1: a frame header of 65535 bytes, 1000 of them sent, then silence: the idle timeout closes it
                try (Socket s = new Socket(lo, cam.localPort())) {
                    OutputStream out = s.getOutputStream();
                    byte[] head = new byte[1002];
                    head[0] = (byte) 0xFF;
                    head[1] = (byte) 0xFF;
                    head[2] = (byte) 0x80;
                    out.write(head);
                    out.flush();
                    s.setSoTimeout(5000);
                    InputStream in = s.getInputStream();
                    long t = System.nanoTime();
                    for (int i = 0; i < 25; i++) { // the neighbour keeps sending meanwhile
                        for (byte[] p : neighbourSender.packets(frames.get(i), i)) {
                            nout.write(p);
                        }
                        Thread.sleep(40);
                    }
                    assertEquals(-1, in.read(), "the stalled peer is disconnected");
                    assertTrue(System.nanoTime() - t < 4_000_000_000L);
                }
                // 2: half a frame, then the peer vanishes
                try (Socket s = new Socket(lo, cam.localPort())) {
                    List<byte[]> pk = sender.packets(frames.get(0), 0);
                    OutputStream out = s.getOutputStream();
                    out.write(pk.get(0), 0, pk.get(0).length / 2);
                    out.flush();
                }
                Thread.sleep(200); // a reconnect at once could replace the vanished one before its bytes are read
                // 3: the camera reconnects and sends the clip: all of it is recorded
                try (Socket s = new Socket(lo, cam.localPort())) {
                    OutputStream out = s.getOutputStream();
                    CameraSender again = new CameraSender(Codec.H264, 5, 1000, 0, true);
                    for (int i = 0; i < frames.size(); i++) {
                        for (byte[] p : again.packets(frames.get(i), i)) {
                            out.write(p);
                        }
                        if (i + 25 < frames.size()) {
                            for (byte[] p : neighbourSender.packets(frames.get(i + 25), i + 25)) {
                                nout.write(p);
                            }
                        }
                        Thread.sleep(10);
                    }
                    h = rec.await("tcp-cam", 5000, x -> x.framesStored() == frames.size());
                }
                other = rec.await("neighbour", 5000, x -> x.framesStored() == frames.size());
            }
            cam.close();
            neighbour.close();
        }
        assertEquals(frames.size(), h.framesStored(), "camera after bad peers: " + h);
        assertTrue(h.packetsRejected() >= 2, "cut-off frames counted: " + h);
        assertEquals(frames.size(), other.framesStored(), "neighbour: " + other);
        List<FrameRecord> stored = StoreFrames.read(dir.resolve("data"), "tcp-cam");
        assertEquals(frames.size(), stored.size());
        for (int i = 0; i < frames.size(); i++) {
            assertArrayEquals(frames.get(i).data(), stored.get(i).payload());
        }
    }
}
