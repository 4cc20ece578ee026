package nvr.gb28181.sip;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import nvr.gb28181.WireFormatException;

/**
 * A sip: URI as GB/T 28181 uses it: {@code sip:34020000001320000001@3402000000} or
 * {@code sip:34020000001320000001@192.168.1.64:5060;transport=udp}. The user part is the 20-digit
 * device id. Headers ({@code ?...}) are not supported; they never occur in GB/T 28181 traffic.
 */
public record SipUri(String scheme, String user, String host, int port, Map<String, String> params) {
    public static SipUri parse(String text) throws WireFormatException {
        if (text == null) {
            throw new WireFormatException("sip", "missing SIP URI");
        }
        String s = text.trim();
        int colon = s.indexOf(':');
        if (colon <= 0) {
            throw new WireFormatException("sip", "URI has no scheme: " + SipParser.clip(s));
        }
        String scheme = s.substring(0, colon).toLowerCase(Locale.ROOT);
        if (!scheme.equals("sip") && !scheme.equals("sips")) {
            throw new WireFormatException("sip", "not a sip: URI: " + SipParser.clip(s));
        }
        String rest = s.substring(colon + 1);
        int q = rest.indexOf('?');
        if (q >= 0) {
            rest = rest.substring(0, q);
        }
        Map<String, String> params = new LinkedHashMap<>();
        int semi = rest.indexOf(';');
        if (semi >= 0) {
            SipParser.parseParams(rest.substring(semi + 1), params);
            rest = rest.substring(0, semi);
        }
        String user = null;
        int at = rest.lastIndexOf('@');
        if (at >= 0) {
            user = rest.substring(0, at);
            int pw = user.indexOf(':');
            if (pw >= 0) {
                user = user.substring(0, pw);
            }
            rest = rest.substring(at + 1);
        }
        String host = rest;
        int port = -1;
        if (host.startsWith("[")) {
            int end = host.indexOf(']');
            if (end < 0) {
                throw new WireFormatException("sip", "bad IPv6 host in URI: " + SipParser.clip(s));
            }
            String after = host.substring(end + 1);
            host = host.substring(0, end + 1);
            if (after.startsWith(":")) {
                port = parsePort(after.substring(1), s);
            }
        } else {
            int pc = host.indexOf(':');
            if (pc >= 0) {
                port = parsePort(host.substring(pc + 1), s);
                host = host.substring(0, pc);
            }
        }
        if (host.isEmpty()) {
            throw new WireFormatException("sip", "URI has no host: " + SipParser.clip(s));
        }
        return new SipUri(scheme, user, host, port, params);
    }

    static int parsePort(String p, String whole) throws WireFormatException {
        try {
            int port = Integer.parseInt(p.trim());
            if (port < 0 || port > 65535) {
                throw new NumberFormatException();
            }
            return port;
        } catch (NumberFormatException e) {
            throw new WireFormatException("sip", "bad port in " + SipParser.clip(whole));
        }
    }

    public static SipUri of(String user, String host, int port) {
        return new SipUri("sip", user, host, port, Map.of());
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder(scheme).append(':');
        if (user != null) {
            b.append(user).append('@');
        }
        b.append(host);
        if (port >= 0) {
            b.append(':').append(port);
        }
        SipParser.appendParams(b, params);
        return b.toString();
    }
}
