package nvr.gb28181.manscdp;

import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import nvr.gb28181.WireFormatException;

/**
 * MANSCDP times: GB/T 28181 writes local time without a zone, {@code 2026-11-21T08:00:00}. Devices also
 * send a space instead of 'T', fractional seconds, or (rarely) an offset/Z; all are accepted. We write
 * exactly {@code yyyy-MM-dd'T'HH:mm:ss} in the server's zone.
 */
public final class ManscdpTime {
    private static final DateTimeFormatter OUT = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss");

    private ManscdpTime() {
    }

    public static long parseMs(String text, ZoneId zone) throws WireFormatException {
        if (text == null || text.isBlank() || text.length() > 40) {
            throw new WireFormatException("manscdp", "missing or bad time: " + text);
        }
        String t = text.trim().replace(' ', 'T');
        try {
            if (t.endsWith("Z") || t.matches(".*[+-]\\d\\d:?\\d\\d$")) {
                return OffsetDateTime.parse(t.replaceAll("([+-]\\d\\d)(\\d\\d)$", "$1:$2")).toInstant().toEpochMilli();
            }
            return LocalDateTime.parse(t).atZone(zone).toInstant().toEpochMilli();
        } catch (DateTimeParseException e) {
            throw new WireFormatException("manscdp", "time is not yyyy-MM-ddTHH:mm:ss: " + t.replaceAll("\\p{Cntrl}", "?"));
        }
    }

    public static String format(long epochMs, ZoneId zone) {
        return OUT.format(java.time.Instant.ofEpochMilli(epochMs).atZone(zone));
    }
}
