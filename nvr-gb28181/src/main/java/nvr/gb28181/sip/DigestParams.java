package nvr.gb28181.sip;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import nvr.gb28181.WireFormatException;

/** Parses the {@code Digest a="b", c=d} parameter list of WWW-Authenticate/Authorization (RFC 2617 3.2). */
final class DigestParams {
    private DigestParams() {
    }

    static Map<String, String> parse(String header) throws WireFormatException {
        if (header == null) {
            throw new WireFormatException("sip", "missing digest header");
        }
        String s = header.trim();
        if (s.length() > 4096) {
            throw new WireFormatException("sip", "digest header too long");
        }
        if (s.length() < 7 || !s.substring(0, 6).equalsIgnoreCase("Digest") || !Character.isWhitespace(s.charAt(6))) {
            throw new WireFormatException("sip", "not a Digest header: " + SipParser.clip(s));
        }
        Map<String, String> out = new LinkedHashMap<>();
        int i = 7;
        int n = s.length();
        while (i < n) {
            while (i < n && (s.charAt(i) == ' ' || s.charAt(i) == '\t' || s.charAt(i) == ',')) {
                i++;
            }
            if (i >= n) {
                break;
            }
            int eq = s.indexOf('=', i);
            if (eq < 0) {
                throw new WireFormatException("sip", "digest parameter without '=': " + SipParser.clip(s.substring(i)));
            }
            String name = s.substring(i, eq).trim().toLowerCase(Locale.ROOT);
            i = eq + 1;
            while (i < n && s.charAt(i) == ' ') {
                i++;
            }
            String value;
            if (i < n && s.charAt(i) == '"') {
                StringBuilder v = new StringBuilder();
                i++;
                boolean closed = false;
                while (i < n) {
                    char c = s.charAt(i++);
                    if (c == '\\' && i < n) {
                        v.append(s.charAt(i++));
                    } else if (c == '"') {
                        closed = true;
                        break;
                    } else {
                        v.append(c);
                    }
                }
                if (!closed) {
                    throw new WireFormatException("sip", "unterminated quoted digest parameter " + SipParser.clip(name));
                }
                value = v.toString();
            } else {
                int comma = s.indexOf(',', i);
                value = (comma < 0 ? s.substring(i) : s.substring(i, comma)).trim();
                i = comma < 0 ? n : comma;
            }
            if (out.size() >= 24) {
                throw new WireFormatException("sip", "too many digest parameters");
            }
            out.put(name, value);
        }
        return out;
    }
}
