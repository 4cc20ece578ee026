package nvr.gb28181.sdp;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A GB/T 28181 SDP body (RFC 4566 plus the standard's additions in annex F / 2016 section 9.2):
 * <ul>
 * <li>{@code s=Play|Playback|Download|Talk}: what the session is;</li>
 * <li>{@code u=channelId:0} (0 = by time, 1 = by file name): the channel, for Playback/Download;</li>
 * <li>{@code t=start stop}: the time range. The standard says NTP seconds, but devices and platforms
 *   (Hikvision, Dahua, WVP) send Unix-epoch seconds; {@link #startEpochSeconds()} accepts both;</li>
 * <li>{@code y=0340200001}: the SSRC as 10 decimal digits;</li>
 * <li>{@code f=v/2/4/25/1/4096a/1/8/1}: media parameters, kept as text.</li>
 * </ul>
 */
public record SessionDescription(String originUser, String originSessionId, String originVersion, String originAddress,
                                 String sessionName, String uri, String connectionAddress, long startTime, long stopTime,
                                 List<SdpAttribute> attributes, List<MediaDescription> media, String ssrc, String format) {
    /** Seconds between 1900-01-01 (NTP epoch) and 1970-01-01. */
    public static final long NTP_UNIX_OFFSET = 2_208_988_800L;

    public SessionDescription {
        attributes = List.copyOf(attributes);
        media = List.copyOf(media);
    }

    public enum Kind { PLAY, PLAYBACK, DOWNLOAD, TALK, OTHER }

    public Kind kind() {
        if (sessionName == null) {
            return Kind.OTHER;
        }
        return switch (sessionName.trim().toLowerCase(Locale.ROOT)) {
            case "play" -> Kind.PLAY;
            case "playback" -> Kind.PLAYBACK;
            case "download" -> Kind.DOWNLOAD;
            case "talk" -> Kind.TALK;
            default -> Kind.OTHER;
        };
    }

    /** The channel id from {@code u=channelId:0}, or null. */
    public String uriChannelId() {
        if (uri == null) {
            return null;
        }
        int c = uri.indexOf(':');
        return c < 0 ? uri.trim() : uri.substring(0, c).trim();
    }

    /** {@code t=} start as Unix seconds: NTP-epoch values (>= 2208988800) are converted; 0 stays 0. */
    public long startEpochSeconds() {
        return toUnixSeconds(startTime);
    }

    public long stopEpochSeconds() {
        return toUnixSeconds(stopTime);
    }

    /**
     * Unix seconds for a t= value. Values at or above the NTP offset (year 2036 in Unix time) are read
     * as NTP seconds; smaller ones as Unix seconds, which is what deployed devices send.
     */
    public static long toUnixSeconds(long t) {
        return t >= NTP_UNIX_OFFSET ? t - NTP_UNIX_OFFSET : t;
    }

    /** The SSRC from {@code y=} as a number, or null when absent. */
    public Long ssrcValue() {
        if (ssrc == null) {
            return null;
        }
        return Long.parseLong(ssrc);
    }

    /** The first video m= section, or null. */
    public MediaDescription video() {
        for (MediaDescription m : media) {
            if (m.media().equalsIgnoreCase("video")) {
                return m;
            }
        }
        return null;
    }

    /** Connection address of a media section, falling back to the session-level c=. */
    public String connectionFor(MediaDescription m) {
        return m.connectionAddress() != null ? m.connectionAddress() : connectionAddress;
    }

    public String attribute(String name) {
        for (SdpAttribute a : attributes) {
            if (a.name().equalsIgnoreCase(name)) {
                return a.value() == null ? "" : a.value();
            }
        }
        return null;
    }

    /** Writes the body with CRLF line ends: session lines, m= sections, then y= and f= as GB/T 28181 orders them. */
    public String encode() {
        StringBuilder b = new StringBuilder(256);
        line(b, 'v', "0");
        line(b, 'o', originUser + " " + originSessionId + " " + originVersion + " IN IP4 " + originAddress);
        line(b, 's', sessionName);
        if (uri != null) {
            line(b, 'u', uri);
        }
        if (connectionAddress != null) {
            line(b, 'c', "IN IP4 " + connectionAddress);
        }
        line(b, 't', startTime + " " + stopTime);
        for (SdpAttribute a : attributes) {
            line(b, 'a', a.toString());
        }
        for (MediaDescription m : media) {
            line(b, 'm', m.media() + " " + m.port() + " " + m.proto() + (m.formats().isEmpty() ? "" : " "
                    + String.join(" ", m.formats())));
            if (m.connectionAddress() != null) {
                line(b, 'c', "IN IP4 " + m.connectionAddress());
            }
            for (SdpAttribute a : m.attributes()) {
                line(b, 'a', a.toString());
            }
        }
        if (ssrc != null) {
            line(b, 'y', ssrc);
        }
        if (format != null) {
            line(b, 'f', format);
        }
        return b.toString();
    }

    private static void line(StringBuilder b, char type, String value) {
        b.append(type).append('=').append(value).append("\r\n");
    }

    public byte[] encodeBytes() {
        return encode().getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    /** Formats a GB/T 28181 SSRC: 1 digit live(0)/history(1), 5 digits from the domain id, 4-digit sequence. */
    public static String gbSsrc(boolean history, String domainId, int sequence) {
        String d = domainId == null ? "" : domainId.replaceAll("[^0-9]", "");
        // GB/T 28181-2016 annex: digits 4 to 8 of the 10-digit SIP domain id (as WVP does too).
        String five = d.length() >= 8 ? d.substring(3, 8) : String.format("%5s", d).replace(' ', '0').substring(0, 5);
        return (history ? "1" : "0") + five + String.format("%04d", Math.floorMod(sequence, 10000));
    }

    /** Builder for offers and answers. */
    public static final class Builder {
        private String originUser = "-";
        private String originSessionId = "0";
        private String originVersion = "0";
        private String originAddress = "0.0.0.0";
        private String sessionName = "Play";
        private String uri;
        private String connection;
        private long start;
        private long stop;
        private final List<SdpAttribute> attributes = new ArrayList<>();
        private final List<MediaDescription> media = new ArrayList<>();
        private String ssrc;
        private String format;

        public Builder origin(String user, String address) {
            this.originUser = user;
            this.originAddress = address;
            return this;
        }

        public Builder session(String name) {
            this.sessionName = name;
            return this;
        }

        public Builder uri(String u) {
            this.uri = u;
            return this;
        }

        public Builder connection(String address) {
            this.connection = address;
            return this;
        }

        public Builder time(long startSeconds, long stopSeconds) {
            this.start = startSeconds;
            this.stop = stopSeconds;
            return this;
        }

        public Builder attribute(String name, String value) {
            attributes.add(new SdpAttribute(name, value));
            return this;
        }

        /**
         * Adds a PS video section: {@code m=video port RTP/AVP 96} (or TCP/RTP/AVP with setup/connection),
         * {@code a=rtpmap:96 PS/90000} and a direction.
         *
         * @param setup null for UDP, else "active" or "passive"
         */
        public Builder psVideo(int port, String setup, String direction, List<SdpAttribute> extra) {
            List<SdpAttribute> a = new ArrayList<>();
            a.add(new SdpAttribute(direction, null));
            a.add(new SdpAttribute("rtpmap", "96 PS/90000"));
            if (setup != null) {
                a.add(new SdpAttribute("setup", setup));
                a.add(new SdpAttribute("connection", "new"));
            }
            a.addAll(extra);
            media.add(new MediaDescription("video", port, setup == null ? "RTP/AVP" : "TCP/RTP/AVP", List.of("96"),
                    null, a));
            return this;
        }

        public Builder media(MediaDescription m) {
            media.add(m);
            return this;
        }

        public Builder ssrc(String y) {
            this.ssrc = y;
            return this;
        }

        public Builder format(String f) {
            this.format = f;
            return this;
        }

        public SessionDescription build() {
            return new SessionDescription(originUser, originSessionId, originVersion, originAddress, sessionName, uri,
                    connection, start, stop, attributes, media, ssrc, format);
        }
    }
}
