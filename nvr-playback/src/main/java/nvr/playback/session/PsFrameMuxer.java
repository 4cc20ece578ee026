package nvr.playback.session;

import nvr.gb28181.media.Codec;
import nvr.gb28181.ps.PsRtpPacketizer;

/** Stored frames -> MPEG-PS in RTP (pack header per frame, system header + PSM before keyframes), one pass. */
public final class PsFrameMuxer implements FrameMuxer {
    private final Codec video;

    private PsFrameMuxer(Codec video) {
        this.video = video;
    }

    /** A video-only PS muxer for stored stream_type 0x1B (H.264) or 0x24 (H.265). */
    public static PsFrameMuxer forStreamType(int streamType) {
        Codec c = Codec.fromStreamType(streamType);
        if (c == null || !c.isVideo()) {
            throw new IllegalArgumentException("not a video stream_type: 0x" + Integer.toHexString(streamType));
        }
        return new PsFrameMuxer(c);
    }

    @Override
    public boolean carries(int streamType) {
        return streamType == video.streamType();
    }

    @Override
    public PsRtpPacketizer packetizer(long ssrc, int payloadType, int firstSequence, int maxPayload, boolean framed) {
        return new PsRtpPacketizer(video, ssrc, payloadType, firstSequence, maxPayload, framed);
    }
}
