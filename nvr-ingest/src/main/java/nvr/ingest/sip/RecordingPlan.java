package nvr.ingest.sip;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import nvr.gb28181.WireFormatException;
import nvr.gb28181.sdp.MediaDescription;
import nvr.gb28181.sdp.SdpAttribute;
import nvr.gb28181.sdp.SdpParser;
import nvr.gb28181.sdp.SessionDescription;
import nvr.gb28181.sip.NameAddress;
import nvr.gb28181.sip.SipRequest;
import nvr.gb28181.sip.SipResponse;
import nvr.gb28181.sip.SipUri;
import nvr.ingest.device.Device;
import nvr.ingest.device.DeviceRegistry;
import nvr.ingest.media.MediaReceivers;
import nvr.ingest.media.MediaTransport;
import nvr.ingest.media.StreamHandle;
import nvr.ingest.media.StreamState;

/**
 * Keeps every video channel of every online device recording: INVITE {@code s=Play} with a GB/T 28181
 * {@code y=} SSRC and one receiver port per stream, ACK, and on failure, stream loss (STALLED/OFFLINE),
 * the camera's BYE or a fresh device registration, tear down and INVITE again with exponential backoff
 * (1 s doubling to 60 s, jittered). Signaling thread only.
 *
 * <p>The receiver is opened without an SSRC filter: the port alone identifies the stream, and several
 * device firmwares answer with their own {@code y=} or none (SIP ALGs strip it), so filtering on ours would
 * drop good video.
 */
final class RecordingPlan implements InviteDialog.User {
    private static final System.Logger LOG = System.getLogger(RecordingPlan.class.getName());
    private static final long MAX_BACKOFF_MS = 60_000;

    private final SipConfig config;
    private final SipStack stack;
    private final DialogTable dialogs;
    private final DeviceRegistry registry;
    private final MediaReceivers receivers;
    private final SipMetrics metrics;
    private final Map<String, Session> sessions = new HashMap<>();
    private final long baseBackoffMs;
    private int ssrcSequence;
    private boolean closed;

    /** One channel's recording session. */
    private static final class Session {
        final String channelId;
        final String deviceId;
        StreamHandle handle;
        InviteDialog dialog;
        boolean inviting;
        int attempts;
        String lastProblem = ""; // why the last attempt or session ended, for admins
        long generation; // bumped on every teardown, so late callbacks of an old attempt are ignored
        ScheduledFuture<?> retry;

        Session(String channelId, String deviceId) {
            this.channelId = channelId;
            this.deviceId = deviceId;
        }
    }

    RecordingPlan(SipConfig config, SipStack stack, DialogTable dialogs, DeviceRegistry registry, MediaReceivers receivers,
                  SipMetrics metrics) {
        this.config = config;
        this.stack = stack;
        this.dialogs = dialogs;
        this.registry = registry;
        this.receivers = receivers;
        this.metrics = metrics;
        this.baseBackoffMs = 2L * config.t1Ms();
    }

    /** A planned channel as admins see it: its session is up, or how many retries since it was and why. */
    record Planned(String channelId, String deviceId, boolean recording, int retries, String lastProblem) {
    }

    /** Every channel this plan keeps recording (or trying to), in no particular order. */
    List<Planned> planned() {
        List<Planned> out = new ArrayList<>(sessions.size());
        for (Session s : sessions.values()) {
            out.add(new Planned(s.channelId, s.deviceId, s.handle != null, s.attempts, s.lastProblem));
        }
        return out;
    }

    /** Starts recording a channel unless it already records, is being invited or waits for a retry. */
    void ensure(String deviceId, String channelId) {
        if (closed || receivers == null) {
            return;
        }
        Session s = sessions.computeIfAbsent(channelId, c -> new Session(c, deviceId));
        if (s.handle != null || s.inviting || s.retry != null) {
            return;
        }
        invite(s);
    }

    boolean recording(String channelId) {
        Session s = sessions.get(channelId);
        return s != null && s.handle != null;
    }

