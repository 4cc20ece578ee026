package nvr.gb28181.mansrtsp;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import nvr.gb28181.WireFormatException;

/** Parses a MANSRTSP request body (bytes of a SIP INFO) into a {@link MansRtspRequest}. Stateless. */
public final class MansRtspParser {
    public static final int MAX_BYTES = 4096;
    public static final int MAX_LINES = 32;
    /** Largest accepted npt in seconds (about 100 years): anything above is garbage, not a seek. */
    static final double MAX_NPT_SECONDS = 3.2e9;
    private static final String FORMAT = "mansrtsp";

    private MansRtspParser() {
    }

    public static MansRtspRequest parse(byte[] body) throws WireFormatException {
        if (body == null || body.length == 0) {
            throw error("empty body");
        }
        if (body.length > MAX_BYTES) {
            throw error("body of " + body.length + " bytes exceeds " + MAX_BYTES);
        }
        for (byte b : body) {
            // control characters other than CR/LF/TAB mean binary garbage, not a text message
            if ((b < 0x20 && b != '\r' && b != '\n' && b != '\t') || b == 0x7F) {
                throw error("non-text byte 0x" + Integer.toHexString(b & 0xFF));
            }
        }
        String text = new String(body, StandardCharsets.UTF_8);
        String[] lines = text.split("\r?\n", MAX_LINES + 2);
        if (lines.length > MAX_LINES + 1) {
            throw error("more than " + MAX_LINES + " lines");
        }
        String[] requestLine = lines[0].trim().split("[ \t]+");
        if (requestLine.length != 2 || !requestLine[1].toUpperCase(Locale.ROOT).startsWith("RTSP/")) {
            throw error("bad request line '" + clip(lines[0]) + "'");
        }
        MansRtspMethod method;
        try {
            method = MansRtspMethod.valueOf(requestLine[0].toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw error("unsupported method '" + clip(requestLine[0]) + "'");
        }
        int cseq = -1;
        double scale = Double.NaN;
        NptRange range = null;
        boolean pauseNow = method == MansRtspMethod.PAUSE;
        for (int i = 1; i < lines.length; i++) {
            String line = lines[i];
            if (line.isBlank()) {
                break; // end of headers; MANSRTSP has no body
            }
            int colon = line.indexOf(':');
            if (colon <= 0) {
                throw error("header line without ':' '" + clip(line) + "'");
            }
            String name = line.substring(0, colon).trim().toLowerCase(Locale.ROOT);
            String value = line.substring(colon + 1).trim();
            switch (name) {
                case "cseq" -> cseq = parseCseq(value);
                case "scale" -> scale = parseScale(value);
                case "range" -> range = parseRange(value);
                case "pausetime" -> {
                    if (!value.equalsIgnoreCase("now")) {
                        parseSeconds(value, "PauseTime"); // a time is valid; we pause on receipt anyway
                    }
                    pauseNow = true;
                }
                default -> { } // unknown headers are ignored, as RTSP requires
            }
        }
        if (cseq < 0) {
            throw error("missing CSeq");
        }
        return new MansRtspRequest(method, cseq, scale, range, pauseNow);
    }

    private static int parseCseq(String value) throws WireFormatException {
        if (value.isEmpty() || value.length() > 10) {
            throw error("bad CSeq '" + clip(value) + "'");
        }
        long v = 0;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < '0' || c > '9') {
                throw error("bad CSeq '" + clip(value) + "'");
            }
            v = v * 10 + (c - '0');
        }
        if (v > Integer.MAX_VALUE) {
            throw error("CSeq out of range");
        }
        return (int) v;
    }

    private static double parseScale(String value) throws WireFormatException {
        double s = parseDecimal(value, "Scale");
        if (!(s > 0) || s > 64) {
            throw error("Scale " + clip(value) + " out of range (0, 64]");
        }
        return s;
    }

    private static NptRange parseRange(String value) throws WireFormatException {
        String v = value.trim();
        if (!v.regionMatches(true, 0, "npt=", 0, 4)) {
            throw error("Range is not npt '" + clip(value) + "'");
        }
        v = v.substring(4).trim();
        int dash = v.indexOf('-', 1); // a leading '-' would be a sign, which npt does not allow anyway
        if (dash < 0) {
            throw error("Range without '-' '" + clip(value) + "'");
        }
        String from = v.substring(0, dash).trim();
        String to = v.substring(dash + 1).trim();
        double start = from.equalsIgnoreCase("now") ? Double.NaN : parseSeconds(from, "Range start");
        double end = to.isEmpty() ? Double.NaN : parseSeconds(to, "Range end");
        if (!Double.isNaN(start) && !Double.isNaN(end) && end < start) {
            throw error("Range end before start '" + clip(value) + "'");
        }
        return new NptRange(start, end);
    }

    /** npt-sec (decimal in any notation) or npt-hhmmss ({@code h:mm:ss[.f]}). */
    static double parseSeconds(String value, String what) throws WireFormatException {
        if (value.indexOf(':') >= 0) {
            String[] parts = value.split(":", -1);
            if (parts.length != 3 || parts[0].isEmpty() || parts[0].length() > 6
                    || parts[1].length() != 2 || parts[2].isEmpty()) {
                throw error("bad " + what + " '" + clip(value) + "'");
            }
            double h = parseDecimal(parts[0], what);
            double m = parseDecimal(parts[1], what);
            double s = parseDecimal(parts[2], what);
            if (h != Math.floor(h) || m != Math.floor(m) || m >= 60 || s >= 60) {
                throw error("bad " + what + " '" + clip(value) + "'");
            }
            return check(h * 3600 + m * 60 + s, value, what);
        }
        return check(parseDecimal(value, what), value, what);
    }

    private static double check(double seconds, String value, String what) throws WireFormatException {
        if (seconds < 0 || seconds > MAX_NPT_SECONDS) {
            throw error(what + " out of range '" + clip(value) + "'");
        }
        return seconds;
    }

    /** Digits with optional fraction and exponent ({@code 12}, {@code 12.}, {@code .5}, {@code 1.2E1}, {@code +3}). */
    private static double parseDecimal(String value, String what) throws WireFormatException {
        if (value.isEmpty() || value.length() > 32 || !value.matches("[+]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d{1,3})?")) {
            throw error("bad " + what + " '" + clip(value) + "'");
        }
        double d = Double.parseDouble(value);
        if (Double.isNaN(d) || Double.isInfinite(d)) {
            throw error("bad " + what + " '" + clip(value) + "'");
        }
        return d;
    }

    private static String clip(String s) {
        return s.length() <= 40 ? s : s.substring(0, 40) + "...";
    }

    private static WireFormatException error(String message) {
        return new WireFormatException(FORMAT, message);
    }
}
