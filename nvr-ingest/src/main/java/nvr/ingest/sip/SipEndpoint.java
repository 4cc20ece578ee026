package nvr.ingest.sip;

import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import nvr.gb28181.sip.NameAddress;
import nvr.gb28181.sip.SipRequest;
import nvr.gb28181.sip.SipResponse;
import nvr.gb28181.sip.SipUri;

/**
 * What the cascade (and any other user agent role inside the NVR) needs from the SIP server: build
 * requests with our Via/Contact, send them in client transactions, and run on the signaling thread.
 */
public interface SipEndpoint {
    /** Our 20-digit id. */
    String localId();

    String domain();

    /** The single signaling thread; all SIP state is confined to it. */
    ScheduledExecutorService signaling();

    /**
     * A request with a fresh Via branch, Max-Forwards, Contact and User-Agent; the caller adds a body.
     * {@code target} decides which local address goes into Via/Contact.
     */
    SipRequest newRequest(String method, SipUri requestUri, NameAddress from, NameAddress to, String callId, long cseq,
                          InetSocketAddress target);

    /** Sends over UDP in a client transaction; completes with the final response or a TimeoutException. */
    CompletableFuture<SipResponse> send(SipRequest request, InetSocketAddress target);

    /** Our address facing {@code target}, as text for SDP c= lines. */
    String localHost(InetSocketAddress target);

    int port();
}
