package nvr.cli.output;

import java.util.Collection;
import java.util.Map;
import nvr.storage.json.JsonText;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * JSON for the admin API and {@code --json}: written from plain maps/lists/records-as-maps; read back with
 * SnakeYAML's safe loader (JSON is a YAML flow document), so no JSON library is needed.
 */
public final class Json {
    private Json() {
    }

    public static String write(Object value) {
        StringBuilder b = new StringBuilder();
        write(b, value);
        return b.toString();
    }

    private static void write(StringBuilder b, Object v) {
        if (v == null) {
            b.append("null");
        } else if (v instanceof String s) {
            string(b, s);
        } else if (v instanceof Number || v instanceof Boolean) {
            if (v instanceof Double d && (d.isNaN() || d.isInfinite())) {
                b.append("null");
            } else {
                b.append(v);
            }
        } else if (v instanceof Map<?, ?> m) {
            b.append('{');
            boolean first = true;
            for (Map.Entry<?, ?> e : m.entrySet()) {
                if (!first) {
                    b.append(',');
                }
                first = false;
                string(b, String.valueOf(e.getKey()));
                b.append(':');
                write(b, e.getValue());
            }
            b.append('}');
        } else if (v instanceof Collection<?> c) {
            b.append('[');
            boolean first = true;
            for (Object o : c) {
                if (!first) {
                    b.append(',');
                }
                first = false;
                write(b, o);
            }
            b.append(']');
        } else if (v instanceof Enum<?> e) {
            string(b, e.name());
        } else {
            string(b, v.toString());
        }
    }

    private static void string(StringBuilder b, String s) {
        JsonText.appendQuoted(b, s);
    }

    /** Parses a JSON document into maps, lists, strings, numbers, booleans and nulls. */
    public static Object parse(String text) {
        LoaderOptions o = new LoaderOptions();
        o.setMaxAliasesForCollections(0);
        o.setNestingDepthLimit(20);
        o.setCodePointLimit(64 << 20);
        return new Yaml(new SafeConstructor(o)).load(text);
    }
}
