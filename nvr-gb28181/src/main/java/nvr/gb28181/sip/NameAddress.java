package nvr.gb28181.sip;

import java.util.LinkedHashMap;
import java.util.Map;
import nvr.gb28181.WireFormatException;

/**
 * A From/To/Contact value: optional display name, URI and header parameters such as {@code tag}.
 * Without angle brackets, everything after the first ';' is a header parameter (RFC 3261 20.10).
 */
public record NameAddress(String displayName, SipUri uri, Map<String, String> params) {
    public static NameAddress parse(String text) throws WireFormatException {
        if (text == null) {
            throw new WireFormatException("sip", "missing address header");
        }
        String s = text.trim();
        String display = null;
        String uriText;
        String paramText = "";
        int lt = s.indexOf('<');
        if (lt >= 0) {
            int gt = s.indexOf('>', lt);
            if (gt < 0) {
                throw new WireFormatException("sip", "unterminated '<' in address: " + SipParser.clip(s));
            }
            display = s.substring(0, lt).trim();
            if (display.startsWith("\"") && display.endsWith("\"") && display.length() >= 2) {
                display = display.substring(1, display.length() - 1);
            }
            if (display.isEmpty()) {
                display = null;
            }
            uriText = s.substring(lt + 1, gt);
            paramText = s.substring(gt + 1).trim();
            if (paramText.startsWith(";")) {
                paramText = paramText.substring(1);
            }
        } else {
            int semi = s.indexOf(';');
            uriText = semi < 0 ? s : s.substring(0, semi);
            paramText = semi < 0 ? "" : s.substring(semi + 1);
        }
        Map<String, String> params = new LinkedHashMap<>();
        SipParser.parseParams(paramText, params);
        return new NameAddress(display, SipUri.parse(uriText), params);
    }

    public String tag() {
        return params.get("tag");
    }

    /** The user part of the URI, in GB/T 28181 the 20-digit id. */
    public String user() {
        return uri.user();
    }

    public NameAddress withTag(String tag) {
        Map<String, String> p = new LinkedHashMap<>(params);
        p.put("tag", tag);
        return new NameAddress(displayName, uri, p);
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder();
        if (displayName != null) {
            b.append('"').append(displayName).append("\" ");
        }
        b.append('<').append(uri).append('>');
        SipParser.appendParams(b, params);
        return b.toString();
    }
}
