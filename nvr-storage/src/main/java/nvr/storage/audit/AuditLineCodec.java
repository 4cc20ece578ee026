package nvr.storage.audit;

import nvr.storage.json.JsonText;

/**
 * One audit event as one JSON line: {@code {"atMs":..,"who":"..","action":"..","camera":"..","fromMs":..,
 * "toMs":..,"detail":".."}}. The reader accepts exactly this flat shape (strings, integers, null) and returns
 * null for anything else, so a torn or tampered line is skipped, never fatal.
 */
public final class AuditLineCodec {
    private AuditLineCodec() {
    }

    public static String encode(AuditEvent e) {
        StringBuilder b = new StringBuilder(160);
        b.append("{\"atMs\":").append(e.atMs());
        str(b.append(",\"who\":"), e.who());
        str(b.append(",\"action\":"), e.action());
        str(b.append(",\"camera\":"), e.camera());
        b.append(",\"fromMs\":").append(e.fromMs()).append(",\"toMs\":").append(e.toMs());
        str(b.append(",\"detail\":"), e.detail());
        return b.append('}').toString();
    }

    private static void str(StringBuilder b, String s) {
        JsonText.appendQuoted(b, s);
    }

    /** Parses a line written by {@link #encode}; null when it is not one. */
    public static AuditEvent decode(String line) {
        if (line == null || line.length() > 64 * 1024) {
            return null;
        }
        try {
            Parser p = new Parser(line);
            return p.event();
        } catch (IllegalArgumentException | IndexOutOfBoundsException e) {
            return null;
        }
    }

    /** Parse failure; no stack trace, since garbage lines are expected after a crash. */
    private static final class BadLine extends IllegalArgumentException {
        BadLine(String why) {
            super(why);
        }

        @Override
        public synchronized Throwable fillInStackTrace() {
            return this;
        }
    }

    private static final class Parser {
        private final String s;
        private int i;
        private Long atMs;
        private Long fromMs;
        private Long toMs;
        private String who;
        private String action;
        private String camera;
        private String detail;

        Parser(String s) {
            this.s = s.strip();
        }

        AuditEvent event() {
            expect('{');
            do {
                String key = string();
                expect(':');
                switch (key) {
                    case "atMs" -> atMs = number();
                    case "fromMs" -> fromMs = number();
                    case "toMs" -> toMs = number();
                    case "who" -> who = nullableString();
                    case "action" -> action = nullableString();
                    case "camera" -> camera = nullableString();
                    case "detail" -> detail = nullableString();
                    default -> throw new BadLine("unknown key " + key);
                }
            } while (tryConsume(','));
            expect('}');
            if (i != s.length() || atMs == null || fromMs == null || toMs == null) {
                throw new BadLine("incomplete event");
            }
            return new AuditEvent(atMs, who, action, camera, fromMs, toMs, detail);
        }

        private boolean tryConsume(char c) {
            if (i < s.length() && s.charAt(i) == c) {
                i++;
                return true;
            }
            return false;
        }

        private void expect(char c) {
            if (!tryConsume(c)) {
                throw new BadLine("expected " + c);
            }
        }

        private long number() {
            int start = i;
            if (i < s.length() && s.charAt(i) == '-') {
                i++;
            }
            while (i < s.length() && Character.isDigit(s.charAt(i))) {
                i++;
            }
            return Long.parseLong(s.substring(start, i));
        }

        private String nullableString() {
            if (s.startsWith("null", i)) {
                i += 4;
                return null;
            }
            return string();
        }

        private String string() {
            expect('"');
            StringBuilder b = new StringBuilder();
            while (true) {
                char c = s.charAt(i++);
                if (c == '"') {
                    return b.toString();
                }
                if (c != '\\') {
                    b.append(c);
                    continue;
                }
                char e = s.charAt(i++);
                switch (e) {
                    case '"', '\\', '/' -> b.append(e);
                    case 'n' -> b.append('\n');
                    case 'r' -> b.append('\r');
                    case 't' -> b.append('\t');
                    case 'u' -> {
                        b.append((char) Integer.parseInt(s.substring(i, i + 4), 16));
                        i += 4;
                    }
                    default -> throw new BadLine("bad escape");
                }
            }
        }
    }
}
