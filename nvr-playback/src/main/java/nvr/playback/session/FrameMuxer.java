package nvr.playback.session;

import nvr.gb28181.ps.PsRtpPacketizer;

/** Turns one stream's stored frames into RTP packets of PS. One per session. */
public interface FrameMuxer {
    /** False for frames this stream does not carry (e.g. audio on a video-only stream): they are skipped. */
    boolean carries(int streamType);

    /**
     * The session's packetizer: frames are laid out into RTP packets ahead of sending (on the disk pool)
     * and stamped with sequence numbers and times when they leave (on the event loop).
     *
     * @param framed RFC 4571 length prefixes (RTP over TCP)
     */
    PsRtpPacketizer packetizer(long ssrc, int payloadType, int firstSequence, int maxPayload, boolean framed);

    /**
     * The muxer for the same video that also carries the camera's audio of PSM stream_type {@code audioStreamType}
     * (found in the recording), or this one when it cannot carry that audio (the audio is then skipped).
     */
    default FrameMuxer withAudio(int audioStreamType) {
        return this;
    }
}
