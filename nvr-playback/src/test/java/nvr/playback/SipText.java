package nvr.playback;

import java.nio.charset.StandardCharsets;
import nvr.gb28181.sdp.SdpParser;
import nvr.gb28181.sdp.SessionDescription;
import nvr.gb28181.sip.SipParser;
import nvr.gb28181.sip.SipRequest;

/** The test platform's SIP: requests written as text, as a platform would send them, parsed by the real parser. */
final class SipText {
    static final String PLATFORM = "34020000002000000009";
    static final String NVR = "34020000002000000001";

    static String playbackSdp(String kind, String channel, long startSec, long stopSec, String transport, int port,
                              String extra) {
        String proto = transport.equals("udp") ? "RTP/AVP" : "TCP/RTP/AVP";
        StringBuilder b = new StringBuilder();
        b.append("v=0\r\n");
        b.append("o=").append(PLATFORM).append(" 0 0 IN IP4 127.0.0.1\r\n");
        b.append("s=").append(kind).append("\r\n");
        b.append("u=").append(channel).append(":0\r\n");
        b.append("c=IN IP4 127.0.0.1\r\n");
        b.append("t=").append(startSec).append(' ').append(stopSec).append("\r\n");
        b.append("m=video ").append(port).append(' ').append(proto).append(" 96 98 97\r\n");
        b.append("a=recvonly\r\n");
        b.append("a=rtpmap:96 PS/90000\r\na=rtpmap:98 H264/90000\r\na=rtpmap:97 MPEG4/90000\r\n");
        if (transport.equals("tcp-passive")) {
            b.append("a=setup:passive\r\na=connection:new\r\n");
        } else if (transport.equals("tcp-active")) {
            b.append("a=setup:active\r\na=connection:new\r\n");
        }
        if (extra != null) {
            b.append(extra);
        }
        b.append("y=0100000001\r\n");
        return b.toString();
    }

    static SipRequest invite(String callId, String channel, String sdp) throws Exception {
        return request("INVITE", callId, channel, 1, "APPLICATION/SDP", sdp);
    }

    static SipRequest info(String callId, String channel, int cseq, String mansrtsp) throws Exception {
        return request("INFO", callId, channel, cseq, "Application/MANSRTSP", mansrtsp);
    }

    static SipRequest request(String method, String callId, String channel, int cseq, String type, String body)
            throws Exception {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        String text = method + " sip:" + channel + "@3402000000 SIP/2.0\r\n"
            + "Via: SIP/2.0/UDP 127.0.0.1:5061;rport;branch=z9hG4bK" + callId.hashCode() + cseq + "\r\n"
            + "From: <sip:" + PLATFORM + "@3402000000>;tag=platformtag\r\n"
            + "To: <sip:" + channel + "@3402000000>" + (method.equals("INVITE") ? "" : ";tag=nvrtag") + "\r\n"
            + "Call-ID: " + callId + "\r\n"
            + "CSeq: " + cseq + " " + method + "\r\n"
            + "Contact: <sip:" + PLATFORM + "@127.0.0.1:5061>\r\n"
            + "Max-Forwards: 70\r\n"
            + (method.equals("INVITE") ? "Subject: " + channel + ":1," + PLATFORM + ":0\r\n" : "")
            + "Content-Type: " + type + "\r\n"
            + "Content-Length: " + b.length + "\r\n\r\n";
        byte[] head = text.getBytes(StandardCharsets.UTF_8);
        byte[] all = new byte[head.length + b.length];
        System.arraycopy(head, 0, all, 0, head.length);
        System.arraycopy(b, 0, all, head.length, b.length);
        return (SipRequest) new SipParser().parse(all);
    }

    static SessionDescription sdp(SipRequest r) throws Exception {
        return SdpParser.parse(r.body());
    }

    private SipText() {
    }
}
