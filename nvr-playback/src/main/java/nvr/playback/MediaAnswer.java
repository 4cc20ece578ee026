package nvr.playback;

/**
 * What the NVR offers back in the 200 OK SDP.
 *
 * @param address our media IP
 * @param port our media port (UDP source, TCP listening port when passive, TCP local port when active)
 * @param setup "active" (we connect), "passive" (we listen), or null for UDP
 */
public record MediaAnswer(String sessionId, String address, int port, long ssrc, PlaybackRequest.Transport transport,
                          String setup) {
}
