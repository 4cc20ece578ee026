package nvr.playback;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import nvr.gb28181.media.Codec;
import nvr.gb28181.ps.PsMuxer;
import nvr.gb28181.sip.SipRequest;
import nvr.gb28181.sip.SipResponse;
import nvr.storage.FrameCursor;
import nvr.storage.FrameRecord;
import nvr.storage.Store;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A camera's G.711 goes out with its video: ffmpeg-made H.264 and A-law/mu-law sine stored as ingest stores them
 * (audio in arrival order, some records 5 ms older than the video before them, over many 1 s segments), then
 * downloaded and played back over real sockets. The PS sent is checked against PsMuxer's reference bytes for the
 * records merged by time, parsed by the test's own reader (PSM, 0xC0, SCR/PTS order), and given to ffmpeg.
 */
class PlaybackAudioTest {
    static final String CAM_ALAW = "34020000001320000031";
    static final String CAM_MULAW = "34020000001320000032";
    static final String CAM_VIDEO = "34020000001320000033";
    /** Audio 300 ms ahead of the video it arrives with. */
    static final String CAM_AHEAD = "34020000001320000034";
    /** Audio 800 ms behind the video it arrives with: more than a video frame waits for it. */
    static final String CAM_LATE = "34020000001320000035";
    static final long BASE_S = PlaybackEndToEndTest.BASE_S;
    static final long T0 = PlaybackEndToEndTest.T0;

    @TempDir
    static Path dir;
    static PlaybackFixture fixture;
    static Store store;
    static Footage.Clip clip;

    @BeforeAll
    static void record() throws Exception {
        store = PlaybackFixture.openStore(dir);
        clip = Footage.clip(Codec.H264);
        Footage.record(store, CAM_ALAW, clip, Codec.G711A, Footage.sound(Codec.G711A), T0);
        Footage.record(store, CAM_MULAW, clip, Codec.G711U, Footage.sound(Codec.G711U), T0);
        Footage.record(store, CAM_VIDEO, clip, T0);
        Footage.record(store, CAM_AHEAD, clip, Codec.G711A, Footage.sound(Codec.G711A), T0, 300);
        Footage.record(store, CAM_LATE, clip, Codec.G711A, Footage.sound(Codec.G711A), T0, -800);
        fixture = PlaybackFixture.serve(store);
    }

    @AfterAll
    static void close() throws Exception {
        fixture.close();
    }

    static String camera(Codec g711) {
        return g711 == Codec.G711A ? CAM_ALAW : CAM_MULAW;
    }

    @ParameterizedTest
    @EnumSource(value = Codec.class, names = {"G711A", "G711U"})
    void downloadCarriesTheAudioInTimeOrderByteForByte(Codec g711) throws Exception {
        String cam = camera(g711);
        for (long[] range : new long[][] {{BASE_S, BASE_S + 7}, {BASE_S + 2, BASE_S + 5}}) {
            byte[] ps = payloads(DownloadContentTest.download(fixture.handler(), cam, range[0], range[1]));
            // the whole stream, headers and stamps included, is what the reference muxer writes for the records by time
            assertEquals(ByteBufUtil.hexDump(expectedPs(cam, range[0] * 1000, range[1] * 1000, g711)), ByteBufUtil.hexDump(ps),
                g711 + " " + range[0] + ".." + range[1]);
            PsUnits.Parsed p = PsUnits.parse(ps);
            assertEquals(List.of(new PsUnits.PsmEntry(0x1B, 0xE0), new PsUnits.PsmEntry(g711.streamType(), 0xC0)), p.psm());
            assertOrdered(p);
            // every audio frame of the range after the first video frame, in order, as ffmpeg encoded it
            List<PsUnits.Unit> audio = p.of(0xC0);
            byte[] sound = Footage.sound(g711);
            long firstVideoMs = T0 + Footage.keyAtOrBefore(clip, Footage.indexAt(T0, range[0] * 1000)) * Footage.FRAME_MS;
            int first = (int) ((firstVideoMs - T0 + Footage.AUDIO_LAG_MS + Footage.AUDIO_FRAME_MS - 1) / Footage.AUDIO_FRAME_MS);
            assertTrue(audio.size() > 100, "audio frames: " + audio.size());
            for (int j = 0; j < audio.size(); j++) {
                int k = first + j;
                assertArrayEquals(Arrays.copyOfRange(sound, k * 160, k * 160 + 160), audio.get(j).payload(), "audio frame " + k);
            }
            assertEquals(p.of(0xE0).size(), DownloadContentTest.accessUnitsOf(store, cam, range[0], range[1]).size());
        }
    }

