package nvr.cli.config;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * One YAML mapping of the config with its key path. Typed getters check and consume keys;
 * {@link #rejectUnknown()} then fails on any key nobody asked for, so typos never pass silently.
 */
final class YamlSection {
    private final String path;
    private final Map<String, Object> map;
    private final List<String> allowed = new ArrayList<>();

    private YamlSection(String path, Map<String, Object> map) {
        this.path = path;
        this.map = map;
    }

    static YamlSection of(String path, Object node) throws ConfigException {
        if (node == null) {
            return new YamlSection(path, Map.of());
        }
        if (!(node instanceof Map<?, ?> raw)) {
            throw new ConfigException(path, where(path) + "must be a mapping of keys, got " + describe(node));
        }
        Map<String, Object> map = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : raw.entrySet()) {
            if (!(e.getKey() instanceof String key)) {
                throw new ConfigException(path, where(path) + "key " + describe(e.getKey()) + " is not a name");
            }
            map.put(key, e.getValue());
        }
        return new YamlSection(path, map);
    }

    String child(String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    Object raw(String key) {
        if (!allowed.contains(key)) {
            allowed.add(key);
        }
        return map.get(key);
    }

    boolean has(String key) {
        if (!allowed.contains(key)) {
            allowed.add(key);
        }
        return map.containsKey(key) && map.get(key) != null;
    }

    YamlSection section(String key) throws ConfigException {
        return of(child(key), raw(key));
    }

    List<Object> list(String key) throws ConfigException {
        Object v = raw(key);
        if (v == null) {
            return List.of();
        }
        if (!(v instanceof List<?> l)) {
            throw new ConfigException(child(key), where(child(key)) + "must be a list, e.g. [] or [a, b], got " + describe(v));
        }
        return new ArrayList<>(l);
    }

    String string(String key, String dflt, Pattern allowedPattern, String allowedText) throws ConfigException {
        Object v = raw(key);
        if (v == null) {
            if (dflt == null) {
                throw new ConfigException(child(key), where(child(key)) + "is required; allowed: " + allowedText);
            }
            return dflt;
        }
        if (!(v instanceof String s)) {
            throw new ConfigException(child(key), where(child(key)) + describe(v) + " is not allowed; allowed: "
                    + allowedText + " (quote it)");
        }
        if (allowedPattern != null && !allowedPattern.matcher(s).matches()) {
            throw new ConfigException(child(key), where(child(key)) + quote(s) + " is not allowed; allowed: " + allowedText);
        }
        return s;
    }

    /** A string that matches {@code pattern} (else a ConfigException naming {@code allowedText}), as a matched Matcher. */
    java.util.regex.Matcher matched(String key, String dflt, java.util.regex.Pattern pattern, String allowedText)
            throws ConfigException {
        java.util.regex.Matcher m = pattern.matcher(string(key, dflt, pattern, allowedText));
        m.matches(); // string() checked it
        return m;
    }

    /** The one-line error for a value of {@code key} that has the right form but is out of bounds. */
    ConfigException notAllowed(String key, String value, String allowedText) {
        return new ConfigException(child(key), where(child(key)) + quote(value) + " is not allowed; allowed: " + allowedText);
    }

    String choice(String key, String dflt, String... choices) throws ConfigException {
        String s = string(key, dflt, null, String.join(" | ", choices));
        for (String c : choices) {
            if (c.equals(s)) {
                return s;
            }
        }
        throw new ConfigException(child(key), where(child(key)) + quote(s) + " is not allowed; allowed: " + String.join(" | ", choices));
    }

    long integer(String key, Long dflt, long min, long max) throws ConfigException {
        Object v = raw(key);
        String range = min + ".." + max;
        if (v == null) {
            if (dflt == null) {
                throw new ConfigException(child(key), where(child(key)) + "is required; allowed: an integer " + range);
            }
            return dflt;
        }
        long n;
        if (v instanceof Integer || v instanceof Long) {
            n = ((Number) v).longValue();
        } else if (v instanceof BigInteger) {
            throw new ConfigException(child(key), where(child(key)) + v + " is out of range; allowed: " + range);
        } else {
            throw new ConfigException(child(key), where(child(key)) + describe(v) + " is not allowed; allowed: an integer " + range);
        }
        if (n < min || n > max) {
            throw new ConfigException(child(key), where(child(key)) + n + " is out of range; allowed: " + range);
        }
        return n;
    }

    /** Fails on the first key that no getter consumed. */
    void rejectUnknown() throws ConfigException {
        for (String key : map.keySet()) {
            if (!allowed.contains(key)) {
                throw new ConfigException(child(key), where(child(key)) + "unknown key; allowed here: " + String.join(", ", allowed));
            }
        }
    }

    static String where(String path) {
        return path.isEmpty() ? "" : path + ": ";
    }

    static String describe(Object v) {
        if (v == null) {
            return "nothing";
        }
        if (v instanceof String s) {
            return quote(s);
        }
        if (v instanceof Map) {
            return "a mapping";
        }
        if (v instanceof List) {
            return "a list";
        }
        if (v instanceof Boolean b) {
            return b.toString();
        }
        if (v instanceof Number) {
            return v.toString();
        }
        return "a " + v.getClass().getSimpleName().toLowerCase(java.util.Locale.ROOT);
    }

    static String quote(String s) {
        String shown = s.length() > 60 ? s.substring(0, 60) + "..." : s;
        StringBuilder b = new StringBuilder("\"");
        for (char c : shown.toCharArray()) {
            b.append(c < 0x20 || c == 0x7f ? String.format("\\u%04x", (int) c) : c);
        }
        return b.append('"').toString();
    }
}
