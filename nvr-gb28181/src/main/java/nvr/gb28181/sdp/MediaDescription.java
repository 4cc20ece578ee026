package nvr.gb28181.sdp;

import java.util.ArrayList;
import java.util.List;

/**
 * One {@code m=} section: {@code m=video 30000 RTP/AVP 96 98} (UDP) or {@code m=video 30000 TCP/RTP/AVP 96}
 * (RFC 4571 framing over TCP), its optional {@code c=} and its {@code a=} attributes in order.
 */
public record MediaDescription(String media, int port, String proto, List<String> formats, String connectionAddress,
                               List<SdpAttribute> attributes) {
    public MediaDescription {
        formats = List.copyOf(formats);
        attributes = List.copyOf(attributes);
    }

    /** First value of attribute {@code name}, "" for a flag attribute, null when absent. */
    public String attribute(String name) {
        for (SdpAttribute a : attributes) {
            if (a.name().equalsIgnoreCase(name)) {
                return a.value() == null ? "" : a.value();
            }
        }
        return null;
    }

    public List<String> attributes(String name) {
        List<String> out = new ArrayList<>();
        for (SdpAttribute a : attributes) {
            if (a.name().equalsIgnoreCase(name)) {
                out.add(a.value() == null ? "" : a.value());
            }
        }
        return out;
    }

    /** True for {@code TCP/RTP/AVP} (RTP over TCP with RFC 4571 2-byte length framing). */
    public boolean isTcp() {
        return proto.toUpperCase(java.util.Locale.ROOT).startsWith("TCP/");
    }

    /** GB/T 28181 TCP role: {@code a=setup:active} (the offerer connects) or {@code passive}; null for UDP. */
    public String setup() {
        String s = attribute("setup");
        return s == null ? null : s.trim().toLowerCase(java.util.Locale.ROOT);
    }

    /** The direction attribute (recvonly, sendonly, sendrecv, inactive), or null. */
    public String direction() {
        for (SdpAttribute a : attributes) {
            String n = a.name().toLowerCase(java.util.Locale.ROOT);
            if (a.value() == null && (n.equals("recvonly") || n.equals("sendonly") || n.equals("sendrecv")
                    || n.equals("inactive"))) {
                return n;
            }
        }
        return null;
    }

    /** {@code a=downloadspeed:N} for s=Download, or 0 when absent or not a number. */
    public int downloadSpeed() {
        String v = attribute("downloadspeed");
        if (v == null) {
            return 0;
        }
        try {
            return Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** The encoding name of payload type {@code pt} from {@code a=rtpmap}, e.g. "PS", or null. */
    public String encodingOf(int pt) {
        for (String rtpmap : attributes("rtpmap")) {
            String t = rtpmap.trim();
            int sp = t.indexOf(' ');
            if (sp > 0 && t.substring(0, sp).equals(Integer.toString(pt))) {
                String enc = t.substring(sp + 1);
                int slash = enc.indexOf('/');
                return slash < 0 ? enc : enc.substring(0, slash);
            }
        }
        return null;
    }
}
