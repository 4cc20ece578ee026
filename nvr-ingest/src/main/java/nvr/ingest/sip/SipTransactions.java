package nvr.ingest.sip;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import nvr.gb28181.WireFormatException;
import nvr.gb28181.sip.CSeq;
import nvr.gb28181.sip.SipHeaders;
import nvr.gb28181.sip.SipRequest;
import nvr.gb28181.sip.SipResponse;
import nvr.gb28181.sip.Via;

/**
 * RFC 3261 section 17 transactions, confined to the signaling thread (no locks).
 * <ul>
 * <li>Client: over UDP a request is retransmitted at T1, 2T1, ... (capped at T2 for non-INVITE; INVITE stops
 *   at the first provisional) until a final response or 64*T1 (timers A/B/E/F). A non-2xx final answer to an
 *   INVITE is ACKed here with the INVITE's branch.</li>
 * <li>Server: a retransmitted request (same top branch and method) gets the last response again, or nothing
 *   while we are still working on it; entries live 64*T1 after the final response (timer J). A 2xx to INVITE
 *   over UDP is retransmitted until the ACK arrives (section 13.3.1.4).</li>
 * </ul>
 */
final class SipTransactions {
    private static final System.Logger LOG = System.getLogger(SipTransactions.class.getName());

    private final SipTransport transport;
    private final ScheduledExecutorService core;
    private final SipMetrics metrics;
    private final long t1;
    private final long t2;
    private final Map<String, ClientTx> clients = new HashMap<>();
    private final Map<String, ServerTx> servers = new HashMap<>();

    SipTransactions(SipTransport transport, ScheduledExecutorService core, SipMetrics metrics, int t1Ms) {
        this.transport = transport;
        this.core = core;
        this.metrics = metrics;
        this.t1 = t1Ms;
        this.t2 = 8L * t1Ms;
    }

    long t1() {
        return t1;
    }

    private static String key(String branch, String method) {
        return branch + ' ' + method;
    }

    // ---------------------------------------------------------------- client side

    private final class ClientTx {
        final SipRequest request;
        final SipPeer peer;
        final String key;
        final CompletableFuture<SipResponse> result = new CompletableFuture<>();
        long interval = t1;
        boolean provisional;
        ScheduledFuture<?> retransmit;
        ScheduledFuture<?> timeout;

        ClientTx(SipRequest request, SipPeer peer, String key) {
            this.request = request;
            this.peer = peer;
            this.key = key;
        }

        void scheduleRetransmit() {
            retransmit = core.schedule(() -> {
                if (result.isDone() || (provisional && request.isMethod("INVITE"))) {
                    return;
                }
                transport.send(request, peer);
                interval = request.isMethod("INVITE") ? interval * 2 : Math.min(interval * 2, t2);
                scheduleRetransmit();
            }, provisional ? t2 : interval, TimeUnit.MILLISECONDS);
        }

        void finish() {
            if (retransmit != null) {
                retransmit.cancel(false);
            }
            if (timeout != null) {
                timeout.cancel(false);
            }
            clients.remove(key);
        }
    }

    /** Sends a request in a new client transaction; completes with the final response. */
    CompletableFuture<SipResponse> send(SipRequest request, SipPeer peer) {
        String branch;
        try {
            branch = request.topVia().branch();
        } catch (WireFormatException e) {
            return CompletableFuture.failedFuture(new IllegalArgumentException("request without a valid Via", e));
        }
        String k = key(branch, request.method());
        ClientTx tx = new ClientTx(request, peer, k);
        clients.put(k, tx);
        transport.send(request, peer);
        if (!peer.reliable()) {
            tx.scheduleRetransmit();
        }
        tx.timeout = core.schedule(() -> {
            if (!tx.result.isDone()) {
                metrics.transactionTimeouts.increment();
                tx.finish();
                tx.result.completeExceptionally(new TimeoutException(request.method() + " to " + peer.address()
                        + " got no final response in " + (64 * t1) + " ms"));
            }
        }, 64 * t1, TimeUnit.MILLISECONDS);
        return tx.result;
    }

    /** Matches a response to its client transaction; false when none (stray or late retransmission). */
    boolean onResponse(SipResponse response) {
        String branch;
        CSeq cseq;
        try {
            branch = response.topVia().branch();
            cseq = response.cseq();
        } catch (WireFormatException e) {
            metrics.parseErrors.increment();
            return false;
        }
        ClientTx tx = clients.get(key(branch, cseq.method()));
        if (tx == null) {
            return false;
        }
        if (response.isProvisional()) {
            tx.provisional = true;
            return true;
        }
        tx.finish();
        if (tx.request.isMethod("INVITE") && !response.isSuccess()) {
            transport.send(ackForFailure(tx.request, response), tx.peer);
        }
        tx.result.complete(response);
        return true;
    }

