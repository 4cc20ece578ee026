package nvr.storage.audit;

/**
 * One audited action on footage: who (SIP from / platform id or CLI user), what (playback, download,
 * export, hold-create, retention-delete, ...), camera, range, when.
 */
public record AuditEvent(long atMs, String who, String action, String camera, long fromMs, long toMs,
                         String detail) {
}
