package nvr.playback;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import nvr.gb28181.media.Codec;
import nvr.gb28181.sip.SipRequest;
import nvr.gb28181.sip.SipResponse;
import nvr.playback.export.ExportException;
import nvr.playback.export.Mp4Exporter;
import nvr.playback.sip.PlaybackSipHandler;
import nvr.storage.Store;
import nvr.storage.StoreConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Footage access that cannot be written to the audit log is refused: SIP 500 with a reason, or an export
 * that fails with a one-line message and leaves no file. The audit day file's path is taken by a directory
 * before the store's first audit (works as root too, unlike a read-only directory).
 */
class AuditRefusalTest {
    static final String CAM = "34020000001320000031";
    static final long BASE_S = 1_763_700_000L;
    static final long T0 = BASE_S * 1000;

    @TempDir
    Path dir;

    private Store recordedStoreWithUnwritableAudit() throws Exception {
        Path root = dir.resolve("data");
        Store store = Store.open(StoreConfig.defaults(root), new SimpleMeterRegistry());
        Footage.record(store, CAM, Footage.clip(Codec.H264), T0);
        LocalDate today = LocalDate.now(ZoneOffset.UTC);
        for (LocalDate d : new LocalDate[] {today, today.plusDays(1)}) {
            Files.createDirectories(root.resolve("audit").resolve("audit-" + d + ".jsonl"));
        }
        return store;
    }

    @Test
    void playbackThatCannotBeAuditedIsRefusedWith500() throws Exception {
        try (Store store = recordedStoreWithUnwritableAudit()) {
            PlaybackService service = new PlaybackService(store, PlaybackConfig.defaults("127.0.0.1"), new SimpleMeterRegistry());
            try {
                PlaybackSipHandler handler = new PlaybackSipHandler(service, SipText.NVR);
                TestDialog d = new TestDialog("audit-1", CAM);
                SipRequest r = SipText.invite("audit-1", CAM,
                    SipText.playbackSdp("Playback", CAM, BASE_S, BASE_S + 3, "udp", 40000, null));
                SipResponse resp = handler.onInvite(r, SipText.sdp(r), d);
                assertEquals(500, resp.status(), resp.toString());
                String warning = resp.header("Warning");
                assertNotNull(warning, "refusal without a Warning reason");
                assertTrue(warning.contains("cannot be audited"), warning);
                assertEquals(1, service.metrics().errors("audit"));
                assertEquals(0, service.activeSessions());
            } finally {
                service.close();
            }
        }
    }

    @Test
    void exportThatCannotBeAuditedFailsAndLeavesNoFile() throws Exception {
        try (Store store = recordedStoreWithUnwritableAudit()) {
            Path out = dir.resolve("out.mp4");
            ExportException e = assertThrows(ExportException.class,
                () -> Mp4Exporter.export(store, CAM, T0, T0 + 2000, out, "cli:tester", (done, total, frames) -> { }));
            assertTrue(e.getMessage().contains("cannot be audited") && !e.getMessage().contains("\n"), e.getMessage());
            assertFalse(Files.exists(out), "an unaudited export must not stay on disk");
            assertFalse(Files.exists(Path.of(out + ".sha256.json")), "nor its manifest");
        }
    }
}