    private void invite(Session s) {
        Device d = registry.get(s.deviceId);
        if (closed || d == null || !d.online()) {
            return; // resumes when the device registers again
        }
        SipPeer peer = RequestRouter.peerOf(d);
        long gen = ++s.generation;
        StreamHandle h;
        try {
            h = receivers.open(s.channelId, config.mediaTransport(), null, 0);
        } catch (Exception e) {
            LOG.log(System.Logger.Level.WARNING, "cannot open an RTP receiver for {0}: {1}; retrying", s.channelId, e.getMessage());
            scheduleRetry(s, "no RTP port: " + e.getMessage());
            return;
        }
        s.inviting = true;
        String ssrc = SessionDescription.gbSsrc(false, config.domain(), nextSsrcSequence());
        String host = stack.localHost(peer.address());
        MediaTransport t = config.mediaTransport();
        String setup = t == MediaTransport.UDP ? null : t == MediaTransport.TCP_PASSIVE ? "passive" : "active";
        // PS is what GB/T 28181 mandates; H264/MPEG4 payload types are listed because some firmwares refuse
        // an offer without them, then answer PS anyway.
        List<SdpAttribute> attrs = new ArrayList<>(List.of(new SdpAttribute("recvonly", null),
                new SdpAttribute("rtpmap", "96 PS/90000"), new SdpAttribute("rtpmap", "98 H264/90000"),
                new SdpAttribute("rtpmap", "97 MPEG4/90000")));
        if (setup != null) {
            attrs.add(new SdpAttribute("setup", setup));
            attrs.add(new SdpAttribute("connection", "new"));
        }
        SessionDescription offer = new SessionDescription.Builder().origin(config.id(), host).session("Play")
                .connection(host).time(0, 0)
                .media(new MediaDescription("video", h.localPort(), setup == null ? "RTP/AVP" : "TCP/RTP/AVP",
                        List.of("96", "98", "97"), null, attrs))
                .ssrc(ssrc).build();
        String callId = SipIds.callId();
        String tag = SipIds.tag();
        NameAddress from = new NameAddress(null, SipUri.of(config.id(), config.domain(), -1), Map.of()).withTag(tag);
        NameAddress to = new NameAddress(null, SipUri.of(s.channelId, config.domain(), -1), Map.of());
        SipUri target = SipUri.of(s.channelId, d.contact().getAddress().getHostAddress(), d.contact().getPort());
        SipRequest invite = stack.newRequest("INVITE", target, from, to, callId, 1, peer);
        invite.headers().add("Subject", s.channelId + ":" + ssrc + "," + config.id() + ":0");
        invite.body("APPLICATION/SDP", offer.encodeBytes());
        metrics.invites.increment();
        LOG.log(System.Logger.Level.DEBUG, "INVITE {0} ssrc {1} port {2,number,#}", s.channelId, ssrc, h.localPort());
        stack.send(invite, peer).whenComplete((resp, err) -> stack.signaling().execute(
                () -> onInviteResult(s, gen, h, invite, tag, peer, resp, err)));
    }

    private void onInviteResult(Session s, long gen, StreamHandle h, SipRequest invite, String tag, SipPeer peer,
                                SipResponse resp, Throwable err) {
        boolean current = s.generation == gen && !closed;
        if (err != null || resp == null || !resp.isSuccess()) {
            h.close();
            if (current) {
                s.inviting = false;
                metrics.inviteFailures.increment();
                String why = err != null ? "INVITE failed: " + err.getMessage()
                        : resp == null ? "INVITE unanswered" : "INVITE answered " + resp.status() + " " + resp.reason();
                LOG.log(System.Logger.Level.WARNING, "channel {0}: {1}; retrying", s.channelId, why);
                scheduleRetry(s, why);
            }
            return;
        }
        InviteDialog dialog;
        try {
            NameAddress to = resp.to();
            SipUri remoteTarget = resp.header("Contact") != null ? NameAddress.parse(resp.header("Contact")).uri()
                    : SipUri.parse(invite.uri());
            dialog = new InviteDialog(stack, dialogs, invite.callId(), tag, to.tag(), invite.from(), to, remoteTarget,
                    peer, s.channelId, s.deviceId, 1, this);
        } catch (WireFormatException e) {
            metrics.parseErrors.increment();
            h.close();
            if (current) {
                s.inviting = false;
                scheduleRetry(s, "unusable INVITE answer: " + e.getMessage());
            }
            return;
        }
        dialog.ack = dialog.newRequest("ACK");
        stack.sendStateless(dialog.ack, peer);
        dialogs.add(dialog);
        if (!current) {
            dialog.bye();
            h.close();
            return;
        }
        if (config.mediaTransport() == MediaTransport.TCP_ACTIVE) {
            try {
                SessionDescription answer = SdpParser.parse(resp.body());
                MediaDescription v = answer.video();
                String addr = answer.connectionFor(v);
                h.connect(new InetSocketAddress(addr, v.port()));
            } catch (WireFormatException | RuntimeException e) {
                metrics.parseErrors.increment();
                LOG.log(System.Logger.Level.WARNING, "channel {0}: unusable SDP answer for TCP active: {1}", s.channelId, e.getMessage());
            }
        }
        s.handle = h;
        s.dialog = dialog;
        s.inviting = false;
        s.attempts = 0;
        h.onStateChange(st -> stack.signaling().execute(() -> onStreamState(s, gen, st)));
    }

