package nvr.ingest.sip;

import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import nvr.gb28181.WireFormatException;
import nvr.gb28181.sip.DigestAuth;
import nvr.gb28181.sip.DigestChallenge;
import nvr.gb28181.sip.DigestCredentials;
import nvr.gb28181.sip.NameAddress;
import nvr.gb28181.sip.SipRequest;
import nvr.gb28181.sip.SipResponse;
import nvr.ingest.device.Device;
import nvr.ingest.device.DeviceRegistry;

/**
 * REGISTER from devices (GB/T 28181-2016 9.1): digest challenge with realm = our domain, qop=auth and an
 * expiring nonce; 200 OK carries a {@code Date} header (devices set their clock from it); Expires 0
 * unregisters. A wrong password answers 403 and counts toward {@link AuthFailureLimiter}.
 */
final class Registrar {
    private static final System.Logger LOG = System.getLogger(Registrar.class.getName());
    private static final DateTimeFormatter GB_DATE = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS");

    interface Listener {
        void onRegistered(Device device, boolean fresh);

        void onUnregistered(Device device);
    }

    private final SipConfig config;
    private final DeviceRegistry registry;
    private final DigestAuth digest = new DigestAuth();
    private final AuthFailureLimiter limiter;
    private final SipMetrics metrics;
    private final Listener listener;

    Registrar(SipConfig config, DeviceRegistry registry, SipMetrics metrics, Listener listener) {
        this.config = config;
        this.registry = registry;
        this.metrics = metrics;
        this.listener = listener;
        this.limiter = new AuthFailureLimiter(5, 60_000, 60_000, 10_000);
    }

    Outcome onRegister(SipRequest req, SipPeer peer, long nowMs) throws WireFormatException {
        NameAddress from = req.from();
        String deviceId = from.user();
        if (deviceId == null || deviceId.isEmpty() || deviceId.length() > 32) {
            return new Outcome(req.createResponse(400, "Bad From user", SipIds.tag()));
        }
        String ip = peer.address().getAddress().getHostAddress();
        if (limiter.blocked(ip, nowMs)) {
            metrics.authRateLimited.increment();
            return new Outcome(req.createResponse(403, "Too many wrong passwords", SipIds.tag()));
        }
        if (config.authEnabled()) {
            String auth = req.header("Authorization");
            if (auth == null) {
                return new Outcome(challenge(req, nowMs, false));
            }
            DigestCredentials c;
            try {
                c = DigestCredentials.parse(auth);
            } catch (WireFormatException e) {
                metrics.parseErrors.increment();
                return new Outcome(req.createResponse(400, "Bad Authorization", SipIds.tag()));
            }
            if (!config.domain().equals(c.realm())) {
                return new Outcome(challenge(req, nowMs, false));
            }
            long age = digest.nonceAgeMs(c.nonce(), nowMs);
            if (age < 0) {
                return new Outcome(challenge(req, nowMs, false)); // not our nonce (e.g. from before a restart)
            }
            String password = config.passwordFor(deviceId);
            boolean ok = password != null && c.username().equals(deviceId) && DigestAuth.verify(c, "REGISTER", password);
            if (!ok) {
                metrics.authFailures.increment();
                LOG.log(System.Logger.Level.WARNING, "device {0} from {1}: wrong SIP password (digest mismatch)", deviceId, ip);
                limiter.fail(ip, deviceId, nowMs);
                return new Outcome(req.createResponse(403, "Forbidden", SipIds.tag()));
            }
            if (age > config.nonceTtlSeconds() * 1000L) {
                return new Outcome(challenge(req, nowMs, true));
            }
            limiter.succeed(ip);
        }
        int expires = requestedExpires(req);
        SipResponse ok = req.createResponse(200, "OK", SipIds.tag());
        ok.headers().add("Date", GB_DATE.format(LocalDateTime.now(config.zone())));
        if (expires == 0) {
            Device d = registry.get(deviceId);
            ok.headers().add("Expires", "0");
            if (d != null) {
                LOG.log(System.Logger.Level.INFO, "device {0} unregistered", deviceId);
                registry.markOffline(d, "unregistered", nowMs);
            }
            return new Outcome(ok, d == null ? () -> { } : () -> listener.onUnregistered(d));
        }
        int granted = Math.min(expires, config.registerExpiresMax());
        String contact = req.header("Contact");
        if (contact != null) {
            ok.headers().add("Contact", contact);
        }
        ok.headers().add("Expires", Integer.toString(granted));
        metrics.registrations.increment();
        boolean fresh = registry.register(deviceId, peer.address(), peer, peer.transport(), req.callId(), granted, nowMs);
        Device d = registry.get(deviceId);
        // Answer first, then start catalog/INVITEs: the caller runs {@code then} after sending the response.
        return new Outcome(ok, () -> listener.onRegistered(d, fresh));
    }

    /** The response to send and what to do after it went out. */
    record Outcome(SipResponse response, Runnable then) {
        Outcome(SipResponse response) {
            this(response, () -> { });
        }
    }

    private SipResponse challenge(SipRequest req, long nowMs, boolean stale) {
        SipResponse r = req.createResponse(401, "Unauthorized", SipIds.tag());
        DigestChallenge ch = new DigestChallenge(config.domain(), digest.newNonce(nowMs), null, "auth", "MD5", stale);
        r.headers().add("WWW-Authenticate", ch.toHeader());
        return r;
    }

    private static int requestedExpires(SipRequest req) {
        String contact = req.header("Contact");
        if (contact != null && !contact.trim().equals("*")) {
            try {
                String e = NameAddress.parse(contact).params().get("expires");
                if (e != null) {
                    return Math.max(0, Integer.parseInt(e.trim()));
                }
            } catch (WireFormatException | NumberFormatException ignored) {
                // fall back to the Expires header
            }
        }
        return Math.max(0, req.expires(3600));
    }
}