    /** Audio stored ahead of its video neither ends the range early nor goes out before older video. */
    @Test
    void audioAheadOfTheVideoIsMergedByTime() throws Exception {
        for (long[] range : new long[][] {{BASE_S, BASE_S + 7}, {BASE_S + 1, BASE_S + 4}}) {
            byte[] ps = payloads(DownloadContentTest.download(fixture.handler(), CAM_AHEAD, range[0], range[1]));
            assertEquals(ByteBufUtil.hexDump(expectedPs(CAM_AHEAD, range[0] * 1000, range[1] * 1000, Codec.G711A)),
                ByteBufUtil.hexDump(ps), range[0] + ".." + range[1]);
            PsUnits.Parsed p = PsUnits.parse(ps);
            assertOrdered(p);
            // every video frame of the range (storage's video-only cursor would stop at the first audio past the end)
            assertEquals(PlaybackEndToEndTest.expectedFrames(clip, range[0] * 1000, range[1] * 1000), p.of(0xE0).size());
            assertTrue(p.of(0xC0).size() > 100);
        }
    }

    /** Audio further behind its video than a frame waits for it is dropped; the video is never held up or lost. */
    @Test
    void audioFarBehindItsVideoIsDroppedNeverTheVideo() throws Exception {
        byte[] ps = payloads(DownloadContentTest.download(fixture.handler(), CAM_LATE, BASE_S, BASE_S + 7));
        PsUnits.Parsed p = PsUnits.parse(ps);
        assertOrdered(p);
        List<byte[]> video = p.of(0xE0).stream().map(PsUnits.Unit::payload).toList();
        List<byte[]> stored = DownloadContentTest.accessUnitsOf(store, CAM_LATE, BASE_S, BASE_S + 7);
        assertEquals(stored.size(), video.size());
        for (int i = 0; i < stored.size(); i++) {
            assertArrayEquals(stored.get(i), video.get(i), "video frame " + i);
        }
        assertTrue(p.of(0xC0).size() < 10, "audio 800 ms late went out: " + p.of(0xC0).size());
    }

    @Test
    void aCameraWithoutAudioSendsExactlyTheVideoOnlyStream() throws Exception {
        byte[] ps = payloads(DownloadContentTest.download(fixture.handler(), CAM_VIDEO, BASE_S, BASE_S + 7));
        assertEquals(ByteBufUtil.hexDump(expectedPs(CAM_VIDEO, BASE_S * 1000, (BASE_S + 7) * 1000, null)), ByteBufUtil.hexDump(ps));
        PsUnits.Parsed p = PsUnits.parse(ps);
        assertEquals(List.of(new PsUnits.PsmEntry(0x1B, 0xE0)), p.psm());
        assertTrue(p.of(0xC0).isEmpty());
    }

