package nvr.gb28181.sip;

import java.nio.charset.StandardCharsets;
import nvr.gb28181.WireFormatException;

/** A SIP request or response: start line, ordered headers and an opaque body (RFC 3261 section 7). */
public abstract sealed class SipMessage permits SipRequest, SipResponse {
    private final SipHeaders headers;
    private byte[] body;

    protected SipMessage(SipHeaders headers, byte[] body) {
        this.headers = headers;
        this.body = body == null ? new byte[0] : body;
    }

    public SipHeaders headers() {
        return headers;
    }

    public byte[] body() {
        return body;
    }

    public void body(String contentType, byte[] newBody) {
        this.body = newBody == null ? new byte[0] : newBody;
        if (contentType != null) {
            headers.set("Content-Type", contentType);
        } else {
            headers.remove("Content-Type");
        }
    }

    public String bodyText() {
        return new String(body, StandardCharsets.UTF_8);
    }

    public String header(String name) {
        return headers.get(name);
    }

    public String callId() {
        return headers.get("Call-ID");
    }

    /** Content-Type without parameters, lower case, or null. */
    public String contentType() {
        String ct = headers.get("Content-Type");
        if (ct == null) {
            return null;
        }
        int semi = ct.indexOf(';');
        return (semi < 0 ? ct : ct.substring(0, semi)).trim().toLowerCase(java.util.Locale.ROOT);
    }

    public CSeq cseq() throws WireFormatException {
        return CSeq.parse(headers.get("CSeq"));
    }

    public NameAddress from() throws WireFormatException {
        return NameAddress.parse(headers.get("From"));
    }

    public NameAddress to() throws WireFormatException {
        return NameAddress.parse(headers.get("To"));
    }

    /** The first (topmost) Via. */
    public Via topVia() throws WireFormatException {
        return Via.parseAll(headers.get("Via")).get(0);
    }

    /** Expires header as seconds, or {@code fallback} when absent or not a number. */
    public int expires(int fallback) {
        String e = headers.get("Expires");
        if (e == null) {
            return fallback;
        }
        try {
            return Integer.parseInt(e.trim());
        } catch (NumberFormatException ex) {
            return fallback;
        }
    }

    /** The wire bytes; Content-Length is (re)computed from the body. */
    public byte[] encode() {
        return SipEncoder.encode(this);
    }

    /** The start line without CRLF. */
    public abstract String startLine();

    @Override
    public String toString() {
        return new String(encode(), StandardCharsets.ISO_8859_1);
    }
}
