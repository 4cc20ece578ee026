package nvr.ingest.sip;

import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import nvr.gb28181.sip.NameAddress;
import nvr.gb28181.sip.SipDialog;
import nvr.gb28181.sip.SipRequest;
import nvr.gb28181.sip.SipResponse;
import nvr.gb28181.sip.SipUri;

/**
 * One INVITE dialog (RFC 3261 section 12), either ours (a recording session we INVITEd) or a peer's
 * (a Playback/Download session served by a {@link nvr.gb28181.sip.MediaSessionHandler}). Mutable state is
 * touched only on the signaling thread; the public {@link SipDialog} methods hop onto it.
 */
final class InviteDialog implements SipDialog {
    /** Whoever owns the session behind the dialog. */
    interface User {
        void onAck(InviteDialog d);

        /** The peer sent BYE, or the dialog failed (no ACK). */
        void onBye(InviteDialog d);

        /** INFO or in-dialog MESSAGE. */
        CompletionStage<SipResponse> onRequest(SipRequest request, InviteDialog d);
    }

    private final SipStack stack;
    private final DialogTable table;
    final String callId;
    final String localTag;
    final String remoteTag;
    final NameAddress local;
    final NameAddress remote;
    final SipUri remoteTarget;
    final SipPeer peer;
    final String channelId;
    final String remoteId;
    final User user;
    long localCseq;
    SipRequest ack; // our ACK to the peer's 2xx, resent when the 2xx is retransmitted
    boolean acked;
    private volatile boolean terminated;

    InviteDialog(SipStack stack, DialogTable table, String callId, String localTag, String remoteTag, NameAddress local,
                 NameAddress remote, SipUri remoteTarget, SipPeer peer, String channelId, String remoteId, long localCseq,
                 User user) {
        this.stack = stack;
        this.table = table;
        this.callId = callId;
        this.localTag = localTag;
        this.remoteTag = remoteTag;
        this.local = local.withTag(localTag);
        this.remote = remoteTag == null ? remote : remote.withTag(remoteTag);
        this.remoteTarget = remoteTarget;
        this.peer = peer;
        this.channelId = channelId;
        this.remoteId = remoteId;
        this.localCseq = localCseq;
        this.user = user;
    }

    @Override
    public String callId() {
        return callId;
    }

    @Override
    public String localTag() {
        return localTag;
    }

    @Override
    public String remoteTag() {
        return remoteTag;
    }

    @Override
    public String localId() {
        return local.user();
    }

    @Override
    public String remoteId() {
        return remoteId;
    }

    @Override
    public String channelId() {
        return channelId;
    }

    @Override
    public InetSocketAddress remoteAddress() {
        return peer.address();
    }

    @Override
    public boolean isTerminated() {
        return terminated;
    }

    /** Builds an in-dialog request (signaling thread). */
    SipRequest newRequest(String method) {
        long cseq = method.equals("ACK") ? localCseq : ++localCseq;
        return stack.newRequest(method, remoteTarget, local, remote, callId, cseq, peer);
    }

    @Override
    public CompletionStage<SipResponse> sendRequest(String method, String contentType, byte[] body) {
        CompletableFuture<SipResponse> f = new CompletableFuture<>();
        stack.signaling().execute(() -> {
            if (terminated && !method.equals("BYE")) {
                f.completeExceptionally(new IllegalStateException("dialog " + callId + " is terminated"));
                return;
            }
            SipRequest r = newRequest(method);
            if (body != null) {
                r.body(contentType, body);
            }
            stack.send(r, peer).whenComplete((resp, err) -> {
                if (err != null) {
                    f.completeExceptionally(err);
                } else {
                    f.complete(resp);
                }
            });
        });
        return f;
    }

    @Override
    public CompletionStage<SipResponse> bye() {
        CompletableFuture<SipResponse> f = new CompletableFuture<>();
        stack.signaling().execute(() -> {
            if (terminated) {
                f.completeExceptionally(new IllegalStateException("dialog " + callId + " already ended"));
                return;
            }
            terminate();
            stack.send(newRequest("BYE"), peer).whenComplete((resp, err) -> {
                if (err != null) {
                    f.completeExceptionally(err);
                } else {
                    f.complete(resp);
                }
            });
        });
        return f;
    }

    /** Marks the dialog ended and forgets it (signaling thread). */
    void terminate() {
        terminated = true;
        table.remove(this);
    }
}
