package nvr.cli.output;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Time arguments and columns. Accepted: ISO-8601 with offset ({@code 2026-11-21T08:00:00+08:00}),
 * epoch milliseconds, {@code now}, and {@code now-10m} style offsets (s, m, h, d) for quick looks.
 */
public final class Times {
    private static final Pattern RELATIVE = Pattern.compile("now(?:-([0-9]{1,9})([smhd]))?");
    private static final DateTimeFormatter SHOWN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

    private Times() {
    }

    /** Parses a time argument; throws IllegalArgumentException with a one-line message naming the option. */
    public static long parse(String option, String text, long nowMs) {
        String t = text.trim();
        if (t.matches("[0-9]{1,15}")) {
            return Long.parseLong(t);
        }
        Matcher m = RELATIVE.matcher(t);
        if (m.matches()) {
            if (m.group(1) == null) {
                return nowMs;
            }
            long n = Long.parseLong(m.group(1));
            long unit = switch (m.group(2)) {
                case "s" -> 1000L;
                case "m" -> 60_000L;
                case "h" -> 3_600_000L;
                default -> 86_400_000L;
            };
            return nowMs - n * unit;
        }
        try {
            return OffsetDateTime.parse(t).toInstant().toEpochMilli();
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(option + ": '" + text
                    + "' is not a time; use ISO-8601 with offset (2026-11-21T08:00:00+08:00), epoch ms, or now-10m");
        }
    }

    /** A wall-clock time for tables, in the machine's zone; "-" for an absent time. */
    public static String show(long ms) {
        if (ms <= 0) {
            return "-";
        }
        return SHOWN.format(Instant.ofEpochMilli(ms).atZone(ZoneId.systemDefault()));
    }

    public static String duration(long ms) {
        long s = Math.max(0, ms) / 1000;
        if (s >= 86_400) {
            return String.format("%dd%02dh", s / 86_400, (s % 86_400) / 3600);
        }
        if (s >= 3600) {
            return String.format("%dh%02dm", s / 3600, (s % 3600) / 60);
        }
        if (s >= 60) {
            return String.format("%dm%02ds", s / 60, s % 60);
        }
        return s + "s";
    }

    public static String bytes(long n) {
        if (n < 1024) {
            return n + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB", "PiB"};
        double v = n;
        int u = -1;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return String.format("%.1f %s", v, units[u]);
    }
}
