package nvr.gb28181.sip;

import java.net.InetSocketAddress;
import java.util.concurrent.CompletionStage;

/**
 * One INVITE dialog as a {@link MediaSessionHandler} sees it (RFC 3261 section 12). The SIP server
 * owns it: it keeps the route, tags and CSeq and does the transaction work; the handler only asks for
 * in-dialog requests. Implementations are thread-safe.
 */
public interface SipDialog {
    String callId();

    /** Our tag (the To tag of the INVITE's responses when we are the callee). */
    String localTag();

    String remoteTag();

    /** Our 20-digit id as used in this dialog. */
    String localId();

    /** The peer's 20-digit id: the INVITE From user (the device or upper platform). */
    String remoteId();

    /**
     * The channel the session is about: the GB/T 28181 Request-URI user of the INVITE (a camera id), which
     * is also the {@code u=} / Subject channel in practice.
     */
    String channelId();

    /** Where the peer's signaling comes from (after NAT). */
    InetSocketAddress remoteAddress();

    /**
     * Sends an in-dialog request, e.g. {@code MESSAGE} with a MANSCDP MediaStatus 121 body
     * ({@code Application/MANSCDP+xml}) when a download ends. Completes with the final response, or
     * exceptionally on transaction timeout.
     */
    CompletionStage<SipResponse> sendRequest(String method, String contentType, byte[] body);

    /** Ends the dialog with BYE (the handler's {@code onBye} is not called for our own BYE). */
    CompletionStage<SipResponse> bye();

    boolean isTerminated();
}
