package nvr.gb28181.mansrtsp;

import java.nio.charset.StandardCharsets;

/** Builds MANSRTSP answers: {@code RTSP/1.0 200 OK} with CSeq and, for PLAY, RTP-Info. */
public final class MansRtspResponse {
    private MansRtspResponse() {
    }

    /** {@code RTSP/1.0 <status> <reason>}; rtpInfo may be null (added as {@code RTP-Info: seq=..;rtptime=..}). */
    public static byte[] encode(int status, String reason, int cseq, RtpInfo rtpInfo) {
        StringBuilder sb = new StringBuilder(128);
        sb.append("RTSP/1.0 ").append(status).append(' ').append(reason).append("\r\n");
        sb.append("CSeq: ").append(cseq).append("\r\n");
        if (rtpInfo != null) {
            sb.append("RTP-Info: seq=").append(rtpInfo.seq() & 0xFFFF)
              .append(";rtptime=").append(rtpInfo.rtpTime() & 0xFFFFFFFFL).append("\r\n");
        }
        sb.append("\r\n");
        return sb.toString().getBytes(StandardCharsets.US_ASCII);
    }

    /** The next RTP sequence number and timestamp the sender will use after the request took effect. */
    public record RtpInfo(int seq, long rtpTime) {
    }
}