    /** RFC 3261 17.1.1.3: the ACK of a non-2xx final response belongs to the INVITE transaction. */
    private static SipRequest ackForFailure(SipRequest invite, SipResponse resp) {
        SipHeaders h = new SipHeaders();
        h.add("Via", invite.headers().get("Via"));
        h.add("From", invite.header("From"));
        h.add("To", resp.header("To"));
        h.add("Call-ID", invite.callId());
        String cseq = invite.header("CSeq");
        h.add("CSeq", cseq.substring(0, cseq.trim().indexOf(' ')).trim() + " ACK");
        h.add("Max-Forwards", "70");
        return new SipRequest("ACK", invite.uri(), h, null);
    }

    // ---------------------------------------------------------------- server side

    /** An incoming request's transaction; respond once finally (provisionals may precede). */
    final class ServerTx {
        final SipRequest request;
        final SipPeer peer;
        final String key;
        SipResponse last;
        boolean acked;
        Runnable onAckTimeout;

        ServerTx(SipRequest request, SipPeer peer, String key) {
            this.request = request;
            this.peer = peer;
            this.key = key;
        }

        void respond(SipResponse response) {
            last = response;
            transport.send(response, peer);
            if (response.isProvisional()) {
                return;
            }
            if (request.isMethod("INVITE") && response.isSuccess() && !peer.reliable()) {
                retransmit2xx(t1);
            }
            core.schedule(() -> servers.remove(key), 64 * t1, TimeUnit.MILLISECONDS);
        }

        private void retransmit2xx(long interval) {
            core.schedule(() -> {
                if (acked) {
                    return;
                }
                if (interval >= 64 * t1) {
                    LOG.log(System.Logger.Level.INFO, "no ACK for 2xx to INVITE {0} from {1}", request.callId(), peer.address());
                    if (onAckTimeout != null) {
                        onAckTimeout.run();
                    }
                    return;
                }
                transport.send(last, peer);
                retransmit2xx(Math.min(interval * 2, t2));
            }, interval, TimeUnit.MILLISECONDS);
        }
    }

    /**
     * The transaction for an incoming request, or null when it is a retransmission (already answered
     * again here, or still in progress). ACK never gets one: it is matched by {@link #onAck}.
     */
    ServerTx onRequest(SipRequest request, SipPeer peer) {
        String branch;
        try {
            branch = request.topVia().branch();
        } catch (WireFormatException e) {
            return null;
        }
        if (branch == null) {
            branch = request.callId() + "/" + request.header("CSeq"); // RFC 2543 peers: no branch
        }
        String k = key(branch, request.method());
        ServerTx existing = servers.get(k);
        if (existing != null) {
            if (existing.last != null) {
                transport.send(existing.last, peer);
            }
            return null;
        }
        ServerTx tx = new ServerTx(request, peer, k);
        servers.put(k, tx);
        return tx;
    }

    /** Stops 2xx retransmission for the INVITE this ACK belongs to (same Call-ID and CSeq number). */
    void onAck(SipRequest ack) {
        String cseq = ack.header("CSeq");
        for (ServerTx tx : servers.values()) {
            if (tx.request.isMethod("INVITE") && tx.request.callId().equals(ack.callId()) && cseq != null
                    && sameNumber(tx.request.header("CSeq"), cseq)) {
                tx.acked = true;
            }
        }
    }

    /** The pending server transaction of the INVITE a CANCEL targets (same branch), or null. */
    ServerTx pendingInvite(SipRequest cancel) {
        try {
            ServerTx tx = servers.get(key(cancel.topVia().branch(), "INVITE"));
            return tx != null && (tx.last == null || tx.last.isProvisional()) ? tx : null;
        } catch (WireFormatException e) {
            return null;
        }
    }

    private static boolean sameNumber(String a, String b) {
        return a.trim().split("\\s+")[0].equals(b.trim().split("\\s+")[0]);
    }

    /** Fails every pending client transaction (shutdown). */
    void close() {
        for (ClientTx tx : clients.values().toArray(new ClientTx[0])) {
            tx.finish();
            tx.result.completeExceptionally(new IllegalStateException("SIP server closed"));
        }
    }
}
