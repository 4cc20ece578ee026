package nvr.ingest.cascade;

import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import nvr.gb28181.WireFormatException;
import nvr.gb28181.manscdp.ManscdpType;
import nvr.gb28181.manscdp.ManscdpWriter;
import nvr.gb28181.sip.DigestAuth;
import nvr.gb28181.sip.DigestChallenge;
import nvr.gb28181.sip.NameAddress;
import nvr.gb28181.sip.SipRequest;
import nvr.gb28181.sip.SipResponse;
import nvr.gb28181.sip.SipUri;
import nvr.ingest.sip.SipEndpoint;

/**
 * Our registration at one upper platform (GB/T 28181-2016 9.1 as the registering side): REGISTER, answer
 * the digest challenge, refresh at half the granted expiry, Keepalive MESSAGE every period; 3 failed
 * keepalives or a failed refresh mean re-register, with backoff (2 s doubling to 60 s). Signaling thread only.
 */
final class UpstreamClient {
    private static final System.Logger LOG = System.getLogger(UpstreamClient.class.getName());
    static final String MANSCDP = "Application/MANSCDP+xml";

    private final UpstreamConfig cfg;
    private final SipEndpoint ep;
    private final DigestAuth digest = new DigestAuth();
    private final InetSocketAddress address;
    private final String callId = Long.toHexString(System.nanoTime()) + "@nvr";
    private final String fromTag = Long.toHexString(Double.doubleToLongBits(Math.random()));
    private long cseq;
    private int nonceCount;
    private long sn = 1;
    private boolean registered;
    private boolean closed;
    private int keepaliveFailures;
    private int attempts;
    private ScheduledFuture<?> timer;
    private ScheduledFuture<?> keepaliveTimer;

    UpstreamClient(UpstreamConfig cfg, SipEndpoint ep) {
        this.cfg = cfg;
        this.ep = ep;
        this.address = new InetSocketAddress(cfg.host(), cfg.port());
    }

    UpstreamConfig config() {
        return cfg;
    }

    InetSocketAddress address() {
        return address;
    }

    boolean registered() {
        return registered;
    }

    long nextSn() {
        return sn++;
    }

    void start() {
        register(cfg.expiresSeconds(), null);
    }

    private SipRequest registerRequest(int expires) {
        SipUri uri = SipUri.of(cfg.id(), cfg.host(), cfg.port());
        NameAddress me = new NameAddress(null, SipUri.of(ep.localId(), ep.domain(), -1), Map.of());
        SipRequest r = ep.newRequest("REGISTER", uri, me.withTag(fromTag), me, callId, ++cseq, address);
        r.headers().add("Expires", Integer.toString(expires));
        return r;
    }

    private void register(int expires, DigestChallenge challenge) {
        if (closed && expires > 0) {
            return;
        }
        SipRequest r = registerRequest(expires);
        if (challenge != null) {
            r.headers().add("Authorization", digest.answer(challenge, ep.localId(), cfg.password() == null ? "" : cfg.password(),
                    "REGISTER", r.uri(), ++nonceCount).toHeader());
        }
        ep.send(r, address).whenComplete((resp, err) -> ep.signaling().execute(() -> onRegisterResult(expires, challenge, resp, err)));
    }

    private void onRegisterResult(int expires, DigestChallenge used, SipResponse resp, Throwable err) {
        if (expires == 0) {
            if (resp != null && resp.status() == 401 && used == null) {
                try {
                    register(0, DigestChallenge.parse(resp.header("WWW-Authenticate")));
                } catch (WireFormatException ignored) {
                    // best effort on shutdown
                }
            }
            return;
        }
        if (closed) {
            return;
        }
        if (resp != null && resp.status() == 401 && (used == null || isStale(resp))) {
            try {
                nonceCount = 0;
                register(expires, DigestChallenge.parse(resp.header("WWW-Authenticate")));
                return;
            } catch (WireFormatException e) {
                LOG.log(System.Logger.Level.WARNING, "upper platform {0}: unusable challenge: {1}", cfg.id(), e.getMessage());
            }
        }
        if (resp != null && resp.isSuccess()) {
            boolean was = registered;
            registered = true;
            attempts = 0;
            keepaliveFailures = 0;
            int granted = resp.expires(expires);
            if (!was) {
                LOG.log(System.Logger.Level.INFO, "registered to upper platform {0} at {1}", cfg.id(), address);
            }
            schedule(Math.max(1, granted / 2) * 1000L, () -> register(cfg.expiresSeconds(), null));
            if (keepaliveTimer == null) {
                keepaliveTimer = ep.signaling().scheduleWithFixedDelay(this::keepalive, cfg.keepaliveSeconds(),
                        cfg.keepaliveSeconds(), TimeUnit.SECONDS);
            }
            return;
        }
        registered = false;
        long delay = Math.min(60_000L, 2000L << Math.min(attempts++, 5));
        LOG.log(System.Logger.Level.WARNING, "registration to upper platform {0} at {1} failed ({2}); retry in {3} s",
                cfg.id(), address, err != null ? err.getMessage() : resp.status() + " " + resp.reason(), delay / 1000);
        schedule(delay, () -> register(cfg.expiresSeconds(), null));
    }

    private static boolean isStale(SipResponse resp) {
        try {
            return DigestChallenge.parse(resp.header("WWW-Authenticate")).stale();
        } catch (WireFormatException e) {
            return false;
        }
    }

    private void schedule(long delayMs, Runnable r) {
        if (timer != null) {
            timer.cancel(false);
        }
        timer = ep.signaling().schedule(r, delayMs, TimeUnit.MILLISECONDS);
    }

    private void keepalive() {
        if (!registered || closed) {
            return;
        }
        byte[] body = new ManscdpWriter(ManscdpType.NOTIFY, "Keepalive", nextSn(), ep.localId()).field("Status", "OK")
                .toBytes(ManscdpWriter.GB2312);
        send(body).whenComplete((resp, err) -> ep.signaling().execute(() -> {
            if (err == null && resp.isSuccess()) {
                keepaliveFailures = 0;
                return;
            }
            if (++keepaliveFailures >= 3 && registered) {
                LOG.log(System.Logger.Level.WARNING, "upper platform {0}: 3 keepalives failed; re-registering", cfg.id());
                registered = false;
                keepaliveFailures = 0;
                register(cfg.expiresSeconds(), null);
            }
        }));
    }

    /** Sends an out-of-dialog MANSCDP MESSAGE to the platform. */
    java.util.concurrent.CompletableFuture<SipResponse> send(byte[] manscdp) {
        NameAddress from = new NameAddress(null, SipUri.of(ep.localId(), ep.domain(), -1), Map.of())
                .withTag(Long.toHexString(System.nanoTime()));
        NameAddress to = new NameAddress(null, SipUri.of(cfg.id(), cfg.domain() == null ? cfg.host() : cfg.domain(), -1), Map.of());
        SipRequest r = ep.newRequest("MESSAGE", SipUri.of(cfg.id(), cfg.host(), cfg.port()), from, to,
                Long.toHexString(System.nanoTime()) + Long.toHexString(sn), 1, address);
        r.body(MANSCDP, manscdp);
        return ep.send(r, address);
    }

    void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (timer != null) {
            timer.cancel(false);
        }
        if (keepaliveTimer != null) {
            keepaliveTimer.cancel(false);
        }
        if (registered) {
            register(0, null);
        }
        registered = false;
    }
}