    /** What ffmpeg makes of the GB/T 28181 form (see the report in package docs): the video, and an audio stream. */
    @Test
    void ffmpegReadsTheVideoAndTheAudioBytesDecodeAsG711() throws Exception {
        byte[] ps = payloads(DownloadContentTest.download(fixture.handler(), CAM_ALAW, BASE_S, BASE_S + 7));
        Path file = dir.resolve("alaw.ps");
        Files.write(file, ps);
        String streams = FfProbe.run(List.of("ffprobe", "-v", "error", "-show_entries", "stream=id,codec_type,codec_name",
            "-of", "csv=p=0", file.toString()));
        System.out.println("ffprobe streams of our G.711 PS: " + streams.strip().replace('\n', ' '));
        assertTrue(streams.contains("h264,video,0x1e0"), streams);
        // ffmpeg's PS demuxer (libavformat/mpeg.c, 5.1 here and current) maps PSM 0x90/0x91 to G.711 only in files
        // starting with Hikvision's "IMKH" header; in the GB/T 28181 form it sees an audio stream 0xC0 and guesses MP2
        assertTrue(streams.contains(",audio,0x1c0"), streams);
        assertEquals(clip.size(), FfProbe.stream(file, "mpeg").frames(), "video frames ffmpeg decodes");
        // the audio bytes as sent, as a raw G.711 file: ffmpeg's own A-law decoder reads 5.98 s of it
        ByteArrayOutputStream raw = new ByteArrayOutputStream();
        for (PsUnits.Unit u : PsUnits.parse(ps).of(0xC0)) {
            raw.writeBytes(u.payload());
        }
        Path alaw = dir.resolve("sent.alaw");
        Files.write(alaw, raw.toByteArray());
        String a = FfProbe.run(List.of("ffprobe", "-v", "error", "-f", "alaw", "-ar", "8000", "-ac", "1", "-show_entries",
            "stream=codec_name,sample_rate,channels,duration", "-of", "default=nw=1", alaw.toString()));
        assertTrue(a.contains("codec_name=pcm_alaw") && a.contains("sample_rate=8000"), a);
        assertEquals(raw.size() / 8000.0, Double.parseDouble(a.replaceAll("(?s).*duration=([0-9.]+).*", "$1")), 0.01);
        assertTrue(raw.size() >= 8000 * 59 / 10, "audio bytes sent: " + raw.size());
    }

    @Test
    void playbackPausesSeeksAndDropsAudioAboveScale2() throws Exception {
        try (RtpReceiver rx = RtpReceiver.udp()) {
            String call = PlaybackEndToEndTest.callId();
            TestDialog d = new TestDialog(call, CAM_ALAW);
            SipRequest invite = SipText.invite(call, CAM_ALAW,
                SipText.playbackSdp("Playback", CAM_ALAW, BASE_S + 1, BASE_S + 7, "udp", rx.port(), null));
            PlaybackEndToEndTest.answerSdp(fixture.handler().onInvite(invite, SipText.sdp(invite), d));
            fixture.handler().onAck(d);
            Thread.sleep(600);
            SipResponse paused = fixture.handler().onInfo(SipText.info(call, CAM_ALAW, 2, "PAUSE RTSP/1.0\r\nCSeq: 2\r\nPauseTime: now\r\n\r\n"), d);
            assertEquals(200, paused.status());
            rx.awaitQuiet(150, 2000);
            int beforeSeek = rx.count();
            Thread.sleep(300);
            assertEquals(beforeSeek, rx.count(), "packets arrived while paused");
            // seek to npt 2 s (T0 + 2.5 s: from the keyframe at T0 + 2 s) at 1x, then Scale 4 after ~0.5 s
            assertEquals(200, fixture.handler().onInfo(SipText.info(call, CAM_ALAW, 3, "PLAY RTSP/1.0\r\nCSeq: 3\r\nRange: npt=2.000-\r\n\r\n"), d).status());
            Thread.sleep(500);
            assertEquals(200, fixture.handler().onInfo(SipText.info(call, CAM_ALAW, 4, "PLAY RTSP/1.0\r\nCSeq: 4\r\nScale: 4.0\r\n\r\n"), d).status());
            PlaybackEndToEndTest.assertEndsWith121ThenBye(d);
            rx.awaitQuiet(200, 3000);
            assertEquals(0, rx.lost());
            List<RtpReceiver.Packet> packets = rx.packets();
            PsUnits.Parsed before = PsUnits.parse(payloads(packets.subList(0, beforeSeek)));
            PsUnits.Parsed all = PsUnits.parse(payloads(packets));
            assertOrdered(all);
            assertTrue(before.of(0xC0).size() >= 10, "audio before the pause: " + before.of(0xC0).size());
            List<PsUnits.Unit> after = all.units().subList(before.units().size(), all.units().size());
            assertTrue(after.stream().filter(PsUnits.Unit::audio).count() >= 10, "audio after the seek");
            // the seek restarts at a keyframe, and the first audio after it is no older than that keyframe
            assertFalse(after.get(0).audio());
            // at Scale 4 only keyframes go out: the stream ends with video keyframes (one a second) and no audio
            int lastAudio = -1;
            for (int i = 0; i < after.size(); i++) {
                if (after.get(i).audio()) {
                    lastAudio = i;
                }
            }
            // (the first of them may still be a 1x frame; the one after it follows the PLAY by one frame interval)
            List<PsUnits.Unit> fast = after.subList(lastAudio + 1, after.size());
            assertTrue(fast.size() >= 3, "keyframes at Scale 4: " + fast.size());
            for (int i = 2; i < fast.size(); i++) {
                assertEquals(90_000, fast.get(i).pts() - fast.get(i - 1).pts(), "Scale 4 sends keyframes only, 1 s apart");
            }
            // audio PES carry RTP timestamps of the same 90 kHz clock as their PTS
            for (RtpReceiver.Packet pk : packets) {
                assertEquals(96, pk.payloadType());
            }
            assertEquals("", videoDecodeErrors(rx.writePs(dir, "audio-playback.ps")));
        }
        assertEquals(0, fixture.service().activeSessions());
    }

