package nvr.storage.retention;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import nvr.storage.KeyValueTable;
import nvr.storage.audit.AuditEvent;

/**
 * Legal holds, persisted in the Store's {@code holds} table (key = hold id, value = a versioned binary
 * record) and cached in memory for the sweeper. Every create, release and expiry is audited.
 * Invariant: the table is written before the cache, so a hold the sweeper sees is durable.
 */
final class HoldRegistry {
    private static final System.Logger LOG = System.getLogger(HoldRegistry.class.getName());
    private static final int VERSION = 1;
    private static final int MAX_CASE_CHARS = 128;

    private final KeyValueTable table;
    private final java.util.function.Consumer<AuditEvent> audit;
    private final Map<String, LegalHold> holds = new ConcurrentHashMap<>();
    private final SecureRandom random = new SecureRandom();
    /** Held by hold creation and by each deletion batch: a hold created before a batch starts is honoured by it. */
    final Object lock = new Object();

    HoldRegistry(KeyValueTable table, java.util.function.Consumer<AuditEvent> audit) {
        this.table = table;
        this.audit = audit;
        for (Map.Entry<String, byte[]> e : table.scan("").entrySet()) {
            try {
                holds.put(e.getKey(), decode(e.getKey(), e.getValue()));
            } catch (IOException | RuntimeException ex) {
                // Its camera and range are unknown, so it cannot protect anything: say so loudly.
                LOG.log(System.Logger.Level.ERROR, "legal hold " + e.getKey() + " in the holds table is unreadable ("
                        + ex.getMessage() + "); it is ignored until fixed: check the index with nvr verify");
            }
        }
    }

    LegalHold create(String camera, long fromMs, long toMs, String caseId, long untilMs, String who, long nowMs) {
        synchronized (lock) {
            return createLocked(camera, fromMs, toMs, caseId, untilMs, who, nowMs);
        }
    }

    private LegalHold createLocked(String camera, long fromMs, long toMs, String caseId, long untilMs, String who,
                                   long nowMs) {
        if (camera == null || camera.isBlank()) {
            throw new IllegalArgumentException("hold camera is empty; pass --camera ID");
        }
        if (toMs <= fromMs) {
            throw new IllegalArgumentException("hold range is empty: --to must be after --from");
        }
        if (caseId == null || caseId.isBlank() || caseId.length() > MAX_CASE_CHARS || caseId.chars().anyMatch(Character::isISOControl)) {
            throw new IllegalArgumentException("hold case id must be 1-" + MAX_CASE_CHARS + " printable characters; pass --case CASE-ID");
        }
        if (untilMs != 0 && untilMs <= nowMs) {
            throw new IllegalArgumentException("hold --until is in the past; give a future time or leave it out");
        }
        String id;
        do {
            byte[] b = new byte[5];
            random.nextBytes(b);
            id = "h-" + HexFormat.of().formatHex(b);
        } while (holds.containsKey(id) || table.get(id) != null);
        LegalHold h = new LegalHold(id, camera, fromMs, toMs, caseId, untilMs, nowMs, who == null ? "" : who);
        table.put(id, encode(h));
        holds.put(id, h);
        audit.accept(new AuditEvent(nowMs, h.createdBy(), "hold-create", camera, fromMs, toMs,
                "id=" + id + " case=" + caseId + (untilMs != 0 ? " until=" + untilMs : "")));
        return h;
    }

    /** Releases a hold; returns false when no hold has that id. */
    boolean release(String id, String who, long nowMs, String action) {
        LegalHold h = holds.get(id);
        if (h == null) {
            return false;
        }
        table.delete(id);
        holds.remove(id);
        audit.accept(new AuditEvent(nowMs, who == null ? "" : who, action, h.camera(), h.fromMs(), h.toMs(),
                "id=" + id + " case=" + h.caseId()));
        return true;
    }

    List<LegalHold> list() {
        List<LegalHold> l = new ArrayList<>(holds.values());
        l.sort(Comparator.comparingLong(LegalHold::createdMs).thenComparing(LegalHold::id));
        return l;
    }

    boolean isHeld(String camera, long startMs, long endMs) {
        for (LegalHold h : holds.values()) {
            if (h.covers(camera, startMs, endMs)) {
                return true;
            }
        }
        return false;
    }

    /** Releases holds whose {@code until} has passed (in trusted time). */
    void expire(long trustedNowMs) {
        for (LegalHold h : list()) {
            if (h.expiredAt(trustedNowMs)) {
                release(h.id(), "retention", trustedNowMs, "hold-expire");
            }
        }
    }

    private static byte[] encode(LegalHold h) {
        try {
            ByteArrayOutputStream bo = new ByteArrayOutputStream();
            DataOutputStream o = new DataOutputStream(bo);
            o.writeByte(VERSION);
            o.writeUTF(h.camera());
            o.writeLong(h.fromMs());
            o.writeLong(h.toMs());
            o.writeUTF(h.caseId());
            o.writeLong(h.untilMs());
            o.writeLong(h.createdMs());
            o.writeUTF(h.createdBy());
            o.flush();
            return bo.toByteArray();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static LegalHold decode(String id, byte[] v) throws IOException {
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(v));
        int version = in.readUnsignedByte();
        if (version != VERSION) {
            throw new IOException("unknown hold record version " + version);
        }
        return new LegalHold(id, in.readUTF(), in.readLong(), in.readLong(), in.readUTF(), in.readLong(),
                in.readLong(), in.readUTF());
    }
}
