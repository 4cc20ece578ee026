package nvr.cli.serve;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.logging.Logger;
import nvr.ingest.health.StreamHealth;
import nvr.ingest.media.RtpReceivers;
import nvr.ingest.media.StreamState;
import nvr.ingest.sip.SipServer;
import nvr.playback.export.ExportException;
import nvr.playback.export.ExportResult;
import nvr.playback.export.Mp4Exporter;
import nvr.storage.retention.CameraRetention;
import nvr.storage.retention.LegalHold;
import nvr.storage.retention.RetentionManager;
import nvr.storage.retention.RetentionPlan;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.DoubleConsumer;
import nvr.cli.admin.AdminBackend;
import nvr.cli.config.NvrConfig;
import nvr.storage.Coverage;
import nvr.storage.Gap;
import nvr.storage.Span;
import nvr.storage.Store;
import nvr.storage.VerifyReport;

/** Answers the admin API from the running components; maps their types to DESIGN.md's JSON shapes. */
final class AdminService implements AdminBackend {
    private static final Logger LOG = Logger.getLogger(AdminService.class.getName());

    private final NvrConfig config;
    private final Store store;
    private final RetentionManager retention;
    private final RtpReceivers receivers;
    private final SipServer sip;
    private volatile boolean ready;

    AdminService(NvrConfig config, Store store, RetentionManager retention, RtpReceivers receivers, SipServer sip) {
        this.config = config;
        this.store = store;
        this.retention = retention;
        this.receivers = receivers;
        this.sip = sip;
    }

    void markReady() {
        ready = true;
    }

    @Override
    public boolean ready() {
        return ready;
    }

    private NvrConfig.Camera configured(String id) {
        for (NvrConfig.Camera c : config.cameras()) {
            if (c.id().equals(id)) {
                return c;
            }
        }
        return null;
    }

    private List<String> knownCameras() {
        TreeSet<String> ids = new TreeSet<>();
        for (NvrConfig.Camera c : config.cameras()) {
            ids.add(c.id());
        }
        ids.addAll(store.cameraIds());
        for (SipServer.ChannelStatus c : sip.channels()) {
            ids.add(c.id());
        }
        return new ArrayList<>(ids);
    }

    private void requireCamera(String id) {
        if (!knownCameras().contains(id)) {
            throw new AdminException(2, "unknown camera " + id + "; see nvr cameras list");
        }
    }

    @Override
    public List<Map<String, Object>> cameras() {
        Map<String, StreamHealth> health = new HashMap<>();
        for (StreamHealth h : receivers.health()) {
            health.merge(h.cameraId(), h, (a, b) -> a.lastFrameMs() >= b.lastFrameMs() ? a : b);
        }
        Map<String, SipServer.ChannelStatus> channels = new HashMap<>();
        for (SipServer.ChannelStatus c : sip.channels()) {
            channels.put(c.id(), c);
        }
        TreeSet<String> ids = new TreeSet<>(knownCameras());
        ids.addAll(health.keySet());
        ids.addAll(channels.keySet());
        List<Map<String, Object>> out = new ArrayList<>();
        for (String id : ids) {
            NvrConfig.Camera c = configured(id);
            StreamHealth h = health.get(id);
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", id);
            SipServer.ChannelStatus ch = channels.get(id);
            m.put("name", c != null ? c.name() : ch != null && !ch.name().isEmpty() ? ch.name() : id);
            m.put("tier", c != null ? c.tier() : retention.config().tierOf(id).name());
            m.put("state", (h == null ? StreamState.OFFLINE : h.state()).name().toLowerCase(Locale.ROOT));
            long last = h != null && h.lastFrameMs() > 0 ? h.lastFrameMs() : newestFootage(id);
            m.put("lastFrameMs", last > 0 ? last : null);
            m.put("bitrateBps", h == null ? 0 : h.bitrateBps());
            m.put("location", c != null ? c.location() : "");
            m.put("source", c != null ? "static" : "sip");
            if (ch != null) {
                m.put("device", ch.deviceId());
                m.put("deviceOnline", ch.deviceOnline());
                m.put("recording", ch.recording());
                m.put("retries", ch.retries());
                m.put("problem", ch.lastProblem());
            }
            m.put("reason", reason(h, ch));
            if (h != null) {
                m.put("transport", h.transport().name().toLowerCase(Locale.ROOT));
                m.put("port", h.localPort());
                m.put("fps", Math.round(h.fps() * 10) / 10.0);
                m.put("gopFrames", h.gopFrames());
                m.put("framesStored", h.framesStored());
                m.put("packetsLost", h.packetsLost());
                m.put("framesDropped", h.framesDroppedBroken() + h.framesDroppedOverload());
            }
            out.add(m);
        }
        return out;
    }

    /** Why a camera is not receiving, in a few words for the table ("" when it is). */
    private static String reason(StreamHealth h, SipServer.ChannelStatus ch) {
        if (h != null && h.state() == StreamState.RECEIVING) {
            return "";
        }
        if (ch != null && !ch.deviceOnline()) {
            return "device " + ch.deviceId() + " offline";
        }
        if (ch != null && ch.retries() > 0) {
            return ch.lastProblem() + "; retry " + ch.retries();
        }
        if (h != null && h.state() == StreamState.STALLED) {
            return "no packets for a while";
        }
        return h == null && ch == null ? "no stream" : "";
    }

    /** End of the newest segment, for cameras not streaming now (SIP channels between sessions, stopped cameras). */
    private long newestFootage(String id) {
        long now = System.currentTimeMillis();
        List<nvr.storage.SegmentInfo> segs = store.segments(id, now - 86_400_000L, now + 60_000L);
        return segs.isEmpty() ? 0 : segs.get(segs.size() - 1).endMs();
    }

