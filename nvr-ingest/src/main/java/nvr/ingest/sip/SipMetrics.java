package nvr.ingest.sip;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.function.Supplier;

/** Counters an operator needs to see signaling health on /metrics. */
final class SipMetrics {
    final Counter registrations;
    final Counter authFailures;
    final Counter authRateLimited;
    final Counter parseErrors;
    final Counter invites;
    final Counter inviteFailures;
    final Counter sessionRefusals;
    final Counter foreignSources;
    final Counter deviceOffline;
    final Counter transactionTimeouts;
    private final MeterRegistry registry;

    SipMetrics(MeterRegistry r) {
        this.registry = r;
        registrations = Counter.builder("nvr.sip.registrations").description("accepted REGISTERs (incl. refresh)").register(r);
        authFailures = Counter.builder("nvr.sip.auth.failures").description("REGISTERs with a wrong digest").register(r);
        authRateLimited = Counter.builder("nvr.sip.auth.rate.limited").description("REGISTERs refused for repeated bad passwords").register(r);
        parseErrors = Counter.builder("nvr.sip.parse.errors").description("SIP/SDP/MANSCDP inputs rejected as malformed").register(r);
        invites = Counter.builder("nvr.sip.invites").description("INVITEs we sent for recording").register(r);
        inviteFailures = Counter.builder("nvr.sip.invite.failures").description("recording INVITEs that failed").register(r);
        sessionRefusals = Counter.builder("nvr.sip.session.refusals")
                .description("INVITEs refused: not from a configured upper platform's address").register(r);
        foreignSources = Counter.builder("nvr.sip.foreign.sources")
                .description("MESSAGEs refused: a known platform or device id sent from another address").register(r);
        deviceOffline = Counter.builder("nvr.sip.device.offline").description("devices marked offline").register(r);
        transactionTimeouts = Counter.builder("nvr.sip.transaction.timeouts").description("client transactions with no final response").register(r);
    }

    void onlineDevices(Supplier<Number> s) {
        Gauge.builder("nvr.sip.devices.online", s).description("devices registered and alive").register(registry);
    }
}
