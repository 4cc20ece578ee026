package nvr.playback;

/**
 * Playback settings.
 *
 * @param mediaAddress local IP we send from / listen on, and put in our SDP answer's {@code c=}
 * @param ioThreads Netty event loops shared by all sessions
 * @param diskThreads threads doing the (blocking) segment reads for all sessions
 * @param maxQueuedBytes per-session read-ahead bound (1 MiB = 2 s of a 4 Mbit/s camera)
 * @param stallTimeoutMs a TCP receiver that keeps its window closed this long is dropped
 * @param connectTimeoutMs TCP connect (active) / accept (passive) limit
 * @param maxSessions further INVITEs get 486 Busy Here
 * @param sendBufferBytes bytes a Playback may queue in Netty before it waits for the receiver (a Download
 *     gets four times as much)
 * @param mediaPortMin first port of {@code media.port-range} for our media sockets; 0 (with
 *     {@code mediaPortMax} 0) for ephemeral ports
 * @param mediaPortMax last port of that range
 */
public record PlaybackConfig(String mediaAddress, int ioThreads, int diskThreads, long maxQueuedBytes,
                             long stallTimeoutMs, long connectTimeoutMs, int maxSessions, int sendBufferBytes,
                             int mediaPortMin, int mediaPortMax) {
    /** Defaults with ephemeral media ports; {@link #withMediaPorts} applies {@code media.port-range}. */
    public static PlaybackConfig defaults(String mediaAddress) {
        return new PlaybackConfig(mediaAddress, 2, 4, 1L << 20, 10_000, 10_000, 256, 1 << 20, 0, 0);
    }

    /** Media sockets bind to ports {@code min..max} ({@code media.port-range}, shared with ingest). */
    public PlaybackConfig withMediaPorts(int min, int max) {
        return new PlaybackConfig(mediaAddress, ioThreads, diskThreads, maxQueuedBytes, stallTimeoutMs, connectTimeoutMs,
            maxSessions, sendBufferBytes, min, max);
    }

    public PlaybackConfig withStallTimeoutMs(long ms) {
        return new PlaybackConfig(mediaAddress, ioThreads, diskThreads, maxQueuedBytes, ms, connectTimeoutMs, maxSessions,
            sendBufferBytes, mediaPortMin, mediaPortMax);
    }

    public PlaybackConfig withConnectTimeoutMs(long ms) {
        return new PlaybackConfig(mediaAddress, ioThreads, diskThreads, maxQueuedBytes, stallTimeoutMs, ms, maxSessions,
            sendBufferBytes, mediaPortMin, mediaPortMax);
    }

    public PlaybackConfig withSendBufferBytes(int bytes) {
        return new PlaybackConfig(mediaAddress, ioThreads, diskThreads, maxQueuedBytes, stallTimeoutMs, connectTimeoutMs,
            maxSessions, bytes, mediaPortMin, mediaPortMax);
    }
}
