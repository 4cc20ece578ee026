package nvr.playback.sip;

import java.util.concurrent.atomic.AtomicLong;
import nvr.gb28181.WireFormatException;
import nvr.gb28181.manscdp.ManscdpType;
import nvr.gb28181.manscdp.ManscdpWriter;
import nvr.gb28181.sdp.SessionDescription;
import nvr.gb28181.sip.MediaSessionHandler;
import nvr.gb28181.sip.SipDialog;
import nvr.gb28181.sip.SipRequest;
import nvr.gb28181.sip.SipResponse;
import nvr.playback.MediaAnswer;
import nvr.playback.PlaybackRejected;
import nvr.playback.PlaybackRequest;
import nvr.playback.PlaybackService;
import nvr.playback.SessionSignal;

/**
 * {@link MediaSessionHandler} for {@code s=Playback} and {@code s=Download}: the SIP server (nvr-ingest)
 * calls it, nvr-cli wires it. Sessions are keyed by Call-ID.
 */
public final class PlaybackSipHandler implements MediaSessionHandler {
    private static final System.Logger LOG = System.getLogger(PlaybackSipHandler.class.getName());
    private final PlaybackService service;
    private final String localId;
    private final AtomicLong sn = new AtomicLong(1);

    /** @param localId our 20-digit SIP id, for the SDP o= line */
    public PlaybackSipHandler(PlaybackService service, String localId) {
        this.service = service;
        this.localId = localId;
    }

    @Override
    public SipResponse onInvite(SipRequest invite, SessionDescription offer, SipDialog dialog) {
        PlaybackRequest req;
        try {
            req = OfferMapper.map(offer, dialog.channelId(), dialog.remoteId());
        } catch (PlaybackRejected e) {
            service.metrics().error(e.metricReason());
            return refuse(invite, dialog, e.status(), e.getMessage());
        }
        MediaAnswer answer;
        try {
            answer = service.open(dialog.callId(), req, new DialogSignal(dialog)); // counts its own refusals
        } catch (PlaybackRejected e) {
            return refuse(invite, dialog, e.status(), e.getMessage());
        }
        SessionDescription sdp = new SessionDescription.Builder()
            .origin(localId, answer.address())
            .session(req.kind() == PlaybackRequest.Kind.PLAYBACK ? "Playback" : "Download")
            .uri(offer.uri())
            .connection(answer.address())
            .time(offer.startTime(), offer.stopTime())
            .psVideo(answer.port(), answer.setup(), "sendonly", java.util.List.of())
            .ssrc(String.format("%010d", answer.ssrc()))
            .format(offer.format())
            .build();
        SipResponse ok = invite.createResponse(200, null, dialog.localTag());
        ok.body("application/sdp", sdp.encodeBytes());
        return ok;
    }

    static SipResponse refuse(SipRequest request, SipDialog dialog, int status, String reason) {
        SipResponse r = request.createResponse(status, null, dialog.localTag());
        // RFC 3261 20.43: 399 = miscellaneous warning, the text is what a person reads
        r.headers().add("Warning", "399 nvr \"" + reason.replace('"', '\'') + "\"");
        return r;
    }

    @Override
    public void onAck(SipDialog dialog) {
        service.start(dialog.callId());
    }

    @Override
    public SipResponse onInfo(SipRequest info, SipDialog dialog) {
        try {
            byte[] answer = service.control(dialog.callId(), info.body());
            SipResponse ok = info.createResponse(200, null, null);
            ok.body("Application/MANSRTSP", answer);
            return ok;
        } catch (WireFormatException e) {
            return refuse(info, dialog, 400, "bad MANSRTSP: " + e.getMessage());
        } catch (PlaybackRejected e) {
            return refuse(info, dialog, e.status(), e.getMessage());
        }
    }

    @Override
    public void onBye(SipDialog dialog) {
        service.close(dialog.callId());
    }

    /** MediaStatus 121 then BYE over the dialog; never blocks the session's loop. */
    private final class DialogSignal implements SessionSignal {
        private final SipDialog dialog;

        DialogSignal(SipDialog dialog) {
            this.dialog = dialog;
        }

        @Override
        public void endOfRange(String channelId) {
            if (dialog.isTerminated()) {
                return;
            }
            byte[] body = new ManscdpWriter(ManscdpType.NOTIFY, "MediaStatus", sn.getAndIncrement(), channelId)
                .field("NotifyType", "121").toBytes(ManscdpWriter.GB2312);
            dialog.sendRequest("MESSAGE", "Application/MANSCDP+xml", body)
                .whenComplete((r, e) -> {
                    if (!dialog.isTerminated()) {
                        dialog.bye();
                    }
                });
        }

        @Override
        public void abort(String reason) {
            LOG.log(System.Logger.Level.INFO, "ending dialog " + dialog.callId() + ": " + reason);
            if (!dialog.isTerminated()) {
                dialog.bye();
            }
        }
    }
}