    /**
     * ffmpeg's errors decoding the video of our PS, without the one line its MP2 guess for the G.711 stream prints
     * while probing (see {@link #ffmpegReadsTheVideoAndTheAudioBytesDecodeAsG711}).
     */
    static String videoDecodeErrors(Path ps) throws Exception {
        nvr.gb28181.ps.Ffmpeg.Run r = nvr.gb28181.ps.Ffmpeg.run("ffmpeg", "-nostdin", "-v", "error", "-f", "mpeg", "-i",
            ps.toString(), "-map", "0:v", "-enc_time_base", "-1", "-f", "null", "-");
        assertEquals(0, r.exit(), r.err());
        return r.err().lines().filter(l -> !l.matches("\\[mp2 @ \\w+\\] Header missing")).reduce("", String::concat);
    }

    /** SCR and PTS never run backwards, and each pack's SCR is before its PTS. */
    static void assertOrdered(PsUnits.Parsed p) {
        long pts = -1;
        long scr = -1;
        for (PsUnits.Unit u : p.units()) {
            assertTrue(u.pts() >= pts, "PTS ran backwards: " + pts + " -> " + u.pts());
            assertTrue(u.scr() >= scr, "SCR ran backwards: " + scr + " -> " + u.scr());
            assertTrue(u.scr() < u.pts(), "SCR after PTS");
            pts = u.pts();
            scr = u.scr();
        }
    }

    static byte[] payloads(List<RtpReceiver.Packet> packets) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (RtpReceiver.Packet p : packets) {
            out.writeBytes(p.payload());
        }
        return out.toByteArray();
    }

    /**
     * The reference PS of [fromMs, toMs): the stored records (video, and {@code g711} audio no older than the first
     * video frame) by time, video first at equal times, muxed by PsMuxer with PTS = 1 s + media time since the first.
     */
    static ByteBuf expectedPs(String cam, long fromMs, long toMs, Codec g711) throws Exception {
        List<FrameRecord> recs = new ArrayList<>();
        try (FrameCursor c = store.openCursorWithAudio(cam, fromMs, toMs + Store.GAP_MS)) { // audio may run ahead
            for (FrameRecord f; (f = c.next()) != null; ) {
                if (f.timeMs() < toMs) {
                    recs.add(f);
                } else if (!f.audio()) {
                    break;
                }
            }
        }
        long firstVideo = recs.stream().filter(r -> !r.audio()).findFirst().orElseThrow().timeMs();
        List<FrameRecord> sent = new ArrayList<>(recs.stream()
            .filter(r -> !r.audio() || (g711 != null && r.streamType() == g711.streamType() && r.timeMs() >= firstVideo)).toList());
        sent.sort(Comparator.comparingLong(FrameRecord::timeMs).thenComparing(FrameRecord::audio)); // stable
        PsMuxer mux = new PsMuxer(Codec.H264, g711);
        ByteBuf out = Unpooled.buffer();
        for (FrameRecord r : sent) {
            mux.mux(r.audio() ? g711 : Codec.H264, 90_000 + (r.timeMs() - firstVideo) * 90, r.keyframe(),
                Unpooled.wrappedBuffer(r.payload()), out);
        }
        return out;
    }
}
