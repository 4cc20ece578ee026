package nvr.gb28181.sip;

import io.netty.buffer.ByteBuf;
import nvr.gb28181.WireFormatException;

/**
 * Cuts SIP messages out of a TCP byte stream (RFC 3261 18.3): header section up to the blank line,
 * then exactly Content-Length body bytes. Leading CRLFs (keepalive pings) are skipped. It never
 * buffers more than the header limit before seeing the blank line, nor a body over the body limit;
 * a violation is a {@link WireFormatException} and the connection must be closed (framing is lost).
 */
public final class SipStreamFramer {
    private final SipParser parser;

    public SipStreamFramer(SipParser parser) {
        this.parser = parser;
    }

    /**
     * Takes one complete message from {@code in} (advancing its reader index) or returns null and
     * leaves {@code in} untouched when more bytes are needed.
     */
    public SipMessage next(ByteBuf in) throws WireFormatException {
        while (in.isReadable() && (in.getByte(in.readerIndex()) == '\r' || in.getByte(in.readerIndex()) == '\n')) {
            in.skipBytes(1);
        }
        int readable = in.readableBytes();
        if (readable == 0) {
            return null;
        }
        SipLimits limits = parser.limits();
        int scan = Math.min(readable, limits.maxHeaderBytes());
        byte[] head = new byte[scan];
        in.getBytes(in.readerIndex(), head);
        int headerEnd = SipParser.findHeaderEnd(head, 0, scan);
        if (headerEnd < 0) {
            if (readable >= limits.maxHeaderBytes()) {
                throw new WireFormatException("sip", "header section longer than " + limits.maxHeaderBytes() + " bytes");
            }
            return null;
        }
        int contentLength = contentLength(head, headerEnd, limits.maxBodyBytes());
        int total = headerEnd + contentLength;
        if (readable < total) {
            return null;
        }
        byte[] frame = new byte[total];
        in.readBytes(frame);
        return parser.parse(frame, 0, total, true);
    }

    /** Finds Content-Length (or compact "l") in the header bytes; 0 when absent. */
    private static int contentLength(byte[] head, int headerEnd, int max) throws WireFormatException {
        int lineStart = 0;
        for (int i = 0; i < headerEnd; i++) {
            if (head[i] == '\n') {
                int len = i - lineStart;
                String line = new String(head, lineStart, len, java.nio.charset.StandardCharsets.ISO_8859_1).trim();
                int colon = line.indexOf(':');
                if (colon > 0) {
                    String name = line.substring(0, colon).trim();
                    if (name.equalsIgnoreCase("Content-Length") || name.equalsIgnoreCase("l")) {
                        return SipParser.parseContentLength(line.substring(colon + 1), max);
                    }
                }
                lineStart = i + 1;
            }
        }
        return 0;
    }
}
