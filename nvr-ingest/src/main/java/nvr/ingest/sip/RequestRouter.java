package nvr.ingest.sip;

import java.util.concurrent.CompletionStage;
import nvr.gb28181.WireFormatException;
import nvr.gb28181.sip.SipRequest;
import nvr.gb28181.sip.SipResponse;
import nvr.ingest.cascade.Cascade;
import nvr.ingest.device.Device;

/**
 * Dispatches inbound requests by method, dialog and origin: REGISTER to the {@link Registrar}; MESSAGE to
 * the dialog it belongs to, to the {@link Cascade} when it comes from an upper platform's configured host, else to
 * {@link DeviceMessages} (which checks the device's registered address); INVITE to the {@link SessionDispatcher} when it comes from a configured upper
 * platform's host (403 otherwise: media sessions hand out footage); ACK/BYE/INFO to their dialog's owner.
 * A malformed header answers 400 and counts; no exception escapes to the transport.
 */
final class RequestRouter implements SipStack.RequestHandler {
    private static final System.Logger LOG = System.getLogger(RequestRouter.class.getName());

    private final SipStack stack;
    private final Registrar registrar;
    private final DeviceMessages devices;
    private final SessionDispatcher sessions;
    private final DialogTable dialogs;
    private final Cascade cascade;
    private final SipMetrics metrics;

    RequestRouter(SipStack stack, Registrar registrar, DeviceMessages devices, SessionDispatcher sessions,
                  DialogTable dialogs, Cascade cascade, SipMetrics metrics) {
        this.stack = stack;
        this.registrar = registrar;
        this.devices = devices;
        this.sessions = sessions;
        this.dialogs = dialogs;
        this.cascade = cascade;
        this.metrics = metrics;
    }

    /** How to reach a device: its live TCP connection, else UDP to its REGISTER source. */
    static SipPeer peerOf(Device d) {
        if (d.link() instanceof SipPeer p && (p.tcp() == null || p.tcp().isActive())) {
            return p;
        }
        return SipPeer.udp(d.contact());
    }

    @Override
    public void onRequest(SipRequest req, SipPeer peer, SipTransactions.ServerTx tx) {
        try {
            route(req, peer, tx);
        } catch (WireFormatException e) {
            metrics.parseErrors.increment();
            if (tx != null) {
                stack.respond(tx, req.createResponse(400, "Bad Request", SipIds.tag()));
            }
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR, "internal error handling " + req.method() + " " + req.callId(), e);
            if (tx != null && (tx.last == null || tx.last.isProvisional())) {
                stack.respond(tx, req.createResponse(500, "Server Internal Error", SipIds.tag()));
            }
        }
    }

    private void route(SipRequest req, SipPeer peer, SipTransactions.ServerTx tx) throws WireFormatException {
        long now = System.currentTimeMillis();
        switch (req.method()) {
            case "REGISTER" -> {
                Registrar.Outcome o = registrar.onRegister(req, peer, now);
                stack.respond(tx, o.response());
                o.then().run();
            }
            case "MESSAGE" -> {
                InviteDialog d = req.to().tag() != null ? dialogs.get(req.callId()) : null;
                if (d != null) {
                    reply(tx, req, d.user.onRequest(req, d));
                } else if (cascade.isUpstream(req.from().user())) {
                    // a From header is forgeable: platform queries are answered only from the platform's host
                    if (!cascade.isUpstreamAt(req.from().user(), peer.address())) {
                        refuseForeignSource(tx, req, peer, "upper platform");
                        return;
                    }
                    stack.respond(tx, cascade.onMessage(req, peer.address()));
                } else {
                    stack.respond(tx, devices.onMessage(req, peer, now));
                }
            }
            case "INVITE" -> {
                // footage and live media go only to configured upper platforms, from their configured host
                if (!cascade.isUpstreamAt(req.from().user(), peer.address())) {
                    metrics.sessionRefusals.increment();
                    LOG.log(System.Logger.Level.WARNING, "INVITE from {0} at {1} refused: not a configured upper platform"
                            + " (add it under upstream: in nvr.yaml)", req.from().user(), peer.address());
                    SipResponse r = req.createResponse(403, "Forbidden", SipIds.tag());
                    r.headers().add("Warning", "399 nvr \"not a configured upper platform; add it under upstream: in nvr.yaml\"");
                    stack.respond(tx, r);
                    return;
                }
                sessions.onInvite(req, peer, tx);
            }
            case "ACK" -> {
                InviteDialog d = dialogs.get(req.callId());
                if (d != null && !d.acked) {
                    d.acked = true;
                    d.user.onAck(d);
                }
            }
            case "BYE" -> {
                InviteDialog d = dialogs.get(req.callId());
                if (d == null) {
                    stack.respond(tx, req.createResponse(481, null, null));
                    return;
                }
                d.terminate();
                stack.respond(tx, req.createResponse(200, "OK", null));
                d.user.onBye(d);
            }
            case "INFO" -> {
                InviteDialog d = dialogs.get(req.callId());
                if (d == null) {
                    stack.respond(tx, req.createResponse(481, null, null));
                } else {
                    reply(tx, req, d.user.onRequest(req, d));
                }
            }
            case "CANCEL" -> {
                SipTransactions.ServerTx invite = stack.transactions().pendingInvite(req);
                stack.respond(tx, req.createResponse(invite != null ? 200 : 481, null, SipIds.tag()));
                if (invite != null) {
                    stack.respond(invite, invite.request.createResponse(487, "Request Terminated", SipIds.tag()));
                }
            }
            case "OPTIONS" -> stack.respond(tx, req.createResponse(200, "OK", SipIds.tag()));
            default -> {
                SipResponse r = req.createResponse(405, "Method Not Allowed", SipIds.tag());
                r.headers().add("Allow", "REGISTER, MESSAGE, INVITE, ACK, BYE, INFO, CANCEL, OPTIONS");
                stack.respond(tx, r);
            }
        }
    }

    /** 403 for a request that names a known peer but comes from another address; counted and logged. */
    private void refuseForeignSource(SipTransactions.ServerTx tx, SipRequest req, SipPeer peer, String what)
            throws WireFormatException {
        metrics.foreignSources.increment();
        LOG.log(System.Logger.Level.WARNING, "{0} from {1} at {2} refused: that {3} is configured or registered at"
                + " another address", req.method(), req.from().user(), peer.address(), what);
        SipResponse r = req.createResponse(403, "Forbidden", SipIds.tag());
        r.headers().add("Warning", "399 nvr \"sent from an address other than the " + what + "'s\"");
        stack.respond(tx, r);
    }

    private void reply(SipTransactions.ServerTx tx, SipRequest req, CompletionStage<SipResponse> answer) {
        answer.whenComplete((r, err) -> stack.signaling().execute(() -> stack.respond(tx,
                err != null || r == null ? req.createResponse(500, "Server Internal Error", null) : r)));
    }
}
