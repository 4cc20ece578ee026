package nvr.gb28181.sip;

import nvr.gb28181.sdp.SessionDescription;

/**
 * Serves INVITE sessions the SIP server does not own itself: {@code s=Playback} and {@code s=Download}
 * from devices or upper platforms, plus INFO (MANSRTSP) and BYE inside those dialogs. nvr-playback
 * implements it and nvr-cli hands it to the SIP server, so ingest and playback never import each other.
 *
 * <p>Threading: every method is called on a SIP worker thread, never on a Netty event loop, one call at a
 * time per dialog; it may block briefly (opening files) but should return within ~1 s (the peer retransmits
 * the INVITE after 500 ms and gives up after 32 s). The server sends 100 Trying before calling {@link #onInvite}.
 */
public interface MediaSessionHandler {
    /**
     * Answers an INVITE. Build the answer with {@code invite.createResponse(200, null, dialog.localTag())}
     * and an {@code application/sdp} body; return a 4xx/5xx (e.g. 404 unknown channel, 488 bad offer) to refuse.
     * The server adds Contact/User-Agent and starts the dialog only on a 2xx. Media should start on {@link #onAck}.
     *
     * @param offer the parsed SDP of the INVITE ({@link SessionDescription#sessionName()} is Playback or Download)
     */
    SipResponse onInvite(SipRequest invite, SessionDescription offer, SipDialog dialog);

    /** The peer ACKed our 2xx: start sending. */
    default void onAck(SipDialog dialog) {
    }

    /** An in-dialog INFO, {@code Application/MANSRTSP} body (PLAY/PAUSE/Scale/Range). Return 200 or an error. */
    SipResponse onInfo(SipRequest info, SipDialog dialog);

    /** The peer ended the dialog (BYE received, or the dialog failed: ACK never came). Stop sending. */
    void onBye(SipDialog dialog);
}
