package nvr.gb28181.sdp;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import nvr.gb28181.WireFormatException;

/**
 * Bounded SDP parser. Accepts what GB/T 28181 devices send (LF or CRLF, y=/f= anywhere after m=, a
 * missing o= from some IPCs) and rejects anything malformed with a {@link WireFormatException}
 * ("sdp"). Unknown line types are skipped as RFC 4566 allows.
 */
public final class SdpParser {
    public static final int MAX_BYTES = 16 * 1024;
    public static final int MAX_LINES = 256;
    public static final int MAX_MEDIA = 8;

    private SdpParser() {
    }

    public static SessionDescription parse(byte[] body) throws WireFormatException {
        if (body == null || body.length == 0) {
            throw new WireFormatException("sdp", "empty SDP body");
        }
        if (body.length > MAX_BYTES) {
            throw new WireFormatException("sdp", "SDP longer than " + MAX_BYTES + " bytes");
        }
        return parse(new String(body, StandardCharsets.UTF_8));
    }

    public static SessionDescription parse(String text) throws WireFormatException {
        if (text.length() > MAX_BYTES) {
            throw new WireFormatException("sdp", "SDP longer than " + MAX_BYTES + " bytes");
        }
        String[] lines = text.split("\r?\n", MAX_LINES + 2);
        if (lines.length > MAX_LINES) {
            throw new WireFormatException("sdp", "SDP has more than " + MAX_LINES + " lines");
        }
        String oUser = "-", oSess = "0", oVer = "0", oAddr = null, s = null, u = null, c = null, y = null, f = null;
        long start = 0, stop = 0;
        boolean sawV = false, sawT = false;
        List<SdpAttribute> sessionAttrs = new ArrayList<>();
        List<MediaDescription> media = new ArrayList<>();
        // current media section under construction
        String mMedia = null, mProto = null, mConn = null;
        int mPort = 0;
        List<String> mFormats = null;
        List<SdpAttribute> mAttrs = null;
        for (String raw : lines) {
            String line = raw.strip();
            if (line.isEmpty()) {
                continue;
            }
            if (line.length() < 2 || line.charAt(1) != '=') {
                throw new WireFormatException("sdp", "line is not 'x=value': " + clip(line));
            }
            char type = line.charAt(0);
            String v = line.substring(2).trim();
            switch (type) {
                case 'v' -> {
                    if (!v.equals("0")) {
                        throw new WireFormatException("sdp", "unsupported SDP version " + clip(v));
                    }
                    sawV = true;
                }
                case 'o' -> {
                    String[] p = v.split("\\s+");
                    if (p.length != 6) {
                        throw new WireFormatException("sdp", "o= needs 6 fields: " + clip(v));
                    }
                    oUser = p[0];
                    oSess = p[1];
                    oVer = p[2];
                    oAddr = p[5];
                }
                case 's' -> s = v;
                case 'u' -> u = v;
                case 'c' -> {
                    String[] p = v.split("\\s+");
                    if (p.length != 3 || !p[0].equals("IN")) {
                        throw new WireFormatException("sdp", "c= is not 'IN IP4 address': " + clip(v));
                    }
                    String addr = p[2];
                    int slash = addr.indexOf('/');
                    if (slash >= 0) {
                        addr = addr.substring(0, slash);
                    }
                    if (mMedia != null) {
                        mConn = addr;
                    } else {
                        c = addr;
                    }
                }
                case 't' -> {
                    String[] p = v.split("\\s+");
                    if (p.length != 2) {
                        throw new WireFormatException("sdp", "t= needs start and stop: " + clip(v));
                    }
                    start = parseTime(p[0]);
                    stop = parseTime(p[1]);
                    sawT = true;
                }
                case 'm' -> {
                    if (mMedia != null) {
                        media.add(new MediaDescription(mMedia, mPort, mProto, mFormats, mConn, mAttrs));
                    }
                    if (media.size() >= MAX_MEDIA) {
                        throw new WireFormatException("sdp", "more than " + MAX_MEDIA + " m= sections");
                    }
                    String[] p = v.split("\\s+");
                    if (p.length < 3) {
                        throw new WireFormatException("sdp", "m= needs media, port and proto: " + clip(v));
                    }
                    mMedia = p[0];
                    String portText = p[1];
                    int slash = portText.indexOf('/');
                    if (slash >= 0) {
                        portText = portText.substring(0, slash);
                    }
                    mPort = parsePort(portText);
                    mProto = p[2];
                    mFormats = new ArrayList<>();
                    for (int i = 3; i < p.length; i++) {
                        mFormats.add(p[i]);
                    }
                    mConn = null;
                    mAttrs = new ArrayList<>();
                }
                case 'a' -> {
                    int colon = v.indexOf(':');
                    SdpAttribute a = colon < 0 ? new SdpAttribute(v, null)
                            : new SdpAttribute(v.substring(0, colon), v.substring(colon + 1));
                    if (a.name().isEmpty()) {
                        throw new WireFormatException("sdp", "attribute without a name: " + clip(v));
                    }
                    (mAttrs != null ? mAttrs : sessionAttrs).add(a);
                }
                case 'y' -> {
                    if (v.isEmpty() || v.length() > 10 || !v.chars().allMatch(Character::isDigit)) {
                        throw new WireFormatException("sdp", "y= SSRC is not up to 10 decimal digits: " + clip(v));
                    }
                    if (Long.parseLong(v) > 0xFFFFFFFFL) {
                        throw new WireFormatException("sdp", "y= SSRC exceeds 32 bits: " + v);
                    }
                    y = v;
                }
                case 'f' -> f = v;
                default -> {
                    // b=, k=, r=, z=, i=, e=, p=: allowed, not used by GB/T 28181
                }
            }
        }
        if (mMedia != null) {
            media.add(new MediaDescription(mMedia, mPort, mProto, mFormats, mConn, mAttrs));
        }
        if (!sawV) {
            throw new WireFormatException("sdp", "SDP has no v= line");
        }
        if (s == null) {
            throw new WireFormatException("sdp", "SDP has no s= line");
        }
        if (!sawT) {
            start = 0;
            stop = 0;
        }
        if (oAddr == null) {
            oAddr = c;
        }
        return new SessionDescription(oUser, oSess, oVer, oAddr, s, u, c, start, stop, sessionAttrs, media, y, f);
    }

    private static long parseTime(String t) throws WireFormatException {
        if (t.isEmpty() || t.length() > 12 || !t.chars().allMatch(Character::isDigit)) {
            throw new WireFormatException("sdp", "t= value is not a number: " + clip(t));
        }
        return Long.parseLong(t);
    }

    private static int parsePort(String p) throws WireFormatException {
        if (p.isEmpty() || p.length() > 5 || !p.chars().allMatch(Character::isDigit)) {
            throw new WireFormatException("sdp", "m= port is not a number: " + clip(p));
        }
        int port = Integer.parseInt(p);
        if (port > 65535) {
            throw new WireFormatException("sdp", "m= port out of range: " + port);
        }
        return port;
    }

    private static String clip(String s) {
        String t = s.length() > 80 ? s.substring(0, 80) + "..." : s;
        return t.replaceAll("\\p{Cntrl}", "?");
    }
}
