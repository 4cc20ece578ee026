package nvr.storage.json;

/**
 * JSON string literals (RFC 8259 section 7), the one encoder the audit log, export manifests and the CLI's
 * JSON output share. Escapes quote, backslash, control characters and U+2028/U+2029 (valid JSON either
 * way; escaped so a line is also a safe JavaScript literal and never splits for a line-oriented reader).
 */
public final class JsonText {
    private JsonText() {
    }

    /** {@code s} as a quoted JSON string, or {@code null} (the JSON literal) when s is null. */
    public static String quote(String s) {
        return s == null ? "null" : appendQuoted(new StringBuilder(s.length() + 2), s).toString();
    }

    /** Appends {@code s} as a quoted JSON string, or the literal {@code null}, to {@code b}; returns b. */
    public static StringBuilder appendQuoted(StringBuilder b, String s) {
        if (s == null) {
            return b.append("null");
        }
        b.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < 0x20 || c == 0x2028 || c == 0x2029) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.append('"');
    }
}
