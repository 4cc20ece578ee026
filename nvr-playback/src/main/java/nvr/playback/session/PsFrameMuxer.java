package nvr.playback.session;

import nvr.gb28181.media.Codec;
import nvr.gb28181.ps.PsRtpPacketizer;

/**
 * Stored frames -> MPEG-PS in RTP (pack header per frame, system header + PSM before keyframes), one pass. With
 * audio, G.711 A-law/mu-law frames go on stream 0xC0 with PSM stream_type 0x90/0x91, as GB/T 28181 cameras send it.
 */
public final class PsFrameMuxer implements FrameMuxer {
    private final Codec video;
    private final Codec audio;

    private PsFrameMuxer(Codec video, Codec audio) {
        this.video = video;
        this.audio = audio;
    }

    /** A video-only PS muxer for stored stream_type 0x1B (H.264) or 0x24 (H.265). */
    public static PsFrameMuxer forStreamType(int streamType) {
        Codec c = Codec.fromStreamType(streamType);
        if (c == null || !c.isVideo()) {
            throw new IllegalArgumentException("not a video stream_type: 0x" + Integer.toHexString(streamType));
        }
        return new PsFrameMuxer(c, null);
    }

    /** G.711 (0x90 A-law, 0x91 mu-law) is carried; other audio (AAC, G.722.1, ...) is not sent yet. */
    @Override
    public FrameMuxer withAudio(int audioStreamType) {
        Codec a = Codec.fromStreamType(audioStreamType);
        return a == Codec.G711A || a == Codec.G711U ? new PsFrameMuxer(video, a) : this;
    }

    @Override
    public boolean carries(int streamType) {
        return streamType == video.streamType() || (audio != null && streamType == audio.streamType());
    }

    @Override
    public PsRtpPacketizer packetizer(long ssrc, int payloadType, int firstSequence, int maxPayload, boolean framed) {
        return new PsRtpPacketizer(video, audio, ssrc, payloadType, firstSequence, maxPayload, framed);
    }
}
