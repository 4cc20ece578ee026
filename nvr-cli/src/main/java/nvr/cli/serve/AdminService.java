package nvr.cli.serve;

import java.nio.file.Path;
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
    private final NvrConfig config;
    private final Store store;
    private volatile boolean ready;

    AdminService(NvrConfig config, Store store) {
        this.config = config;
        this.store = store;
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
        return new ArrayList<>(ids);
    }

    private void requireCamera(String id) {
        if (!knownCameras().contains(id)) {
            throw new AdminException(2, "unknown camera " + id + "; see nvr cameras list");
        }
    }

    @Override
    public List<Map<String, Object>> cameras() {
        List<Map<String, Object>> out = new ArrayList<>();
        for (String id : knownCameras()) {
            NvrConfig.Camera c = configured(id);
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", id);
            m.put("name", c != null ? c.name() : id);
            m.put("tier", c != null ? c.tier() : config.defaultTier());
            m.put("state", "offline");
            m.put("lastFrameMs", null);
            m.put("bitrateBps", 0);
            m.put("location", c != null ? c.location() : "");
            out.add(m);
        }
        return out;
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
        throw new AdminException(1, "the retention manager is not wired into this build yet");
    }

    @Override
    public Map<String, Object> retentionPlan() {
        throw new AdminException(1, "the retention manager is not wired into this build yet");
    }

    @Override
    public List<Map<String, Object>> holds() {
        throw new AdminException(1, "legal holds are not wired into this build yet");
    }

    @Override
    public String createHold(String camera, long fromMs, long toMs, String caseId, long untilMs, String who) {
        throw new AdminException(1, "legal holds are not wired into this build yet");
    }

    @Override
    public void releaseHold(String id, String who) {
        throw new AdminException(1, "legal holds are not wired into this build yet");
    }

    @Override
    public Map<String, Object> export(String camera, long fromMs, long toMs, Path out, String who, DoubleConsumer progress) {
        throw new AdminException(1, "MP4 export is not wired into this build yet");
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
