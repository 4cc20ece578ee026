package nvr.gb28181.sip;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import nvr.gb28181.WireFormatException;

/**
 * One Via hop: {@code SIP/2.0/UDP host:port;branch=z9hG4bK...;rport}. The branch identifies the
 * transaction; {@code received}/{@code rport} tell where a response must really go behind NAT (RFC 3581).
 */
public record Via(String transport, String host, int port, Map<String, String> params) {
    public static final String MAGIC_COOKIE = "z9hG4bK";

    /** Every hop of one Via header value, which may hold several comma-separated hops. */
    public static List<Via> parseAll(String value) throws WireFormatException {
        if (value == null) {
            throw new WireFormatException("sip", "missing Via header");
        }
        List<Via> out = new ArrayList<>(1);
        for (String part : SipParser.splitComma(value)) {
            if (!part.isBlank()) {
                out.add(parse(part));
            }
        }
        if (out.isEmpty()) {
            throw new WireFormatException("sip", "empty Via header");
        }
        return out;
    }

    public static Via parse(String text) throws WireFormatException {
        String s = text.trim();
        int sp = indexOfWs(s);
        if (sp < 0) {
            throw new WireFormatException("sip", "Via has no sent-by: " + SipParser.clip(s));
        }
        String proto = s.substring(0, sp).replace(" ", "");
        String[] pp = proto.split("/");
        if (pp.length != 3 || !pp[0].equalsIgnoreCase("SIP")) {
            throw new WireFormatException("sip", "Via protocol is not SIP/2.0/<transport>: " + SipParser.clip(s));
        }
        String rest = s.substring(sp).trim();
        Map<String, String> params = new LinkedHashMap<>();
        int semi = rest.indexOf(';');
        String sentBy = semi < 0 ? rest : rest.substring(0, semi).trim();
        if (semi >= 0) {
            SipParser.parseParams(rest.substring(semi + 1), params);
        }
        String host = sentBy;
        int port = -1;
        int colon = sentBy.lastIndexOf(':');
        if (colon > 0 && !sentBy.endsWith("]")) {
            host = sentBy.substring(0, colon);
            port = SipUri.parsePort(sentBy.substring(colon + 1), s);
        }
        if (host.isEmpty()) {
            throw new WireFormatException("sip", "Via has an empty host: " + SipParser.clip(s));
        }
        return new Via(pp[2].toUpperCase(Locale.ROOT), host, port, params);
    }

    private static int indexOfWs(String s) {
        // "SIP / 2.0 / UDP host" is legal LWS; find the whitespace after the transport token.
        int slashes = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '/') {
                slashes++;
            } else if ((c == ' ' || c == '\t') && slashes >= 2) {
                int j = i;
                while (j < s.length() && (s.charAt(j) == ' ' || s.charAt(j) == '\t')) {
                    j++;
                }
                if (j < s.length() && s.charAt(j) != '/' && s.charAt(i - 1) != '/') {
                    return i;
                }
            }
        }
        return -1;
    }

    public String branch() {
        return params.get("branch");
    }

    public Via with(String name, String value) {
        Map<String, String> p = new LinkedHashMap<>(params);
        p.put(name, value);
        return new Via(transport, host, port, p);
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder("SIP/2.0/").append(transport).append(' ').append(host);
        if (port >= 0) {
            b.append(':').append(port);
        }
        SipParser.appendParams(b, params);
        return b.toString();
    }
}
