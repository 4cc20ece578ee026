package nvr.ingest.health;

import nvr.ingest.media.MediaTransport;
import nvr.ingest.media.StreamState;

/**
 * Snapshot of one camera stream's health, as {@code nvr cameras list} and the admin API show it.
 *
 * @param lastFrameMs wall-clock ms of the last frame handed to storage, or 0 when none yet
 * @param bitrateBps received RTP payload bits per second over the last few seconds
 * @param fps video frames per second over the last few seconds
 * @param gopFrames frames from the previous keyframe to the last one (0 until two keyframes were seen)
 * @param packetsLost packets never received (gaps given up by the reorder buffer)
 * @param packetsRejected datagrams/frames that were not RTP, had a wrong SSRC, or were RTCP
 * @param framesDroppedBroken frames dropped because a packet was lost in them or in their reference chain
 * @param framesDroppedOverload frames the storage writer refused (queue full)
 * @param psErrors PS packs that failed to parse (skipped up to the next pack header)
 */
public record StreamHealth(String cameraId, MediaTransport transport, int localPort, StreamState state,
                           long lastFrameMs, long bitrateBps, double fps, int gopFrames,
                           long packets, long packetsLost, long packetsReordered, long packetsDuplicate,
                           long packetsRejected, long framesStored, long framesDroppedBroken,
                           long framesDroppedOverload, long psErrors) {
}
