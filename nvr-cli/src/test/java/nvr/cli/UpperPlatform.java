package nvr.cli;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A police platform above the NVR, with its own SIP written and read as text on a loopback UDP socket
 * (none of our SIP code): answers the NVR's REGISTER with a digest challenge and checks the answer
 * (RFC 2617 without qop) before 200 OK, answers Keepalives, and hands every other message to the test.
 */
final class UpperPlatform implements AutoCloseable {
    static final String ID = "34020000002000000009";
    static final String DOMAIN = "3402000000";
    static final String PASSWORD = "platform-secret";
    private static final String NONCE = "5f1c0a1e9d";

    /** One SIP message as text: start line, headers (first value per lower-case name), body. */
    record Msg(String start, Map<String, String> headers, String body, String raw, InetSocketAddress source) {
        boolean isRequest(String method) {
            return start.startsWith(method + " ");
        }

        boolean isResponse() {
            return start.startsWith("SIP/2.0 ");
        }

        int status() {
            return Integer.parseInt(start.substring(8, 11));
        }

        String h(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }

        String callId() {
            return h("call-id");
        }
    }

    private final DatagramSocket socket;
    private final LinkedBlockingQueue<Msg> inbox = new LinkedBlockingQueue<>();
    private final Thread reader;
    private volatile InetSocketAddress nvr;
    volatile int registrations;
    volatile String registeredAs;
    volatile String registerProblem;
    volatile int keepalives;

    UpperPlatform() throws SocketException {
        socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        reader = new Thread(this::read, "upper-platform-sip");
        reader.setDaemon(true);
        reader.start();
    }

    int port() {
        return socket.getLocalPort();
    }

    /** Where the NVR's SIP listens (for requests we start; responses go to each request's source). */
    void nvr(int sipPort) {
        nvr = new InetSocketAddress(InetAddress.getLoopbackAddress(), sipPort);
    }

    void send(String text) throws IOException {
        send(text, nvr);
    }

    private void send(String text, InetSocketAddress to) throws IOException {
        byte[] b = text.getBytes(StandardCharsets.ISO_8859_1);
        socket.send(new DatagramPacket(b, b.length, to));
    }

    /** A request with a body (GB2312 MANSCDP or SDP), Content-Length in bytes. */
    void sendRequest(String headLines, String contentType, byte[] body) throws IOException {
        String head = headLines + "Content-Type: " + contentType + "\r\nContent-Length: " + body.length + "\r\n\r\n";
        byte[] h = head.getBytes(StandardCharsets.ISO_8859_1);
        byte[] all = new byte[h.length + body.length];
        System.arraycopy(h, 0, all, 0, h.length);
        System.arraycopy(body, 0, all, h.length, body.length);
        socket.send(new DatagramPacket(all, all.length, nvr));
    }

    /** The next message the test has not seen that matches; null after timeoutMs. Others stay queued. */
    Msg next(Predicate<Msg> want, long timeoutMs) throws InterruptedException {
        long end = System.currentTimeMillis() + timeoutMs;
        java.util.List<Msg> skipped = new java.util.ArrayList<>();
        try {
            while (true) {
                long left = end - System.currentTimeMillis();
                Msg m = left > 0 ? inbox.poll(left, TimeUnit.MILLISECONDS) : null;
                if (m == null || want.test(m)) {
                    return m;
                }
                skipped.add(m);
            }
        } finally {
            inbox.addAll(skipped);
        }
    }

    /** 200 OK (or another status) to a request, echoing its Via/From/To/Call-ID/CSeq; a To tag when absent. */
    void answer(Msg req, int status, String reason, String extraHeaders) throws IOException {
        String to = req.h("to");
        if (!to.contains(";tag=")) {
            to += ";tag=pf" + Integer.toHexString(req.callId().hashCode());
        }
        send("SIP/2.0 " + status + " " + reason + "\r\n"
                + "Via: " + req.h("via") + "\r\n"
                + "From: " + req.h("from") + "\r\n"
                + "To: " + to + "\r\n"
                + "Call-ID: " + req.callId() + "\r\n"
                + "CSeq: " + req.h("cseq") + "\r\n"
                + (extraHeaders == null ? "" : extraHeaders)
                + "Content-Length: 0\r\n\r\n", req.source()); // responses go where the request came from (rport)
    }

