package nvr.gb28181.sip;

/** A SIP request: method and Request-URI plus headers and body. */
public final class SipRequest extends SipMessage {
    private final String method;
    private final String uri;

    public SipRequest(String method, String uri, SipHeaders headers, byte[] body) {
        super(headers, body);
        this.method = method;
        this.uri = uri;
    }

    public String method() {
        return method;
    }

    /** The Request-URI as sent. */
    public String uri() {
        return uri;
    }

    public boolean isMethod(String m) {
        return method.equals(m);
    }

    @Override
    public String startLine() {
        return method + " " + uri + " SIP/2.0";
    }

    /**
     * A response to this request that copies Via, From, To, Call-ID and CSeq (RFC 3261 8.2.6.2);
     * adds {@code toTag} to To when the request's To has no tag yet and toTag is not null.
     */
    public SipResponse createResponse(int status, String reason, String toTag) {
        SipHeaders h = new SipHeaders();
        for (String via : headers().getAll("Via")) {
            h.add("Via", via);
        }
        copy(h, "From");
        String to = header("To");
        if (to != null) {
            if (toTag != null && !to.toLowerCase(java.util.Locale.ROOT).contains(";tag=")) {
                to = to + ";tag=" + toTag;
            }
            h.add("To", to);
        }
        copy(h, "Call-ID");
        copy(h, "CSeq");
        return new SipResponse(status, reason == null ? SipResponse.reasonFor(status) : reason, h, null);
    }

    private void copy(SipHeaders h, String name) {
        String v = header(name);
        if (v != null) {
            h.add(name, v);
        }
    }
}
