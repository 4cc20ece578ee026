package nvr.gb28181.sip;

/**
 * SIP texts as deployed devices and platforms send them, typed from public GB/T 28181 traces (vendor
 * manuals, WVP/ZLMediaKit/SRS issue logs): header order, casing, Via parameter order, User-Agent strings
 * and body shapes follow the originals; ids and addresses are the standard's example ids.
 */
public final class VendorTexts {
    private VendorTexts() {
    }

    /** Hikvision IPC (DS-2CD series, "IP Camera" UA): first REGISTER, no credentials. */
    public static final String HIKVISION_REGISTER = """
            REGISTER sip:34020000002000000001@3402000000 SIP/2.0
            Via: SIP/2.0/UDP 192.168.1.64:5060;rport;branch=z9hG4bK1371463273
            From: <sip:34020000001320000001@3402000000>;tag=2043466181
            To: <sip:34020000001320000001@3402000000>
            Call-ID: 1011047669
            CSeq: 1 REGISTER
            Contact: <sip:34020000001320000001@192.168.1.64:5060>
            Max-Forwards: 70
            User-Agent: IP Camera
            Expires: 3600
            Content-Length: 0

            """;

    /** Hikvision's second REGISTER: unquoted qop/nc/algorithm, as its firmware writes them. */
    public static final String HIKVISION_REGISTER_AUTH_TEMPLATE = """
            REGISTER sip:34020000002000000001@3402000000 SIP/2.0
            Via: SIP/2.0/UDP 192.168.1.64:5060;rport;branch=z9hG4bK1556932142
            From: <sip:34020000001320000001@3402000000>;tag=2043466181
            To: <sip:34020000001320000001@3402000000>
            Call-ID: 1011047669
            CSeq: 2 REGISTER
            Contact: <sip:34020000001320000001@192.168.1.64:5060>
            Authorization: Digest username="34020000001320000001", realm="%s", nonce="%s", uri="sip:34020000002000000001@3402000000", response="%s", algorithm=MD5, cnonce="0a4f113b", qop=auth, nc=00000001
            Max-Forwards: 70
            User-Agent: IP Camera
            Expires: 3600
            Content-Length: 0

            """;

    /** Dahua IPC: branch before rport, Call-ID with @host, GB2312 keepalive. */
    public static final String DAHUA_REGISTER = """
            REGISTER sip:34020000002000000001@3402000000 SIP/2.0
            Via: SIP/2.0/UDP 192.168.1.108:5060;branch=z9hG4bK1885712410;rport
            From: <sip:34020000001320000002@3402000000>;tag=1574421013
            To: <sip:34020000001320000002@3402000000>
            Call-ID: 1483410452@192.168.1.108
            CSeq: 1 REGISTER
            Contact: <sip:34020000001320000002@192.168.1.108:5060>
            Max-Forwards: 70
            User-Agent: Dahua SIP UAS V2.0
            Expires: 3600
            Content-Length: 0

            """;

    public static final String DAHUA_KEEPALIVE_BODY = "<?xml version=\"1.0\" encoding=\"GB2312\"?>\r\n"
            + "<Notify>\r\n<CmdType>Keepalive</CmdType>\r\n<SN>80</SN>\r\n<DeviceID>34020000001320000002</DeviceID>\r\n"
            + "<Status>OK</Status>\r\n<Info>\r\n</Info>\r\n</Notify>\r\n";

    public static String dahuaKeepalive(int cseq) {
        return "MESSAGE sip:34020000002000000001@3402000000 SIP/2.0\r\n"
                + "Via: SIP/2.0/UDP 192.168.1.108:5060;branch=z9hG4bK17640518" + cseq + ";rport\r\n"
                + "From: <sip:34020000001320000002@3402000000>;tag=1290741839\r\n"
                + "To: <sip:34020000002000000001@3402000000>\r\n"
                + "Call-ID: 1960390939" + cseq + "@192.168.1.108\r\n"
                + "CSeq: " + cseq + " MESSAGE\r\n"
                + "Content-Type: Application/MANSCDP+xml\r\n"
                + "Max-Forwards: 70\r\n"
                + "User-Agent: Dahua SIP UAS V2.0\r\n"
                + "Content-Length: " + DAHUA_KEEPALIVE_BODY.length() + "\r\n\r\n"
                + DAHUA_KEEPALIVE_BODY;
    }

    /** WVP-Pro (as an upper platform) INVITE for Playback over TCP passive, with its characteristic Via branch. */
    public static final String WVP_PLAYBACK_SDP = "v=0\r\n"
            + "o=34020000001320000001 0 0 IN IP4 192.168.1.10\r\n"
            + "s=Playback\r\n"
            + "u=34020000001320000001:0\r\n"
            + "c=IN IP4 192.168.1.10\r\n"
            + "t=1700000000 1700003600\r\n"
            + "m=video 30002 TCP/RTP/AVP 96 97 98 99\r\n"
            + "a=recvonly\r\n"
            + "a=rtpmap:96 PS/90000\r\n"
            + "a=rtpmap:98 H264/90000\r\n"
            + "a=rtpmap:97 MPEG4/90000\r\n"
            + "a=rtpmap:99 H265/90000\r\n"
            + "a=setup:passive\r\n"
            + "a=connection:new\r\n"
            + "y=1200001234\r\n";

    public static String wvpPlaybackInvite(String requestUriHostPort) {
        return "INVITE sip:34020000001320000001@" + requestUriHostPort + " SIP/2.0\r\n"
                + "Call-ID: 7a2d2f1c2a6a0b6b7e9c1f8c0f4a5b6c@0.0.0.0\r\n"
                + "CSeq: 1 INVITE\r\n"
                + "From: <sip:34020000002000000009@3402000000>;tag=ed4f0c6a\r\n"
                + "To: <sip:34020000001320000001@3402000000>\r\n"
                + "Via: SIP/2.0/UDP 127.0.0.1:5061;branch=z9hG4bK-524287-1---6a6f8a3f0bfb5c07;rport\r\n"
                + "Max-Forwards: 70\r\n"
                + "User-Agent: WVP-Pro v2.7.0\r\n"
                + "Subject: 34020000001320000001:1200001234,34020000002000000009:0\r\n"
                + "Contact: <sip:34020000002000000009@127.0.0.1:5061>\r\n"
                + "Content-Type: Application/SDP\r\n"
                + "Content-Length: " + WVP_PLAYBACK_SDP.length() + "\r\n\r\n"
                + WVP_PLAYBACK_SDP;
    }

    /** Hikvision's 200 OK answer to a live INVITE (SDP with y= and f=). */
    public static final String HIKVISION_INVITE_200 = """
            SIP/2.0 200 OK\r
            Via: SIP/2.0/UDP 192.168.1.10:5060;rport=5060;branch=z9hG4bK3a5e1c0b\r
            From: <sip:34020000002000000001@3402000000>;tag=0f34b1a2\r
            To: <sip:34020000001320000001@3402000000>;tag=1197380862\r
            Call-ID: 5a1c2d3e4f\r
            CSeq: 1 INVITE\r
            Contact: <sip:34020000001320000001@192.168.1.64:5060>\r
            Content-Type: application/sdp\r
            User-Agent: IP Camera\r
            Content-Length:   189\r
            \r
            v=0\r
            o=34020000001320000001 2192 2192 IN IP4 192.168.1.64\r
            s=Play\r
            c=IN IP4 192.168.1.64\r
            t=0 0\r
            m=video 15060 RTP/AVP 96\r
            a=sendonly\r
            a=rtpmap:96 PS/90000\r
            a=filesize:0\r
            y=0200000001\r
            f=\r
            """;
}
