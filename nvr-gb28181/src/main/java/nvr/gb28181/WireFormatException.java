package nvr.gb28181;

/** The one error a wire-format parser throws on bad input; {@link #format()} names the counter to bump. */
public class WireFormatException extends Exception {
    private final String format;

    public WireFormatException(String format, String message) {
        super(message, null, false, false); // no stack trace: garbage input is routine, not exceptional
        this.format = format;
    }

    /** Short name of the wire format that failed, e.g. "rtp", "ps", "sip"; used as a metric tag. */
    public String format() {
        return format;
    }
}
