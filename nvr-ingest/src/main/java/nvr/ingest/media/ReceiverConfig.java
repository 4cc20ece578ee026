package nvr.ingest.media;

/**
 * Settings of the RTP receivers.
 *
 * @param bindAddress local address to listen on ("0.0.0.0" for all)
 * @param portRange {@code media.port-range}: ports handed to invited streams
 * @param udpReceiveBufferBytes SO_RCVBUF per UDP port; cameras start with a GOP burst, so it must hold seconds
 *        of video (capped by the kernel's net.core.rmem_max, a warning says so)
 * @param reorderWindowPackets packets the reorder buffer holds before it gives a gap up as lost
 * @param reorderMaxDelayMs how long a gap may wait for its late packet
 * @param stallAfterMs no frame for this long: STALLED (must stay under 5 s minus the 0.5 s health tick)
 * @param offlineAfterMs no frame for this long: OFFLINE
 * @param tcpIdleTimeoutMs a TCP media connection silent this long is closed (a peer stalled mid-frame)
 * @param ioThreads event-loop threads; 0 = one per four cores (at least one): fewer loops batch more datagrams per
 *        wake-up, and measured on 2 cores at 64 cameras one loop used 7% of a core, two 18%, four 28%
 */
public record ReceiverConfig(String bindAddress, PortRange portRange, int udpReceiveBufferBytes,
                             int reorderWindowPackets, int reorderMaxDelayMs, int stallAfterMs, int offlineAfterMs,
                             int tcpIdleTimeoutMs, int ioThreads) {
    public ReceiverConfig {
        if (stallAfterMs <= 0 || stallAfterMs > 4500) {
            throw new IllegalArgumentException("stallAfterMs must be 1..4500 so a stall is seen within 5 s, got " + stallAfterMs);
        }
        if (reorderWindowPackets < 4 || reorderWindowPackets > 4096) {
            throw new IllegalArgumentException("reorderWindowPackets must be 4..4096, got " + reorderWindowPackets);
        }
    }

    public static ReceiverConfig defaults(PortRange portRange) {
        return new ReceiverConfig("0.0.0.0", portRange, 4 << 20, 256, 200, 3000, 60_000, 10_000, 0);
    }

    public ReceiverConfig withBindAddress(String address) {
        return new ReceiverConfig(address, portRange, udpReceiveBufferBytes, reorderWindowPackets, reorderMaxDelayMs,
                stallAfterMs, offlineAfterMs, tcpIdleTimeoutMs, ioThreads);
    }

    public ReceiverConfig withIoThreads(int threads) {
        return new ReceiverConfig(bindAddress, portRange, udpReceiveBufferBytes, reorderWindowPackets, reorderMaxDelayMs,
                stallAfterMs, offlineAfterMs, tcpIdleTimeoutMs, threads);
    }

    public ReceiverConfig withTimeouts(int stallAfterMs, int offlineAfterMs, int tcpIdleTimeoutMs) {
        return new ReceiverConfig(bindAddress, portRange, udpReceiveBufferBytes, reorderWindowPackets, reorderMaxDelayMs,
                stallAfterMs, offlineAfterMs, tcpIdleTimeoutMs, ioThreads);
    }
}
