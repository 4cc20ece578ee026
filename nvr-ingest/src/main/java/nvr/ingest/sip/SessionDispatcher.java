package nvr.ingest.sip;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import nvr.gb28181.WireFormatException;
import nvr.gb28181.sdp.SdpParser;
import nvr.gb28181.sdp.SessionDescription;
import nvr.gb28181.sip.MediaSessionHandler;
import nvr.gb28181.sip.NameAddress;
import nvr.gb28181.sip.SipRequest;
import nvr.gb28181.sip.SipResponse;
import nvr.gb28181.sip.SipUri;

/**
 * Incoming INVITEs ({@code s=Playback}, {@code s=Download}, or {@code s=Play} from an upper platform) and
 * their dialogs, handed to the {@link MediaSessionHandler} that nvr-cli wires in (nvr-playback). Handler
 * calls run on one session worker thread (so one call at a time per dialog, never on the signaling thread
 * or an event loop); their answers come back to the signaling thread to be sent.
 */
final class SessionDispatcher implements InviteDialog.User {
    private static final System.Logger LOG = System.getLogger(SessionDispatcher.class.getName());

    private final SipStack stack;
    private final DialogTable dialogs;
    private final MediaSessionHandler handler;
    private final ExecutorService worker;
    private final SipMetrics metrics;

    SessionDispatcher(SipStack stack, DialogTable dialogs, MediaSessionHandler handler, ExecutorService worker,
                      SipMetrics metrics) {
        this.stack = stack;
        this.dialogs = dialogs;
        this.handler = handler;
        this.worker = worker;
        this.metrics = metrics;
    }

    void onInvite(SipRequest req, SipPeer peer, SipTransactions.ServerTx tx) throws WireFormatException {
        NameAddress from = req.from();
        NameAddress to = req.to();
        if (to.tag() != null) {
            stack.respond(tx, req.createResponse(488, "re-INVITE not supported", null));
            return;
        }
        SessionDescription offer;
        try {
            offer = SdpParser.parse(req.body());
        } catch (WireFormatException e) {
            metrics.parseErrors.increment();
            stack.respond(tx, req.createResponse(400, "Bad SDP: " + e.getMessage().replaceAll("[\\r\\n]", " "), SipIds.tag()));
            return;
        }
        SessionDescription.Kind kind = offer.kind();
        if (kind != SessionDescription.Kind.PLAYBACK && kind != SessionDescription.Kind.DOWNLOAD
                && kind != SessionDescription.Kind.PLAY) {
            stack.respond(tx, req.createResponse(488, "Session type not supported", SipIds.tag()));
            return;
        }
        if (handler == null) {
            stack.respond(tx, req.createResponse(488, "No media session service", SipIds.tag()));
            return;
        }
        stack.respond(tx, req.createResponse(100, "Trying", null));
        String channelId = SipUri.parse(req.uri()).user();
        if (channelId == null) {
            channelId = offer.uriChannelId();
        }
        SipUri target = req.header("Contact") != null ? NameAddress.parse(req.header("Contact")).uri() : from.uri();
        InviteDialog dialog = new InviteDialog(stack, dialogs, req.callId(), SipIds.tag(), from.tag(), to, from, target,
                peer, channelId, from.user(), 0, this);
        worker.execute(() -> {
            SipResponse r;
            try {
                r = handler.onInvite(req, offer, dialog);
                if (r == null) {
                    r = req.createResponse(500, "No answer", dialog.localTag());
                }
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "media session handler failed on INVITE " + req.callId(), e);
                r = req.createResponse(500, "Server Internal Error", dialog.localTag());
            }
            SipResponse answer = r;
            stack.signaling().execute(() -> finishInvite(req, tx, dialog, answer));
        });
    }

    private void finishInvite(SipRequest req, SipTransactions.ServerTx tx, InviteDialog dialog, SipResponse r) {
        if (tx.last != null && !tx.last.isProvisional()) {
            // CANCELled meanwhile (487 already sent): undo an accepted session.
            if (r.isSuccess()) {
                worker.execute(() -> handler.onBye(dialog));
            }
            return;
        }
        if (r.isSuccess()) {
            String to = req.header("To");
            r.headers().set("To", to + ";tag=" + dialog.localTag());
            if (r.header("Contact") == null) {
                r.headers().add("Contact", "<sip:" + dialog.localId() + "@" + stack.localHost(dialog.peer.address()) + ":"
                        + stack.port() + ">");
            }
            dialogs.add(dialog);
            tx.onAckTimeout = () -> {
                dialog.terminate();
                worker.execute(() -> handler.onBye(dialog));
            };
        }
        stack.respond(tx, r);
    }

    @Override
    public void onAck(InviteDialog d) {
        worker.execute(() -> handler.onAck(d));
    }

    @Override
    public void onBye(InviteDialog d) {
        worker.execute(() -> handler.onBye(d));
    }

    @Override
    public CompletionStage<SipResponse> onRequest(SipRequest request, InviteDialog d) {
        if (!request.isMethod("INFO")) {
            return CompletableFuture.completedFuture(request.createResponse(200, "OK", null));
        }
        return CompletableFuture.supplyAsync(() -> {
            try {
                SipResponse r = handler.onInfo(request, d);
                return r != null ? r : request.createResponse(500, "No answer", null);
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "media session handler failed on INFO " + request.callId(), e);
                return request.createResponse(500, "Server Internal Error", null);
            }
        }, worker);
    }
}
