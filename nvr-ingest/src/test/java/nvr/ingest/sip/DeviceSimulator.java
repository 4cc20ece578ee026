package nvr.ingest.sip;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A GB/T 28181 IP camera in its own process, with its OWN minimal SIP stack (plain text over a
 * DatagramSocket, regexes, its own MD5 digest) so the NVR is tested against an independent implementation:
 * REGISTER with digest (qop=auth), Keepalive every period, answers Catalog and DeviceInfo queries, answers
 * INVITE and after ACK streams the PS/RTP payloads of a ZLMediaKit pcap (looped, sequence numbers and
 * timestamps kept continuous) to the port in the offer, stops on BYE.
 *
 * <p>Args: deviceId channelId serverHost serverPort password keepaliveMs pcapFile. Prints "REGISTERED" and
 * "STREAMING port" lines for the test to follow.
 */
public final class DeviceSimulator {
    private static final Charset GB2312 = Charset.forName("GB2312");
    private final String deviceId;
    private final String channelId;
    private final InetSocketAddress server;
    private final String password;
    private final long keepaliveMs;
    private final List<byte[]> rtp;
    private final DatagramSocket socket;
    private final String localHost = "127.0.0.1";
    private volatile boolean registered;
    private volatile InetSocketAddress mediaTarget;
    private volatile String streamCallId;
    private int cseq = 1;
    private int sn = 1;
    private final String regCallId = Long.toHexString(System.nanoTime()) + "@127.0.0.1";

    DeviceSimulator(String[] a) throws IOException {
        deviceId = a[0];
        channelId = a[1];
        server = new InetSocketAddress(a[2], Integer.parseInt(a[3]));
        password = a[4];
        keepaliveMs = Long.parseLong(a[5]);
        rtp = readPcapUdpPayloads(Path.of(a[6]));
        socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    }

    public static void main(String[] args) throws Exception {
        DeviceSimulator d = new DeviceSimulator(args);
        Thread rx = new Thread(d::receiveLoop, "rx");
        rx.setDaemon(true);
        rx.start();
        Thread media = new Thread(d::mediaLoop, "media");
        media.setDaemon(true);
        media.start();
        while (true) {
            if (!d.registered) {
                d.send(d.register(null));
                Thread.sleep(1000);
            } else {
                d.send(d.keepalive());
                Thread.sleep(d.keepaliveMs);
            }
        }
    }

    // ------------------------------------------------------------------ outgoing

    private synchronized String headers(String method, String uri, String toUser, String callId, String extra) {
        return method + " " + uri + " SIP/2.0\r\n"
                + "Via: SIP/2.0/UDP " + localHost + ":" + socket.getLocalPort() + ";rport;branch=z9hG4bK" + System.nanoTime() + "\r\n"
                + "From: <sip:" + deviceId + "@3402000000>;tag=" + (deviceId.hashCode() & 0x7fffffff) + "\r\n"
                + "To: <sip:" + toUser + "@3402000000>\r\n"
                + "Call-ID: " + callId + "\r\n"
                + "CSeq: " + (cseq++) + " " + method + "\r\n"
                + "Contact: <sip:" + deviceId + "@" + localHost + ":" + socket.getLocalPort() + ">\r\n"
                + "Max-Forwards: 70\r\nUser-Agent: SimCam 1.0\r\n" + extra;
    }

    private String register(Map<String, String> challenge) {
        String uri = "sip:34020000002000000001@3402000000";
        String auth = "";
        if (challenge != null) {
            String realm = challenge.get("realm");
            String nonce = challenge.get("nonce");
            String cnonce = Long.toHexString(System.nanoTime());
            String ha1 = md5(deviceId + ":" + realm + ":" + password);
            String ha2 = md5("REGISTER:" + uri);
            String resp = md5(ha1 + ":" + nonce + ":00000001:" + cnonce + ":auth:" + ha2);
            auth = "Authorization: Digest username=\"" + deviceId + "\", realm=\"" + realm + "\", nonce=\"" + nonce
                    + "\", uri=\"" + uri + "\", response=\"" + resp + "\", algorithm=MD5, cnonce=\"" + cnonce
                    + "\", qop=auth, nc=00000001\r\n";
        }
        return headers("REGISTER", uri, deviceId, regCallId, auth + "Expires: 3600\r\n") + "Content-Length: 0\r\n\r\n";
    }

    private String message(String xml) {
        byte[] body = xml.getBytes(GB2312);
        return headers("MESSAGE", "sip:34020000002000000001@3402000000", "34020000002000000001",
                Long.toHexString(System.nanoTime()), "Content-Type: Application/MANSCDP+xml\r\n")
                + "Content-Length: " + body.length + "\r\n\r\n" + new String(body, StandardCharsets.ISO_8859_1);
    }

    private String keepalive() {
        return message("<?xml version=\"1.0\" encoding=\"GB2312\"?>\r\n<Notify>\r\n<CmdType>Keepalive</CmdType>\r\n<SN>"
                + (sn++) + "</SN>\r\n<DeviceID>" + deviceId + "</DeviceID>\r\n<Status>OK</Status>\r\n</Notify>\r\n");
    }

