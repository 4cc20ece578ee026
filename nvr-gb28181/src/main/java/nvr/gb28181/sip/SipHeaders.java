package nvr.gb28181.sip;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The ordered header fields of one SIP message. Names compare case-insensitively and compact forms
 * (RFC 3261 7.3.3: i, f, t, v, m, l, c, k, s, e) are stored under their long form, so
 * {@code get("Call-ID")} finds a device's {@code i:} line. Order is kept because Via order is routing.
 */
public final class SipHeaders {
    private static final Map<String, String> CANONICAL = Map.ofEntries(
            Map.entry("i", "Call-ID"), Map.entry("call-id", "Call-ID"),
            Map.entry("f", "From"), Map.entry("from", "From"),
            Map.entry("t", "To"), Map.entry("to", "To"),
            Map.entry("v", "Via"), Map.entry("via", "Via"),
            Map.entry("m", "Contact"), Map.entry("contact", "Contact"),
            Map.entry("l", "Content-Length"), Map.entry("content-length", "Content-Length"),
            Map.entry("c", "Content-Type"), Map.entry("content-type", "Content-Type"),
            Map.entry("k", "Supported"), Map.entry("supported", "Supported"),
            Map.entry("s", "Subject"), Map.entry("subject", "Subject"),
            Map.entry("e", "Content-Encoding"), Map.entry("content-encoding", "Content-Encoding"),
            Map.entry("cseq", "CSeq"), Map.entry("max-forwards", "Max-Forwards"),
            Map.entry("www-authenticate", "WWW-Authenticate"), Map.entry("authorization", "Authorization"),
            Map.entry("expires", "Expires"), Map.entry("user-agent", "User-Agent"),
            Map.entry("record-route", "Record-Route"), Map.entry("route", "Route"),
            Map.entry("date", "Date"));

    private record Field(String name, String value) {
    }

    private final List<Field> fields = new ArrayList<>();

    /** The long, conventionally capitalised name for any spelling of a header name. */
    public static String canonical(String name) {
        String c = CANONICAL.get(name.toLowerCase(Locale.ROOT));
        return c != null ? c : name;
    }

    public SipHeaders add(String name, String value) {
        fields.add(new Field(canonical(name), value));
        return this;
    }

    /** Replaces every field of this name with one (added at the first one's place, or at the end). */
    public SipHeaders set(String name, String value) {
        String n = canonical(name);
        int at = -1;
        for (int i = fields.size() - 1; i >= 0; i--) {
            if (fields.get(i).name.equalsIgnoreCase(n)) {
                fields.remove(i);
                at = i;
            }
        }
        if (at < 0) {
            fields.add(new Field(n, value));
        } else {
            fields.add(at, new Field(n, value));
        }
        return this;
    }

    public SipHeaders remove(String name) {
        String n = canonical(name);
        fields.removeIf(f -> f.name.equalsIgnoreCase(n));
        return this;
    }

    /** The first value of the header, or null. */
    public String get(String name) {
        String n = canonical(name);
        for (Field f : fields) {
            if (f.name.equalsIgnoreCase(n)) {
                return f.value;
            }
        }
        return null;
    }

    /** Every value of the header in order; comma-joined lines are NOT split (Via lists are split by {@link Via#parseAll}). */
    public List<String> getAll(String name) {
        String n = canonical(name);
        List<String> out = new ArrayList<>(2);
        for (Field f : fields) {
            if (f.name.equalsIgnoreCase(n)) {
                out.add(f.value);
            }
        }
        return out;
    }

    public int size() {
        return fields.size();
    }

    /** Names and values in wire order, for the encoder. */
    public List<Map.Entry<String, String>> entries() {
        List<Map.Entry<String, String>> out = new ArrayList<>(fields.size());
        for (Field f : fields) {
            out.add(Map.entry(f.name, f.value));
        }
        return Collections.unmodifiableList(out);
    }

    public SipHeaders copy() {
        SipHeaders c = new SipHeaders();
        c.fields.addAll(fields);
        return c;
    }
}
