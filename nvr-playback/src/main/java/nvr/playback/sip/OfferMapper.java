package nvr.playback.sip;

import java.net.InetSocketAddress;
import java.util.Locale;
import nvr.gb28181.sdp.MediaDescription;
import nvr.gb28181.sdp.SessionDescription;
import nvr.playback.PlaybackRejected;
import nvr.playback.PlaybackRequest;
import nvr.playback.PlaybackService;

/** SDP offer of a Playback/Download INVITE -> {@link PlaybackRequest}; 488 with a reason when it cannot be met. */
final class OfferMapper {
    private OfferMapper() {
    }

    static PlaybackRequest map(SessionDescription offer, String fallbackChannel, String who) throws PlaybackRejected {
        PlaybackRequest.Kind kind = switch (offer.kind()) {
            case PLAYBACK -> PlaybackRequest.Kind.PLAYBACK;
            case DOWNLOAD -> PlaybackRequest.Kind.DOWNLOAD;
            default -> throw bad("s=" + offer.sessionName() + " is not Playback or Download");
        };
        String channel = offer.uriChannelId();
        if (channel == null || channel.isEmpty()) {
            channel = fallbackChannel;
        }
        if (channel == null || channel.isEmpty()) {
            throw bad("offer names no channel (u= missing)");
        }
        long start = offer.startEpochSeconds();
        long stop = offer.stopEpochSeconds();
        if (start <= 0 || stop <= 0) {
            throw new PlaybackRejected(488, "bad-range", "offer has no time range (t= start stop required)");
        }
        if (stop <= start) {
            throw new PlaybackRejected(488, "bad-range", "t= range is empty or inverted (" + start + " " + stop + ")");
        }
        MediaDescription video = offer.video();
        if (video == null) {
            throw bad("offer has no m=video section");
        }
        String proto = video.proto().toUpperCase(Locale.ROOT);
        if (!proto.equals("RTP/AVP") && !proto.equals("TCP/RTP/AVP")) {
            throw bad("unsupported media protocol " + video.proto() + " (RTP/AVP or TCP/RTP/AVP)");
        }
        if (!offersPs(video)) {
            throw bad("offer does not accept PS (a=rtpmap:96 PS/90000)");
        }
        String addr = offer.connectionFor(video);
        if (addr == null || addr.isBlank()) {
            throw bad("offer has no c= connection address");
        }
        PlaybackRequest.Transport transport;
        if (!video.isTcp()) {
            transport = PlaybackRequest.Transport.UDP;
        } else {
            String setup = video.setup();
            // RFC 4145: the offerer's role. Its "active" means it connects to us; "passive" (or the
            // GB/T 28181 default when absent) means it listens and we connect.
            transport = "active".equals(setup) ? PlaybackRequest.Transport.TCP_PASSIVE
                : PlaybackRequest.Transport.TCP_ACTIVE;
            if (setup != null && !setup.equals("active") && !setup.equals("passive") && !setup.equals("actpass")) {
                throw bad("unsupported a=setup:" + setup);
            }
        }
        if (video.port() <= 0 && transport != PlaybackRequest.Transport.TCP_PASSIVE) {
            throw bad("offer has media port " + video.port());
        }
        long ssrc;
        try {
            Long y = offer.ssrcValue();
            ssrc = y == null ? PlaybackService.randomSsrc() : y;
        } catch (NumberFormatException e) {
            throw bad("y= SSRC is not a number");
        }
        if (ssrc < 0 || ssrc > 0xFFFFFFFFL) {
            throw bad("y= SSRC out of range");
        }
        double speed = 0;
        if (kind == PlaybackRequest.Kind.DOWNLOAD) {
            speed = video.downloadSpeed();
            if (speed == 0 && offer.attribute("downloadspeed") != null) {
                try {
                    speed = Double.parseDouble(offer.attribute("downloadspeed").trim());
                } catch (NumberFormatException e) {
                    speed = 0;
                }
            }
            if (speed < 0 || speed > 64) {
                throw bad("a=downloadspeed out of range (1..64)");
            }
        }
        InetSocketAddress peer = InetSocketAddress.createUnresolved(addr.trim(), Math.max(0, video.port()));
        try {
            peer = new InetSocketAddress(java.net.InetAddress.getByName(addr.trim()), Math.max(0, video.port()));
        } catch (java.net.UnknownHostException | IllegalArgumentException e) {
            throw bad("c= address " + addr + " is not an IP address");
        }
        return new PlaybackRequest(kind, who, channel, start * 1000, stop * 1000, ssrc, transport, peer, speed);
    }

    private static boolean offersPs(MediaDescription video) {
        for (String f : video.formats()) {
            try {
                int pt = Integer.parseInt(f);
                String enc = video.encodingOf(pt);
                if (enc == null ? pt == 96 : enc.equalsIgnoreCase("PS") || enc.equalsIgnoreCase("MP2P")) {
                    return true;
                }
            } catch (NumberFormatException ignored) {
                // non-numeric format: not RTP/AVP PS
            }
        }
        return false;
    }

    private static PlaybackRejected bad(String why) {
        return new PlaybackRejected(488, "bad-offer", why);
    }
}