    private void send(String text) {
        byte[] b = text.getBytes(StandardCharsets.ISO_8859_1);
        try {
            socket.send(new DatagramPacket(b, b.length, server));
        } catch (IOException e) {
            System.out.println("send failed " + e);
        }
    }

    // ------------------------------------------------------------------ incoming

    private void receiveLoop() {
        byte[] buf = new byte[65536];
        while (true) {
            try {
                DatagramPacket p = new DatagramPacket(buf, buf.length);
                socket.receive(p);
                onText(new String(p.getData(), 0, p.getLength(), StandardCharsets.ISO_8859_1));
            } catch (Exception e) {
                System.out.println("rx error " + e);
            }
        }
    }

    private static String header(String msg, String name) {
        Matcher m = Pattern.compile("(?im)^" + Pattern.quote(name) + "\\s*:\\s*(.*?)\\r?$").matcher(msg);
        return m.find() ? m.group(1).trim() : null;
    }

    private static String body(String msg) {
        int i = msg.indexOf("\r\n\r\n");
        return i < 0 ? "" : msg.substring(i + 4);
    }

    private void onText(String msg) {
        String first = msg.substring(0, msg.indexOf("\r\n"));
        if (first.startsWith("SIP/2.0 ")) {
            int status = Integer.parseInt(first.substring(8, 11));
            if (header(msg, "CSeq").endsWith("REGISTER")) {
                if (status == 401) {
                    send(register(params(header(msg, "WWW-Authenticate"))));
                } else if (status == 200) {
                    if (!registered) {
                        System.out.println("REGISTERED");
                    }
                    registered = true;
                } else {
                    System.out.println("REGISTER answered " + status);
                }
            }
            return;
        }
        String method = first.substring(0, first.indexOf(' '));
        switch (method) {
            case "MESSAGE" -> {
                send(response(msg, 200, "OK", null, null));
                String xml = new String(body(msg).getBytes(StandardCharsets.ISO_8859_1), GB2312);
                if (xml.contains("<CmdType>Catalog</CmdType>")) {
                    send(message(catalog(tag(xml, "SN"))));
                } else if (xml.contains("<CmdType>DeviceInfo</CmdType>")) {
                    send(message("<?xml version=\"1.0\" encoding=\"GB2312\"?>\r\n<Response>\r\n<CmdType>DeviceInfo</CmdType>\r\n<SN>"
                            + tag(xml, "SN") + "</SN>\r\n<DeviceID>" + deviceId + "</DeviceID>\r\n<Result>OK</Result>\r\n"
                            + "<DeviceName>SimCam</DeviceName>\r\n<Manufacturer>SimVendor</Manufacturer>\r\n<Model>SIM-1</Model>\r\n"
                            + "<Firmware>V1.0</Firmware>\r\n</Response>\r\n"));
                }
            }
            case "INVITE" -> {
                String offer = body(msg);
                Matcher c = Pattern.compile("c=IN IP4 (\\S+)").matcher(offer);
                Matcher m = Pattern.compile("m=video (\\d+)").matcher(offer);
                Matcher y = Pattern.compile("y=(\\d+)").matcher(offer);
                if (!c.find() || !m.find()) {
                    send(response(msg, 488, "Not Acceptable Here", null, null));
                    return;
                }
                String ssrc = y.find() ? y.group(1) : "0000000000";
                String answer = "v=0\r\no=" + channelId + " 0 0 IN IP4 127.0.0.1\r\ns=Play\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
                        + "m=video 15060 RTP/AVP 96\r\na=sendonly\r\na=rtpmap:96 PS/90000\r\ny=" + ssrc + "\r\n";
                send(response(msg, 200, "OK", "Content-Type: application/sdp\r\n", answer));
                mediaTarget = new InetSocketAddress(c.group(1), Integer.parseInt(m.group(1)));
                streamCallId = header(msg, "Call-ID");
            }
            case "ACK" -> {
                if (header(msg, "Call-ID").equals(streamCallId) && mediaTarget != null) {
                    System.out.println("STREAMING " + mediaTarget.getPort());
                    synchronized (this) {
                        notifyAll();
                    }
                }
            }
            case "BYE" -> {
                send(response(msg, 200, "OK", null, null));
                if (header(msg, "Call-ID").equals(streamCallId)) {
                    streamCallId = null;
                    mediaTarget = null;
                    System.out.println("BYE");
                }
            }
            default -> send(response(msg, 405, "Method Not Allowed", null, null));
        }
    }

