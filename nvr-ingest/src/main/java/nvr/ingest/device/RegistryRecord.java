package nvr.ingest.device;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;

/**
 * Value format of the {@code devices} and {@code cameras} registry tables: UTF-8 {@code key=value} lines,
 * keys sorted, newline and backslash escaped. Human-readable in a RocksDB dump and tolerant of keys
 * written by other components (unknown keys are kept when we update a record).
 */
public final class RegistryRecord {
    private final TreeMap<String, String> fields;

    public RegistryRecord() {
        this.fields = new TreeMap<>();
    }

    private RegistryRecord(TreeMap<String, String> f) {
        this.fields = f;
    }

    /** Decodes a value; anything unreadable yields an empty record rather than an error (registry data is ours). */
    public static RegistryRecord decode(byte[] value) {
        TreeMap<String, String> f = new TreeMap<>();
        if (value != null) {
            for (String line : new String(value, StandardCharsets.UTF_8).split("\n")) {
                int eq = line.indexOf('=');
                if (eq > 0) {
                    f.put(line.substring(0, eq), unescape(line.substring(eq + 1)));
                }
            }
        }
        return new RegistryRecord(f);
    }

    public byte[] encode() {
        StringBuilder b = new StringBuilder();
        for (Map.Entry<String, String> e : fields.entrySet()) {
            b.append(e.getKey()).append('=').append(escape(e.getValue())).append('\n');
        }
        return b.toString().getBytes(StandardCharsets.UTF_8);
    }

    public String get(String key) {
        return fields.get(key);
    }

    /** Sets a field; null removes it. */
    public RegistryRecord put(String key, Object value) {
        if (value == null) {
            fields.remove(key);
        } else {
            fields.put(key, value.toString());
        }
        return this;
    }

    public Map<String, String> fields() {
        return java.util.Collections.unmodifiableMap(fields);
    }

    private static String escape(String v) {
        return v.replace("\\", "\\\\").replace("\n", "\\n").replace("\r", "\\r");
    }

    private static String unescape(String v) {
        StringBuilder b = new StringBuilder(v.length());
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            if (c == '\\' && i + 1 < v.length()) {
                char n = v.charAt(++i);
                b.append(n == 'n' ? '\n' : n == 'r' ? '\r' : n);
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }
}
