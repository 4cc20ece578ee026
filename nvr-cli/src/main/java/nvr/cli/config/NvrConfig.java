package nvr.cli.config;

import java.nio.file.Path;
import java.util.List;

/**
 * The whole of {@code nvr.yaml}, validated: every field here has passed its range/format check and
 * every path is absolute (resolved against the config file's folder).
 */
public record NvrConfig(Path file, Storage storage, Sip sip, Media media, Admin admin, Retention retention,
                        List<Tier> tiers, String defaultTier, List<Camera> cameras, List<Device> devices,
                        List<Upstream> upstream, Log log) {

    public record Storage(List<Path> roots, int segmentMaxSeconds, long segmentMaxBytes, int fsyncMs,
                          long writerQueueBytes) {
    }

    /** @param advertiseIp address put in Via/Contact/SDP; "auto" picks this host's first non-loopback IPv4 */
    public record Sip(String id, String domain, int port, String password, String advertiseIp,
                      String inviteTransport, int keepaliveSeconds) {
    }

    public record Media(int portMin, int portMax, String bind, int stallMs, int offlineSeconds) {
    }

    public record Admin(String host, int port) {
    }

    public record Retention(String policy, int sweepSeconds, int highWatermarkPercent) {
    }

    /** @param maxDays 0 when the tier has no maximum */
    public record Tier(String name, int minDays, int maxDays) {
    }

    /** @param ssrc null to accept any SSRC */
    public record Camera(String id, String name, String tier, int port, String transport, Long ssrc,
                         String location) {
    }

    /** A device that registers with its own password instead of sip.password. */
    public record Device(String id, String password) {
    }

    public record Upstream(String id, String domain, String host, int port, String password, int registerSeconds,
                           int keepaliveSeconds) {
    }

    public record Log(String level) {
    }

    public Tier tier(String name) {
        for (Tier t : tiers) {
            if (t.name().equals(name)) {
                return t;
            }
        }
        return null;
    }

    public NvrConfig withFile(Path f) {
        return new NvrConfig(f, storage, sip, media, admin, retention, tiers, defaultTier, cameras, devices, upstream, log);
    }

    public NvrConfig withCameras(List<Camera> c) {
        return new NvrConfig(file, storage, sip, media, admin, retention, tiers, defaultTier, List.copyOf(c), devices, upstream, log);
    }

    public Path firstRoot() {
        return storage.roots().get(0);
    }
}