    private void onStreamState(Session s, long gen, StreamState state) {
        if (s.generation != gen || s.handle == null || closed) {
            return;
        }
        if (state == StreamState.STALLED || state == StreamState.OFFLINE) {
            LOG.log(System.Logger.Level.WARNING, "channel {0} stream {1}; re-INVITE", s.channelId, state);
            stop(s, true);
            scheduleRetry(s, "stream " + state.name().toLowerCase(Locale.ROOT));
        }
    }

    private void stop(Session s, boolean sendBye) {
        s.generation++;
        if (s.dialog != null) {
            if (sendBye && !s.dialog.isTerminated()) {
                s.dialog.bye();
            } else {
                s.dialog.terminate();
            }
            s.dialog = null;
        }
        if (s.handle != null) {
            s.handle.close();
            s.handle = null;
        }
        s.inviting = false;
    }

    private void scheduleRetry(Session s, String why) {
        s.lastProblem = why;
        if (s.retry != null || closed) {
            return;
        }
        long delay = Math.min(MAX_BACKOFF_MS, baseBackoffMs << Math.min(s.attempts, 10));
        delay += ThreadLocalRandom.current().nextLong(delay / 4 + 1);
        s.attempts++;
        s.retry = stack.signaling().schedule(() -> {
            s.retry = null;
            invite(s);
        }, delay, TimeUnit.MILLISECONDS);
    }

    /** Device went offline or unregistered: end its sessions (BYE best effort), no retries until it is back. */
    void deviceGone(String deviceId) {
        for (Session s : sessionsOf(deviceId)) {
            if (s.retry != null) {
                s.retry.cancel(false);
                s.retry = null;
            }
            stop(s, true);
            s.attempts = 0;
            sessions.remove(s.channelId);
        }
    }

    private List<Session> sessionsOf(String deviceId) {
        List<Session> out = new ArrayList<>();
        for (Session s : sessions.values()) {
            if (s.deviceId.equals(deviceId)) {
                out.add(s);
            }
        }
        return out;
    }

    private int nextSsrcSequence() {
        ssrcSequence = ssrcSequence % 9999 + 1;
        return ssrcSequence;
    }

    @Override
    public void onAck(InviteDialog d) {
        // we are the caller in recording dialogs: no ACK comes to us
    }

    @Override
    public void onBye(InviteDialog d) {
        Session s = sessions.get(d.channelId);
        if (s != null && s.dialog == d) {
            LOG.log(System.Logger.Level.INFO, "channel {0} ended the stream (BYE); re-INVITE", s.channelId);
            s.dialog = null;
            stop(s, false);
            scheduleRetry(s, "camera ended the stream (BYE)");
        }
    }

    @Override
    public CompletionStage<SipResponse> onRequest(SipRequest request, InviteDialog d) {
        return CompletableFuture.completedFuture(request.createResponse(200, "OK", null));
    }

    void close() {
        closed = true;
        for (Session s : new ArrayList<>(sessions.values())) {
            if (s.retry != null) {
                s.retry.cancel(false);
            }
            stop(s, true);
        }
        sessions.clear();
    }
}
