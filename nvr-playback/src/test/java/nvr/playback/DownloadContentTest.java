package nvr.playback;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import nvr.gb28181.media.Codec;
import nvr.gb28181.sdp.SessionDescription;
import nvr.gb28181.sip.SipRequest;
import nvr.playback.sip.PlaybackSipHandler;
import nvr.storage.FrameCursor;
import nvr.storage.FrameRecord;
import nvr.storage.Store;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A Download (which reads through the store's bulk cursor: mapped segments paged in ahead) carries exactly the
 * stored access units, byte for byte and in order, across many sealed 1 s segments and a recording gap, whole
 * range and sub-range; the PS is parsed by the test's own code, not the product's demuxer.
 */
class DownloadContentTest {
    static final String CAM = "34020000001320000011";
    static final long BASE_S = 1_763_700_000L;
    static final long T0 = BASE_S * 1000 + 500;

    @TempDir
    static Path dir;
    static PlaybackFixture fixture;
    static Store store;
    static PlaybackService service;
    static PlaybackSipHandler handler;
    static int calls;

    @BeforeAll
    static void record() throws Exception {
        store = PlaybackFixture.openStore(dir);
        Footage.Clip clip = Footage.clip(Codec.H264);
        Footage.record(store, CAM, clip, T0);
        Footage.record(store, CAM, clip, T0 + clip.size() * Footage.FRAME_MS + 5_000); // after a 5 s hole
        fixture = PlaybackFixture.serve(store);
        service = fixture.service();
        handler = fixture.handler();
    }

    @AfterAll
    static void close() throws Exception {
        fixture.close();
    }

    @Test
    void downloadCarriesTheStoredAccessUnitsByteForByte() throws Exception {
        long end = store.segments(CAM, 0, Long.MAX_VALUE).stream().mapToLong(s -> s.endMs()).max().orElseThrow();
        assertTrue(store.segments(CAM, 0, Long.MAX_VALUE).size() >= 8, "several segments");
        check(BASE_S, end / 1000 + 1);
        check(BASE_S + 3, BASE_S + 14); // starts mid-segment (at the keyframe before), crosses the hole
    }

    private void check(long fromS, long toS) throws Exception {
        List<byte[]> want = accessUnitsOf(store, CAM, fromS, toS);
        List<byte[]> got = accessUnits(download(handler, CAM, fromS, toS));
        assertEquals(want.size(), got.size(), "frames in " + fromS + ".." + toS);
        for (int i = 0; i < want.size(); i++) {
            assertArrayEquals(want.get(i), got.get(i), "access unit " + i + " of " + fromS + ".." + toS);
        }
        assertEquals(0, service.activeSessions());
    }

    /** The stored video access units of [fromS, toS), as a download must send them. */
    static List<byte[]> accessUnitsOf(Store store, String camera, long fromS, long toS) throws Exception {
        List<byte[]> want = new ArrayList<>();
        try (FrameCursor c = store.openCursor(camera, fromS * 1000, toS * 1000)) {
            for (FrameRecord f; (f = c.next()) != null; ) {
                want.add(f.payload());
            }
        }
        return want;
    }

    /**
     * Downloads [fromS, toS) of {@code camera} over TCP (we connect, no downloadspeed: as fast as we read) and
     * returns every RTP packet, after checking the end (MediaStatus 121, BYE, connection closed) and that none was lost.
     */
    static List<RtpReceiver.Packet> download(PlaybackSipHandler handler, String camera, long fromS, long toS) throws Exception {
        String call = "dl-" + (++calls) + "@127.0.0.1";
        TestDialog d = new TestDialog(call, camera);
        SipRequest invite = SipText.invite(call, camera, SipText.playbackSdp("Download", camera, fromS, toS, "tcp-active", 9, null));
        SessionDescription answer = PlaybackEndToEndTest.answerSdp(handler.onInvite(invite, SipText.sdp(invite), d));
        try (RtpReceiver rx = RtpReceiver.tcpConnect(answer.video().port())) {
            handler.onAck(d);
            PlaybackEndToEndTest.assertEndsWith121ThenBye(d);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!rx.eof() && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertTrue(rx.eof(), "the download's connection was not closed after BYE");
            assertEquals(0, rx.lost());
            return rx.packets();
        }
    }

    /** The video PES payloads of each marker-delimited frame, concatenated: the access units as sent. */
    static List<byte[]> accessUnits(List<RtpReceiver.Packet> packets) {
        List<byte[]> out = new ArrayList<>();
        ByteArrayOutputStream frame = new ByteArrayOutputStream();
        for (RtpReceiver.Packet p : packets) {
            frame.writeBytes(p.payload());
            if (p.marker()) {
                out.add(pesPayloads(frame.toByteArray()));
                frame.reset();
            }
        }
        assertEquals(0, frame.size(), "bytes after the last marker");
        return out;
    }

    /** One frame's PS (pack header, optional system header and PSM, video PES packets) holds one access unit. */
    static byte[] pesPayloads(byte[] ps) {
        List<PsUnits.Unit> units = PsUnits.parse(ps).units();
        assertEquals(1, units.size(), "units in one marker-delimited frame");
        assertEquals(0xE0, units.get(0).streamId());
        return units.get(0).payload();
    }
}
