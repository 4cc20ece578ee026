package nvr.gb28181.manscdp;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** An immutable element of a parsed MANSCDP document: name, attributes, trimmed text, child elements. */
public record XmlElement(String name, Map<String, String> attributes, String text, List<XmlElement> children) {
    public XmlElement {
        attributes = Map.copyOf(attributes);
        children = List.copyOf(children);
    }

    /** First child with this name (case-insensitive: devices disagree on DeviceID vs DeviceId), or null. */
    public XmlElement child(String childName) {
        for (XmlElement c : children) {
            if (c.name.equalsIgnoreCase(childName)) {
                return c;
            }
        }
        return null;
    }

    public List<XmlElement> children(String childName) {
        List<XmlElement> out = new ArrayList<>();
        for (XmlElement c : children) {
            if (c.name.equalsIgnoreCase(childName)) {
                out.add(c);
            }
        }
        return out;
    }

    /** Trimmed text of the first child with this name, or null when absent. */
    public String childText(String childName) {
        XmlElement c = child(childName);
        return c == null ? null : c.text;
    }
}
