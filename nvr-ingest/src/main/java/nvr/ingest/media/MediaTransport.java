package nvr.ingest.media;

/** How a camera's RTP reaches us (GB/T 28181 SDP {@code a=setup}): UDP, TCP where we listen, TCP where we connect. */
public enum MediaTransport {
    UDP,
    TCP_PASSIVE,
    TCP_ACTIVE
}
