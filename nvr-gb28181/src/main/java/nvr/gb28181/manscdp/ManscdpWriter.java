package nvr.gb28181.manscdp;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;

/**
 * Writes a MANSCDP document in a given charset (answer in the charset the peer used; GB2312 by default as
 * devices expect). Usage: {@code new ManscdpWriter(ManscdpType.RESPONSE, "Catalog", sn, deviceId)
 * .field("SumNum", n).open("DeviceList", "Num", k)...close("DeviceList").toBytes(charset)}.
 * Values are escaped; characters the charset cannot encode become '?' rather than failing.
 */
public final class ManscdpWriter {
    public static final Charset GB2312 = Charset.forName("GB2312");
    private final StringBuilder b = new StringBuilder(512);
    private final ManscdpType type;
    private int indent = 1;

    public ManscdpWriter(ManscdpType type, String cmdType, long sn, String deviceId) {
        this.type = type;
        b.append('<').append(type.element()).append(">\r\n");
        field("CmdType", cmdType);
        field("SN", Long.toString(sn));
        field("DeviceID", deviceId);
    }

    public ManscdpWriter field(String name, String value) {
        if (value == null) {
            return this;
        }
        pad();
        b.append('<').append(name).append('>');
        escape(value);
        b.append("</").append(name).append(">\r\n");
        return this;
    }

    public ManscdpWriter field(String name, long value) {
        return field(name, Long.toString(value));
    }

    /** Opens a list element, e.g. {@code <DeviceList Num="3">}; attrName may be null. */
    public ManscdpWriter open(String name, String attrName, long attrValue) {
        pad();
        b.append('<').append(name);
        if (attrName != null) {
            b.append(' ').append(attrName).append("=\"").append(attrValue).append('"');
        }
        b.append(">\r\n");
        indent++;
        return this;
    }

    public ManscdpWriter open(String name) {
        return open(name, null, 0);
    }

    public ManscdpWriter close(String name) {
        indent--;
        pad();
        b.append("</").append(name).append(">\r\n");
        return this;
    }

    public byte[] toBytes(Charset charset) {
        Charset cs = charset == null ? GB2312 : charset;
        String name = cs.name().equalsIgnoreCase("GBK") || cs.name().equalsIgnoreCase("GB2312") ? cs.name().toUpperCase(java.util.Locale.ROOT)
                : cs.name();
        String doc = "<?xml version=\"1.0\" encoding=\"" + name + "\"?>\r\n" + b + "</" + type.element() + ">\r\n";
        return doc.getBytes(cs);
    }

    public String toText() {
        return new String(toBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8);
    }

    private void pad() {
        for (int i = 0; i < indent; i++) {
            b.append("  ");
        }
    }

    private void escape(String v) {
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            switch (c) {
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '&' -> b.append("&amp;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&apos;");
                default -> {
                    if (c < 0x20 && c != '\t' && c != '\n' && c != '\r') {
                        b.append(' '); // not representable in XML 1.0
                    } else {
                        b.append(c);
                    }
                }
            }
        }
    }
}