    private String catalog(String querySn) {
        return "<?xml version=\"1.0\" encoding=\"GB2312\"?>\r\n<Response>\r\n<CmdType>Catalog</CmdType>\r\n<SN>" + querySn
                + "</SN>\r\n<DeviceID>" + deviceId + "</DeviceID>\r\n<SumNum>1</SumNum>\r\n<DeviceList Num=\"1\">\r\n<Item>\r\n"
                + "<DeviceID>" + channelId + "</DeviceID>\r\n<Name>\u5357\u95e8\u53e3</Name>\r\n<Manufacturer>SimVendor</Manufacturer>\r\n"
                + "<Model>SIM-1</Model>\r\n<Owner>0</Owner>\r\n<CivilCode>340200</CivilCode>\r\n<Address>Gate</Address>\r\n"
                + "<Parental>0</Parental>\r\n<ParentID>" + deviceId + "</ParentID>\r\n<SafetyWay>0</SafetyWay>\r\n"
                + "<RegisterWay>1</RegisterWay>\r\n<Secrecy>0</Secrecy>\r\n<Status>ON</Status>\r\n<Longitude>117.2272</Longitude>\r\n"
                + "<Latitude>31.8206</Latitude>\r\n</Item>\r\n</DeviceList>\r\n</Response>\r\n";
    }

    private static String tag(String xml, String name) {
        Matcher m = Pattern.compile("<" + name + ">(.*?)</" + name + ">", Pattern.DOTALL).matcher(xml);
        return m.find() ? m.group(1).trim() : "";
    }

    private String response(String req, int status, String reason, String extra, String body) {
        StringBuilder b = new StringBuilder("SIP/2.0 ").append(status).append(' ').append(reason).append("\r\n");
        for (String line : req.substring(0, req.indexOf("\r\n\r\n")).split("\r\n")) {
            String l = line.toLowerCase();
            if (l.startsWith("via:") || l.startsWith("from:") || l.startsWith("call-id:") || l.startsWith("cseq:")) {
                b.append(line).append("\r\n");
            } else if (l.startsWith("to:")) {
                b.append(line).append(line.contains(";tag=") ? "" : ";tag=sim" + (status * 7)).append("\r\n");
            }
        }
        b.append("Contact: <sip:").append(channelId).append('@').append(localHost).append(':').append(socket.getLocalPort())
                .append(">\r\nUser-Agent: SimCam 1.0\r\n");
        if (extra != null) {
            b.append(extra);
        }
        String bd = body == null ? "" : body;
        return b.append("Content-Length: ").append(bd.length()).append("\r\n\r\n").append(bd).toString();
    }

    private static Map<String, String> params(String header) {
        Map<String, String> out = new LinkedHashMap<>();
        Matcher m = Pattern.compile("(\\w+)=(\"([^\"]*)\"|[^,\\s]+)").matcher(header);
        while (m.find()) {
            out.put(m.group(1).toLowerCase(), m.group(3) != null ? m.group(3) : m.group(2));
        }
        return out;
    }

    private static String md5(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    // ------------------------------------------------------------------ media

    /** Streams the capture to the invited port at about 2x real time, looping with continuous seq/timestamps. */
    private void mediaLoop() {
        int seq = 0;
        long tsBase = 0;
        try (DatagramSocket media = new DatagramSocket()) {
            while (true) {
                InetSocketAddress target = mediaTarget;
                if (target == null) {
                    synchronized (this) {
                        wait(200);
                    }
                    continue;
                }
                long firstTs = ByteBuffer.wrap(rtp.get(0)).getInt(4) & 0xFFFFFFFFL;
                long lastTs = firstTs;
                for (int i = 0; i < rtp.size() && mediaTarget != null; i++) {
                    byte[] p = rtp.get(i).clone();
                    ByteBuffer bb = ByteBuffer.wrap(p);
                    long ts = bb.getInt(4) & 0xFFFFFFFFL;
                    lastTs = ts;
                    bb.putShort(2, (short) seq++);
                    bb.putInt(4, (int) (ts - firstTs + tsBase));
                    media.send(new DatagramPacket(p, p.length, mediaTarget));
                    if ((i & 3) == 0) {
                        Thread.sleep(1);
                    }
                }
                tsBase += lastTs - firstTs + 3600;
            }
        } catch (Exception e) {
            System.out.println("media error " + e);
        }
    }

    /** UDP payloads of a classic Ethernet/IPv4 pcap. */
    static List<byte[]> readPcapUdpPayloads(Path file) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file));
        if (b.getInt(0) == 0xD4C3B2A1) {
            b.order(ByteOrder.LITTLE_ENDIAN);
        }
        List<byte[]> out = new ArrayList<>();
        int pos = 24;
        while (pos + 16 <= b.limit()) {
            int incl = b.getInt(pos + 8);
            int rec = pos + 16;
            pos = rec + incl;
            ByteBuffer be = b.duplicate().order(ByteOrder.BIG_ENDIAN);
            int ip = rec + 14;
            if ((be.get(rec + 12) & 0xFF) != 0x08 || be.get(rec + 13) != 0 || be.get(ip + 9) != 17) {
                continue;
            }
            int ihl = (be.get(ip) & 0x0F) * 4;
            int udp = ip + ihl;
            int len = (be.getShort(udp + 4) & 0xFFFF) - 8;
            byte[] payload = new byte[len];
            be.position(udp + 8);
            be.get(payload);
            out.add(payload);
        }
        return out;
    }
}
