package nvr.ingest.sip;

import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import nvr.gb28181.sip.NameAddress;
import nvr.gb28181.sip.SipHeaders;
import nvr.gb28181.sip.SipMessage;
import nvr.gb28181.sip.SipRequest;
import nvr.gb28181.sip.SipResponse;
import nvr.gb28181.sip.SipUri;

/**
 * Transport plus transactions plus request building: the user-agent core every SIP role in the NVR shares.
 * Inbound responses go to their client transaction; inbound requests (minus retransmissions) go to the
 * one {@link RequestHandler}. Runs on the signaling thread only.
 */
final class SipStack implements SipEndpoint, SipTransport.Inbound {
    static final String USER_AGENT = "nvr-gb28181/0.1";

    interface RequestHandler {
        /** tx is null for ACK (it has no transaction of its own). */
        void onRequest(SipRequest request, SipPeer peer, SipTransactions.ServerTx tx);
    }

    private final SipConfig config;
    private final ScheduledExecutorService core;
    private final SipTransport transport;
    private final SipTransactions transactions;
    private RequestHandler handler;

    SipStack(SipConfig config, ScheduledExecutorService core, SipMetrics metrics) {
        this.config = config;
        this.core = core;
        this.transport = new SipTransport(config.port(), this, core, metrics);
        this.transactions = new SipTransactions(transport, core, metrics, config.t1Ms());
    }

    void handler(RequestHandler h) {
        this.handler = h;
    }

    void start() throws InterruptedException {
        transport.start();
    }

    SipTransactions transactions() {
        return transactions;
    }

    @Override
    public void onMessage(SipMessage message, SipPeer peer) {
        if (message instanceof SipResponse r) {
            transactions.onResponse(r);
            return;
        }
        SipRequest req = (SipRequest) message;
        if (req.isMethod("ACK")) {
            transactions.onAck(req);
            handler.onRequest(req, peer, null);
            return;
        }
        SipTransactions.ServerTx tx = transactions.onRequest(req, peer);
        if (tx != null) {
            handler.onRequest(req, peer, tx);
        }
    }

    void respond(SipTransactions.ServerTx tx, SipResponse response) {
        if (response.header("User-Agent") == null) {
            response.headers().add("User-Agent", USER_AGENT);
        }
        tx.respond(response);
    }

    CompletableFuture<SipResponse> send(SipRequest request, SipPeer peer) {
        return transactions.send(request, peer);
    }

    /** Sends without a transaction (ACK for 2xx). */
    void sendStateless(SipRequest request, SipPeer peer) {
        transport.send(request, peer);
    }

    @Override
    public String localId() {
        return config.id();
    }

    @Override
    public String domain() {
        return config.domain();
    }

    @Override
    public ScheduledExecutorService signaling() {
        return core;
    }

    @Override
    public SipRequest newRequest(String method, SipUri requestUri, NameAddress from, NameAddress to, String callId,
                                 long cseq, InetSocketAddress target) {
        return newRequest(method, requestUri, from, to, callId, cseq, SipPeer.udp(target));
    }

    SipRequest newRequest(String method, SipUri requestUri, NameAddress from, NameAddress to, String callId, long cseq,
                          SipPeer peer) {
        String host = localHost(peer.address());
        SipHeaders h = new SipHeaders();
        h.add("Via", "SIP/2.0/" + peer.transport() + " " + host + ":" + port() + ";rport;branch=" + SipIds.branch());
        h.add("From", from.toString());
        h.add("To", to.toString());
        h.add("Call-ID", callId);
        h.add("CSeq", cseq + " " + method);
        h.add("Max-Forwards", "70");
        h.add("Contact", "<sip:" + config.id() + "@" + host + ":" + port() + ">");
        h.add("User-Agent", USER_AGENT);
        return new SipRequest(method, requestUri.toString(), h, null);
    }

    @Override
    public CompletableFuture<SipResponse> send(SipRequest request, InetSocketAddress target) {
        return transactions.send(request, SipPeer.udp(target));
    }

    @Override
    public String localHost(InetSocketAddress target) {
        if (config.host() != null && !config.host().isBlank()) {
            return config.host();
        }
        return transport.localAddressFacing(target).getHostAddress();
    }

    @Override
    public int port() {
        return transport.port();
    }

    void close() {
        transactions.close();
        transport.close();
    }
}
