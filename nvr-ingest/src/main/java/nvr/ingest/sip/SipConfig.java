package nvr.ingest.sip;

import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import nvr.ingest.cascade.UpstreamConfig;
import nvr.ingest.media.MediaTransport;

/**
 * Settings of the SIP server ({@code sip:} and {@code upstream:} in nvr.yaml).
 *
 * @param id                 our 20-digit GB/T 28181 id
 * @param domain             our 10-digit domain; also the digest realm
 * @param host               address we advertise in Via/Contact/SDP; null = the local address facing each peer
 * @param port               UDP and TCP port (0 = ephemeral, for tests)
 * @param password           realm-wide device password; null or empty disables auth (NOT recommended)
 * @param devicePasswords    per-device passwords that override the realm-wide one
 * @param mediaTransport     how we ask cameras to send RTP (UDP, TCP_PASSIVE: we listen, TCP_ACTIVE: we connect)
 * @param keepaliveSeconds   the device keepalive period we expect; offline after {@code keepaliveMisses} missed
 * @param registerExpiresMax cap on the Expires we grant
 * @param nonceTtlSeconds    how long a digest nonce stays valid
 * @param t1Ms               RFC 3261 T1 (500 ms); T2 is 8*T1, transaction timeout 64*T1
 * @param zone               zone of MANSCDP local times (RecordInfo)
 */
public record SipConfig(String id, String domain, String host, int port, String password,
                        Map<String, String> devicePasswords, MediaTransport mediaTransport, List<UpstreamConfig> upstreams,
                        int keepaliveSeconds, int keepaliveMisses, int registerExpiresMax, int nonceTtlSeconds, int t1Ms,
                        ZoneId zone) {
    public SipConfig {
        if (id == null || !id.matches("\\d{20}")) {
            throw new IllegalArgumentException("sip.id must be 20 digits, got " + id);
        }
        if (domain == null || !domain.matches("\\d{10}")) {
            throw new IllegalArgumentException("sip.domain must be 10 digits, got " + domain);
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("sip.port must be 0-65535, got " + port);
        }
        devicePasswords = devicePasswords == null ? Map.of() : Map.copyOf(devicePasswords);
        upstreams = upstreams == null ? List.of() : List.copyOf(upstreams);
        mediaTransport = mediaTransport == null ? MediaTransport.UDP : mediaTransport;
        keepaliveSeconds = keepaliveSeconds <= 0 ? 60 : keepaliveSeconds;
        keepaliveMisses = keepaliveMisses <= 0 ? 3 : keepaliveMisses;
        registerExpiresMax = registerExpiresMax <= 0 ? 3600 : registerExpiresMax;
        nonceTtlSeconds = nonceTtlSeconds <= 0 ? 300 : nonceTtlSeconds;
        t1Ms = t1Ms <= 0 ? 500 : t1Ms;
        zone = zone == null ? ZoneId.systemDefault() : zone;
    }

    /** Defaults for everything but identity, port and the realm-wide password. */
    public static SipConfig of(String id, String domain, int port, String password) {
        return new SipConfig(id, domain, null, port, password, Map.of(), MediaTransport.UDP, List.of(), 60, 3, 3600,
                300, 500, null);
    }

    public SipConfig withHost(String h) {
        return new SipConfig(id, domain, h, port, password, devicePasswords, mediaTransport, upstreams, keepaliveSeconds,
                keepaliveMisses, registerExpiresMax, nonceTtlSeconds, t1Ms, zone);
    }

    public SipConfig withUpstreams(List<UpstreamConfig> u) {
        return new SipConfig(id, domain, host, port, password, devicePasswords, mediaTransport, u, keepaliveSeconds,
                keepaliveMisses, registerExpiresMax, nonceTtlSeconds, t1Ms, zone);
    }

    public SipConfig withKeepalive(int seconds, int misses) {
        return new SipConfig(id, domain, host, port, password, devicePasswords, mediaTransport, upstreams, seconds,
                misses, registerExpiresMax, nonceTtlSeconds, t1Ms, zone);
    }

    public SipConfig withDevicePasswords(Map<String, String> p) {
        return new SipConfig(id, domain, host, port, password, p, mediaTransport, upstreams, keepaliveSeconds,
                keepaliveMisses, registerExpiresMax, nonceTtlSeconds, t1Ms, zone);
    }

    public SipConfig withMediaTransport(MediaTransport t) {
        return new SipConfig(id, domain, host, port, password, devicePasswords, t, upstreams, keepaliveSeconds,
                keepaliveMisses, registerExpiresMax, nonceTtlSeconds, t1Ms, zone);
    }

    public SipConfig withZone(ZoneId z) {
        return new SipConfig(id, domain, host, port, password, devicePasswords, mediaTransport, upstreams,
                keepaliveSeconds, keepaliveMisses, registerExpiresMax, nonceTtlSeconds, t1Ms, z);
    }

    /** The password a device must use: its own, else the realm-wide one. */
    public String passwordFor(String deviceId) {
        String p = devicePasswords.get(deviceId);
        return p != null ? p : password;
    }

    public boolean authEnabled() {
        return (password != null && !password.isEmpty()) || !devicePasswords.isEmpty();
    }
}
