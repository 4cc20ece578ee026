package nvr.gb28181.sip;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import nvr.gb28181.WireFormatException;

/**
 * Strict, bounded SIP message parser (RFC 3261 section 7). One call parses one complete message:
 * a UDP datagram, or a frame cut by {@link SipStreamFramer}. Header bytes are decoded as ISO-8859-1 so
 * that GBK display names survive a parse/encode round trip byte for byte. Every failure is a
 * {@link WireFormatException} with format "sip"; nothing allocates more than {@link SipLimits} allow.
 */
public final class SipParser {
    private final SipLimits limits;

    public SipParser(SipLimits limits) {
        this.limits = limits;
    }

    public SipParser() {
        this(SipLimits.DEFAULT);
    }

    public SipLimits limits() {
        return limits;
    }

    /** Parses a datagram: a missing Content-Length means the body is the rest of the datagram. */
    public SipMessage parseDatagram(byte[] data, int off, int len) throws WireFormatException {
        return parse(data, off, len, false);
    }

    public SipMessage parse(byte[] data) throws WireFormatException {
        return parse(data, 0, data.length, false);
    }

    /**
     * @param framed true when the bytes were cut by a stream framer (then Content-Length must match exactly)
     */
    public SipMessage parse(byte[] data, int off, int len, boolean framed) throws WireFormatException {
        int end = off + len;
        int p = off;
        while (p < end && (data[p] == '\r' || data[p] == '\n')) {
            p++; // RFC 5626 keepalive CRLFs before a message
        }
        if (p == end) {
            throw new WireFormatException("sip", "empty message");
        }
        int headerEnd = findHeaderEnd(data, p, Math.min(end, p + limits.maxHeaderBytes()));
        if (headerEnd < 0) {
            if (end - p > limits.maxHeaderBytes()) {
                throw new WireFormatException("sip", "header section longer than " + limits.maxHeaderBytes() + " bytes");
            }
            throw new WireFormatException("sip", "message has no blank line after the headers");
        }
        int bodyStart = headerEnd;
        List<String> lines = splitLines(data, p, headerEnd);
        if (lines.isEmpty()) {
            throw new WireFormatException("sip", "empty message");
        }
        SipHeaders headers = new SipHeaders();
        String pendingName = null;
        StringBuilder pendingValue = null;
        int count = 0;
        for (int i = 1; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.isEmpty()) {
                continue;
            }
            if (line.charAt(0) == ' ' || line.charAt(0) == '\t') {
                if (pendingName == null) {
                    throw new WireFormatException("sip", "continuation line before any header");
                }
                pendingValue.append(' ').append(line.trim());
                continue;
            }
            if (pendingName != null) {
                headers.add(pendingName, pendingValue.toString().trim());
            }
            int colon = line.indexOf(':');
            if (colon <= 0) {
                throw new WireFormatException("sip", "header line without a name: " + clip(line));
            }
            String name = line.substring(0, colon).trim();
            if (!isToken(name)) {
                throw new WireFormatException("sip", "bad header name: " + clip(name));
            }
            if (++count > limits.maxHeaders()) {
                throw new WireFormatException("sip", "more than " + limits.maxHeaders() + " header lines");
            }
            pendingName = name;
            pendingValue = new StringBuilder(line.length() - colon).append(line, colon + 1, line.length());
        }
        if (pendingName != null) {
            headers.add(pendingName, pendingValue.toString().trim());
        }

        String clText = headers.get("Content-Length");
        int available = end - bodyStart;
        int bodyLen;
        if (clText == null) {
            if (framed) {
                bodyLen = 0;
            } else {
                bodyLen = available;
            }
        } else {
            bodyLen = parseContentLength(clText, limits.maxBodyBytes());
            if (bodyLen > available) {
                throw new WireFormatException("sip", "Content-Length " + bodyLen + " but only " + available + " body bytes");
            }
            // A datagram may carry padding after the body; RFC 3261 18.3 says to ignore it.
        }
        if (bodyLen > limits.maxBodyBytes()) {
            throw new WireFormatException("sip", "body longer than " + limits.maxBodyBytes() + " bytes");
        }
        byte[] body = new byte[bodyLen];
        System.arraycopy(data, bodyStart, body, 0, bodyLen);

