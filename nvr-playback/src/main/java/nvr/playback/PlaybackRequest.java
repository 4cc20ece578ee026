package nvr.playback;

import java.net.InetSocketAddress;

/**
 * What an INVITE asked for, after validation.
 *
 * @param who the requester for the audit log (SIP From user / platform id)
 * @param fromMs start of the requested range (wall clock, ms); playback starts at the keyframe at or before it
 * @param toMs end of the range (exclusive)
 * @param ssrc SSRC to send with (the offer's {@code y=}, else one we chose)
 * @param peer where to send (UDP, TCP active) or who will connect (TCP passive: port unused)
 * @param downloadSpeed {@code a=downloadspeed} for Download, 0 when absent; ignored for Playback
 */
public record PlaybackRequest(Kind kind, String who, String camera, long fromMs, long toMs, long ssrc,
                              Transport transport, InetSocketAddress peer, double downloadSpeed) {
    public enum Kind { PLAYBACK, DOWNLOAD }

    /** Media transport from the NVR's side: UDP, TCP where we connect (peer offered setup:passive) or listen. */
    public enum Transport {
        UDP, TCP_ACTIVE, TCP_PASSIVE;

        public boolean isTcp() {
            return this != UDP;
        }
    }
}