    /** Registered devices as the SIP server sees them (extra endpoint data, not in DESIGN's shapes). */
    List<SipServer.DeviceStatus> devices() {
        return sip.devices();
    }

    @Override
    public Map<String, Object> recordings(String camera, long fromMs, long toMs) {
        requireCamera(camera);
        if (toMs <= fromMs) {
            throw new AdminException(2, "--to must be after --from");
        }
        Coverage cov = store.coverage(camera, fromMs, toMs);
        List<Map<String, Object>> spans = new ArrayList<>();
        for (Span s : cov.spans()) {
            spans.add(Map.of("startMs", s.startMs(), "endMs", s.endMs(), "bytes", s.bytes(), "frames", s.frames()));
        }
        List<Map<String, Object>> gaps = new ArrayList<>();
        for (Gap g : cov.gaps()) {
            gaps.add(Map.of("startMs", g.startMs(), "endMs", g.endMs()));
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("camera", camera);
        m.put("spans", spans);
        m.put("gaps", gaps);
        return m;
    }

    @Override
    public List<Map<String, Object>> retentionStatus() {
        List<Map<String, Object>> out = new ArrayList<>();
        for (CameraRetention c : retention.status()) {
            out.add(c.jsonFields());
        }
        return out;
    }

    @Override
    public Map<String, Object> retentionPlan() {
        RetentionPlan p = retention.plan();
        List<Map<String, Object>> cams = new ArrayList<>();
        for (RetentionPlan.CameraNeed n : p.cameras()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("camera", n.camera());
            m.put("tier", n.tier());
            m.put("minDays", n.minDays());
            m.put("bitrateBps", Math.round(n.bitrateBps()));
            m.put("bytesPerDay", n.bytesPerDay());
            m.put("requiredBytes", n.requiredBytes());
            m.put("storedBytes", n.storedBytes());
            m.put("projectedDays", Math.round(n.projectedDays() * 10) / 10.0);
            cams.add(m);
        }
        List<Map<String, Object>> vols = new ArrayList<>();
        for (RetentionPlan.Volume v : p.volumes()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("root", v.root().toString());
            m.put("capacityBytes", v.capacityBytes());
            m.put("usedBytes", v.usedBytes());
            m.put("footageBytes", v.footageBytes());
            m.put("usableBytes", v.usableBytes());
            m.put("highWatermark", v.highWatermark());
            vols.add(m);
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("feasible", p.feasible());
        m.put("requiredBytes", p.requiredBytes());
        m.put("usableBytes", p.usableBytes());
        m.put("horizonDays", Math.round(p.horizonDays() * 10) / 10.0);
        m.put("alarms", retention.alarms());
        m.put("cameras", cams);
        m.put("volumes", vols);
        return m;
    }

    @Override
    public List<Map<String, Object>> holds() {
        List<Map<String, Object>> out = new ArrayList<>();
        for (LegalHold h : retention.holds()) {
            out.add(h.jsonFields());
        }
        return out;
    }

    @Override
    public String createHold(String camera, long fromMs, long toMs, String caseId, long untilMs, String who) {
        requireCamera(camera);
        try {
            String id = retention.createHold(camera, fromMs, toMs, caseId, untilMs, who).id();
            LOG.info("camera=" + camera + " hold created id=" + id + " case=" + caseId + " by=" + who);
            return id;
        } catch (IllegalArgumentException e) {
            throw new AdminException(2, e.getMessage());
        }
    }

    @Override
    public void releaseHold(String id, String who) {
        if (!retention.releaseHold(id, who)) {
            throw new AdminException(2, "no hold with id " + id + "; see nvr hold list");
        }
        LOG.info("hold released id=" + id + " by=" + who);
    }

    @Override
    public Map<String, Object> export(String camera, long fromMs, long toMs, Path out, String who, DoubleConsumer progress) {
        requireCamera(camera);
        if (Files.exists(out)) {
            throw new AdminException(2, out + " already exists; evidence is never overwritten, choose another --out");
        }
        ExportResult r;
        try {
            r = Mp4Exporter.export(store, camera, fromMs, toMs, out, who,
                    (doneMs, totalMs, frames) -> progress.accept(totalMs <= 0 ? 0 : (double) doneMs / totalMs));
        } catch (ExportException e) {
            throw new AdminException(1, e.getMessage());
        } catch (IOException e) {
            throw new AdminException(1, "export to " + out + " failed: " + e.getMessage());
        }
        progress.accept(1.0);
        LOG.info("camera=" + camera + " exported " + r.frames() + " frames to " + out + " by=" + who);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("camera", camera);
        m.put("file", r.mp4().toString());
        m.put("manifest", r.manifest().toString());
        m.put("sha256", r.sha256());
        m.put("bytes", r.bytes());
        m.put("codec", r.codec().name());
        m.put("width", r.width());
        m.put("height", r.height());
        m.put("frames", r.frames());
        if (r.audio() != null) { // the MP4 has the camera's G.711 as its sound track
            m.put("audioCodec", r.audio().name());
            m.put("audioFrames", r.audioFrames());
        }
        m.put("firstFrameMs", r.firstFrameMs());
        m.put("lastFrameMs", r.lastFrameMs());
        m.put("segments", r.segments().size());
        m.put("gaps", r.gaps().size());
        return m;
    }

    @Override
    public Map<String, Object> verify() {
        VerifyReport r = store.verify();
        List<Map<String, Object>> errors = new ArrayList<>();
        for (VerifyReport.Problem p : r.errors()) {
            errors.add(Map.of("file", p.file(), "offset", p.offset(), "problem", p.problem()));
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("segments", r.segments());
        m.put("frames", r.frames());
        m.put("errors", errors);
        return m;
    }
}
