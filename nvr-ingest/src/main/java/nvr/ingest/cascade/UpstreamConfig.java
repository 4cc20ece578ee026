package nvr.ingest.cascade;

/**
 * One upper platform we register to ({@code upstream:} in nvr.yaml).
 *
 * @param expiresSeconds   REGISTER Expires we ask for; we refresh at half of what the platform grants
 * @param keepaliveSeconds period of our Keepalive MESSAGEs; 3 unanswered ones mean re-register
 */
public record UpstreamConfig(String id, String domain, String host, int port, String password, int expiresSeconds,
                             int keepaliveSeconds) {
    public UpstreamConfig {
        if (id == null || host == null || port <= 0 || port > 65535) {
            throw new IllegalArgumentException("upstream needs id, host and a port in 1-65535");
        }
        if (expiresSeconds <= 0) {
            expiresSeconds = 3600;
        }
        if (keepaliveSeconds <= 0) {
            keepaliveSeconds = 60;
        }
    }

    public static UpstreamConfig of(String id, String domain, String host, int port, String password) {
        return new UpstreamConfig(id, domain, host, port, password, 3600, 60);
    }
}