    private void read() {
        byte[] buf = new byte[65536];
        while (!socket.isClosed()) {
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            try {
                socket.receive(p);
                Msg m = parse(new String(p.getData(), 0, p.getLength(), StandardCharsets.ISO_8859_1),
                        (InetSocketAddress) p.getSocketAddress());
                if (m.isRequest("REGISTER")) {
                    onRegister(m);
                } else if (m.isRequest("MESSAGE") && m.body().contains("<CmdType>Keepalive</CmdType>")) {
                    keepalives++;
                    answer(m, 200, "OK", null);
                } else {
                    inbox.add(m);
                }
            } catch (IOException | RuntimeException e) {
                if (!socket.isClosed()) {
                    registerProblem = "platform could not read a datagram: " + e;
                }
            }
        }
    }

    /** GB/T 28181 9.1: first REGISTER gets 401 with our realm and nonce; the digest answer is checked. */
    private void onRegister(Msg m) throws IOException {
        String auth = m.h("authorization");
        if (auth == null) {
            answer(m, 401, "Unauthorized", "WWW-Authenticate: Digest realm=\"" + DOMAIN + "\", nonce=\"" + NONCE
                    + "\", algorithm=MD5\r\n");
            return;
        }
        Map<String, String> a = new LinkedHashMap<>();
        Matcher kv = Pattern.compile("(\\w+)=(?:\"([^\"]*)\"|([^,\\s]+))").matcher(auth.replaceFirst("(?i)^\\s*Digest\\s+", ""));
        while (kv.find()) {
            a.put(kv.group(1).toLowerCase(Locale.ROOT), kv.group(2) != null ? kv.group(2) : kv.group(3));
        }
        String ha1 = md5(a.get("username") + ":" + DOMAIN + ":" + PASSWORD);
        String ha2 = md5("REGISTER:" + a.get("uri"));
        String expected = a.get("qop") == null ? md5(ha1 + ":" + NONCE + ":" + ha2)
                : md5(ha1 + ":" + NONCE + ":" + a.get("nc") + ":" + a.get("cnonce") + ":" + a.get("qop") + ":" + ha2);
        if (!expected.equals(a.get("response")) || !a.get("username").matches("\\d{20}") || !NONCE.equals(a.get("nonce"))) {
            registerProblem = "bad digest answer from the NVR: " + auth;
            answer(m, 403, "Forbidden", null);
            return;
        }
        registeredAs = a.get("username");
        registrations++;
        answer(m, 200, "OK", "Expires: " + (m.h("expires") == null ? "3600" : m.h("expires")) + "\r\n");
    }

    private static String md5(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static final Map<String, String> COMPACT = Map.of("v", "via", "f", "from", "t", "to", "i", "call-id",
            "l", "content-length", "c", "content-type", "m", "contact");

    /** Text -> start line, headers, body (cut at Content-Length; MANSCDP bodies decoded as GB2312). */
    static Msg parse(String text, InetSocketAddress source) {
        int end = text.indexOf("\r\n\r\n");
        if (end < 0) {
            throw new IllegalArgumentException("no header end in: " + text);
        }
        String[] lines = text.substring(0, end).split("\r\n");
        Map<String, String> h = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int c = lines[i].indexOf(':');
            String name = lines[i].substring(0, c).trim().toLowerCase(Locale.ROOT);
            h.putIfAbsent(COMPACT.getOrDefault(name, name), lines[i].substring(c + 1).trim());
        }
        byte[] raw = text.substring(end + 4).getBytes(StandardCharsets.ISO_8859_1);
        int len = h.containsKey("content-length") ? Integer.parseInt(h.get("content-length")) : raw.length;
        String body = new String(raw, 0, Math.min(len, raw.length), Charset.forName("GB2312"));
        return new Msg(lines[0], h, body, text, source);
    }

    @Override
    public void close() {
        socket.close();
    }
}
