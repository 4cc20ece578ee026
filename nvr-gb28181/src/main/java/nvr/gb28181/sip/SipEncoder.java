package nvr.gb28181.sip;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/** Writes a message as wire bytes: start line, headers in order, Content-Length from the body, body. */
public final class SipEncoder {
    private SipEncoder() {
    }

    public static byte[] encode(SipMessage msg) {
        StringBuilder b = new StringBuilder(512);
        b.append(msg.startLine()).append("\r\n");
        for (Map.Entry<String, String> e : msg.headers().entries()) {
            if (e.getKey().equals("Content-Length")) {
                continue;
            }
            b.append(e.getKey()).append(": ").append(e.getValue()).append("\r\n");
        }
        b.append("Content-Length: ").append(msg.body().length).append("\r\n\r\n");
        byte[] head = b.toString().getBytes(StandardCharsets.ISO_8859_1);
        ByteArrayOutputStream out = new ByteArrayOutputStream(head.length + msg.body().length);
        out.writeBytes(head);
        out.writeBytes(msg.body());
        return out.toByteArray();
    }
}
