package nvr.gb28181.sip;

/** A SIP response: status code and reason phrase plus headers and body. */
public final class SipResponse extends SipMessage {
    private final int status;
    private final String reason;

    public SipResponse(int status, String reason, SipHeaders headers, byte[] body) {
        super(headers, body);
        this.status = status;
        this.reason = reason;
    }

    public int status() {
        return status;
    }

    public String reason() {
        return reason;
    }

    public boolean isProvisional() {
        return status < 200;
    }

    public boolean isSuccess() {
        return status >= 200 && status < 300;
    }

    @Override
    public String startLine() {
        return "SIP/2.0 " + status + " " + reason;
    }

    /** Standard reason phrases for the codes this NVR sends. */
    public static String reasonFor(int status) {
        return switch (status) {
            case 100 -> "Trying";
            case 180 -> "Ringing";
            case 200 -> "OK";
            case 400 -> "Bad Request";
            case 401 -> "Unauthorized";
            case 403 -> "Forbidden";
            case 404 -> "Not Found";
            case 405 -> "Method Not Allowed";
            case 408 -> "Request Timeout";
            case 415 -> "Unsupported Media Type";
            case 423 -> "Interval Too Brief";
            case 481 -> "Call/Transaction Does Not Exist";
            case 486 -> "Busy Here";
            case 488 -> "Not Acceptable Here";
            case 500 -> "Server Internal Error";
            case 501 -> "Not Implemented";
            case 503 -> "Service Unavailable";
            default -> status < 300 ? "OK" : "Error";
        };
    }
}