        SipMessage msg = parseStartLine(lines.get(0), headers, body);
        checkMandatory(msg);
        return msg;
    }

    static int parseContentLength(String text, int max) throws WireFormatException {
        String t = text.trim();
        if (t.isEmpty() || t.length() > 9) {
            throw new WireFormatException("sip", "bad Content-Length: " + clip(t));
        }
        for (int i = 0; i < t.length(); i++) {
            if (t.charAt(i) < '0' || t.charAt(i) > '9') {
                throw new WireFormatException("sip", "bad Content-Length: " + clip(t));
            }
        }
        int n = Integer.parseInt(t);
        if (n > max) {
            throw new WireFormatException("sip", "Content-Length " + n + " exceeds the limit of " + max);
        }
        return n;
    }

    private static SipMessage parseStartLine(String line, SipHeaders headers, byte[] body) throws WireFormatException {
        if (line.startsWith("SIP/")) {
            // SIP/2.0 200 OK
            int s1 = line.indexOf(' ');
            if (s1 < 0 || !line.substring(0, s1).equals("SIP/2.0")) {
                throw new WireFormatException("sip", "bad status line: " + clip(line));
            }
            int s2 = line.indexOf(' ', s1 + 1);
            String code = s2 < 0 ? line.substring(s1 + 1) : line.substring(s1 + 1, s2);
            if (code.length() != 3 || !Character.isDigit(code.charAt(0)) || !Character.isDigit(code.charAt(1))
                    || !Character.isDigit(code.charAt(2))) {
                throw new WireFormatException("sip", "bad status code: " + clip(line));
            }
            int status = Integer.parseInt(code);
            if (status < 100 || status > 699) {
                throw new WireFormatException("sip", "status code out of range: " + status);
            }
            return new SipResponse(status, s2 < 0 ? "" : line.substring(s2 + 1), headers, body);
        }
        String[] parts = line.split(" ", -1);
        if (parts.length != 3) {
            throw new WireFormatException("sip", "request line is not 'METHOD URI SIP/2.0': " + clip(line));
        }
        if (!isToken(parts[0]) || parts[1].isEmpty() || !parts[2].equals("SIP/2.0")) {
            throw new WireFormatException("sip", "request line is not 'METHOD URI SIP/2.0': " + clip(line));
        }
        SipUri.parse(parts[1]); // validates the Request-URI
        return new SipRequest(parts[0], parts[1], headers, body);
    }

    private static void checkMandatory(SipMessage msg) throws WireFormatException {
        for (String h : new String[] {"Via", "From", "To", "Call-ID", "CSeq"}) {
            if (msg.header(h) == null) {
                throw new WireFormatException("sip", "missing " + h + " header");
            }
        }
        CSeq cseq = msg.cseq();
        msg.topVia();
        msg.from();
        msg.to();
        if (msg.callId().isEmpty() || msg.callId().length() > 256) {
            throw new WireFormatException("sip", "bad Call-ID length");
        }
        if (msg instanceof SipRequest req && !req.method().equals(cseq.method())
                && !(req.method().equals("ACK") || req.method().equals("CANCEL"))) {
            throw new WireFormatException("sip", "CSeq method " + cseq.method() + " does not match " + req.method());
        }
    }

    /** Index just past the blank line ending the header section, or -1 if not within [from, to). */
    static int findHeaderEnd(byte[] d, int from, int to) {
        for (int i = from; i < to; i++) {
            if (d[i] == '\n') {
                if (i + 1 < to && d[i + 1] == '\n') {
                    return i + 2;
                }
                if (i + 2 < to && d[i + 1] == '\r' && d[i + 2] == '\n') {
                    return i + 3;
                }
            }
        }
        return -1;
    }

    private static List<String> splitLines(byte[] d, int from, int to) throws WireFormatException {
        List<String> lines = new ArrayList<>(16);
        int start = from;
        for (int i = from; i < to; i++) {
            byte b = d[i];
            if (b == '\n') {
                int e = i > start && d[i - 1] == '\r' ? i - 1 : i;
                lines.add(new String(d, start, e - start, StandardCharsets.ISO_8859_1));
                start = i + 1;
            } else if ((b >= 0 && b < 0x20 && b != '\t' && b != '\r') || b == 0x7f) {
                throw new WireFormatException("sip", "control character 0x" + Integer.toHexString(b) + " in header section");
            }
        }
        if (start < to) {
            lines.add(new String(d, start, to - start, StandardCharsets.ISO_8859_1));
        }
        return lines;
    }

    static boolean isToken(String s) {
        if (s.isEmpty() || s.length() > 64) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || "-.!%*_+`'~".indexOf(c) >= 0;
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    /** Parses {@code a=b;c;d="e"} into map (names lower-cased; valueless params map to ""). */
    static void parseParams(String text, Map<String, String> into) throws WireFormatException {
        if (text == null || text.isBlank()) {
            return;
        }
        int n = 0;
        for (String part : text.split(";")) {
            String p = part.trim();
            if (p.isEmpty()) {
                continue;
            }
            if (++n > 32) {
                throw new WireFormatException("sip", "more than 32 parameters");
            }
            int eq = p.indexOf('=');
            String name = (eq < 0 ? p : p.substring(0, eq)).trim().toLowerCase(java.util.Locale.ROOT);
            String value = eq < 0 ? "" : p.substring(eq + 1).trim();
            if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
                value = value.substring(1, value.length() - 1);
            }
            into.put(name, value);
        }
    }

    static void appendParams(StringBuilder b, Map<String, String> params) {
        for (Map.Entry<String, String> e : params.entrySet()) {
            b.append(';').append(e.getKey());
            if (!e.getValue().isEmpty()) {
                b.append('=').append(e.getValue());
            }
        }
    }

    /** Splits on commas outside quotes and angle brackets. */
    static List<String> splitComma(String s) {
        List<String> out = new ArrayList<>(2);
        boolean quoted = false;
        int angle = 0;
        int start = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' && (i == 0 || s.charAt(i - 1) != '\\')) {
                quoted = !quoted;
            } else if (!quoted && c == '<') {
                angle++;
            } else if (!quoted && c == '>' && angle > 0) {
                angle--;
            } else if (!quoted && angle == 0 && c == ',') {
                out.add(s.substring(start, i).trim());
                start = i + 1;
            }
        }
        out.add(s.substring(start).trim());
        return out;
    }

    /** Shortens untrusted text for error messages. */
    static String clip(String s) {
        if (s == null) {
            return "null";
        }
        String t = s.length() > 80 ? s.substring(0, 80) + "..." : s;
        StringBuilder b = new StringBuilder(t.length());
        for (int i = 0; i < t.length(); i++) {
            char c = t.charAt(i);
            b.append(c < 0x20 || c == 0x7f ? '?' : c);
        }
        return b.toString();
    }
}
