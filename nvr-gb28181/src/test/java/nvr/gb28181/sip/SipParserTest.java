package nvr.gb28181.sip;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import nvr.gb28181.WireFormatException;
import nvr.gb28181.sdp.SdpParser;
import nvr.gb28181.sdp.SessionDescription;
import org.junit.jupiter.api.Test;

class SipParserTest {
    private final SipParser parser = new SipParser();

    private static byte[] crlf(String lfText) {
        return lfText.replace("\r\n", "\n").replace("\n", "\r\n").getBytes(StandardCharsets.ISO_8859_1);
    }

    @Test
    void parsesHikvisionRegisterWithLfOnlyLines() throws Exception {
        SipRequest r = (SipRequest) parser.parse(VendorTexts.HIKVISION_REGISTER.getBytes(StandardCharsets.ISO_8859_1));
        assertEquals("REGISTER", r.method());
        assertEquals("34020000001320000001", r.from().user());
        assertEquals("2043466181", r.from().tag());
        assertEquals(new CSeq(1, "REGISTER"), r.cseq());
        assertEquals("z9hG4bK1371463273", r.topVia().branch());
        assertTrue(r.topVia().params().containsKey("rport"));
        assertEquals(3600, r.expires(-1));
        assertEquals(0, r.body().length);
    }

    @Test
    void parsesDahuaKeepaliveAndKeepsBodyBytes() throws Exception {
        SipRequest r = (SipRequest) parser.parse(VendorTexts.dahuaKeepalive(20).getBytes(StandardCharsets.ISO_8859_1));
        assertEquals("MESSAGE", r.method());
        assertEquals("application/manscdp+xml", r.contentType());
        assertEquals("1960390939" + 20 + "@192.168.1.108", r.callId());
        assertEquals(VendorTexts.DAHUA_KEEPALIVE_BODY, new String(r.body(), StandardCharsets.ISO_8859_1));
        assertEquals("192.168.1.108", r.topVia().host());
        assertEquals(5060, r.topVia().port());
    }

    @Test
    void parsesWvpPlaybackInviteAndItsSdp() throws Exception {
        SipRequest r = (SipRequest) parser.parse(VendorTexts.wvpPlaybackInvite("127.0.0.1:5060").getBytes(StandardCharsets.ISO_8859_1));
        assertEquals("z9hG4bK-524287-1---6a6f8a3f0bfb5c07", r.topVia().branch());
        assertEquals("34020000001320000001", SipUri.parse(r.uri()).user());
        SessionDescription sdp = SdpParser.parse(r.body());
        assertEquals(SessionDescription.Kind.PLAYBACK, sdp.kind());
        assertEquals("34020000001320000001", sdp.uriChannelId());
        assertEquals(1700000000L, sdp.startEpochSeconds());
        assertEquals(1700003600L, sdp.stopEpochSeconds());
        assertEquals("passive", sdp.video().setup());
        assertTrue(sdp.video().isTcp());
        assertEquals("PS", sdp.video().encodingOf(96));
        assertEquals(1200001234L, sdp.ssrcValue());
    }

    @Test
    void parsesHikvisionInviteAnswerWithPaddedContentLength() throws Exception {
        SipResponse r = (SipResponse) parser.parse(VendorTexts.HIKVISION_INVITE_200.getBytes(StandardCharsets.ISO_8859_1));
        assertEquals(200, r.status());
        assertEquals("1197380862", r.to().tag());
        SessionDescription sdp = SdpParser.parse(r.body());
        assertEquals(15060, sdp.video().port());
        assertEquals("0200000001", sdp.ssrc());
        assertEquals("", sdp.format());
        assertEquals("sendonly", sdp.video().direction());
    }

    @Test
    void compactHeadersMapToLongNames() throws Exception {
        String text = "MESSAGE sip:a@b SIP/2.0\nv: SIP/2.0/UDP 1.2.3.4:5060;branch=z9hG4bKx\nf: <sip:x@y>;tag=1\n"
                + "t: <sip:a@b>\ni: abc\nCSeq: 3 MESSAGE\nc: text/plain\nl: 2\n\nhi";
        SipMessage m = parser.parse(text.getBytes(StandardCharsets.ISO_8859_1));
        assertEquals("abc", m.callId());
        assertEquals("text/plain", m.contentType());
        assertEquals("hi", m.bodyText());
    }

    @Test
    void encodeThenParseRoundTripsIncludingGbkDisplayName() throws Exception {
        byte[] gbkName = "\u5357\u95e8".getBytes("GBK");
        String from = "\"" + new String(gbkName, StandardCharsets.ISO_8859_1) + "\" <sip:34020000001320000001@3402000000>;tag=9";
        SipHeaders h = new SipHeaders().add("Via", "SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bK1").add("From", from)
                .add("To", "<sip:34020000002000000001@3402000000>").add("Call-ID", "c1").add("CSeq", "7 MESSAGE");
        SipRequest req = new SipRequest("MESSAGE", "sip:34020000002000000001@3402000000", h, "body".getBytes());
        byte[] wire = req.encode();
        SipRequest back = (SipRequest) parser.parse(wire);
        assertArrayEquals(wire, back.encode());
        assertEquals("\u5357\u95e8", new String(back.from().displayName().getBytes(StandardCharsets.ISO_8859_1), "GBK"));
        SipResponse resp = back.createResponse(200, null, "abc");
        assertEquals("<sip:34020000002000000001@3402000000>;tag=abc", resp.header("To"));
        assertEquals("7 MESSAGE", resp.header("CSeq"));
    }

    @Test
    void rejectsWhatMustBeRejected() {
        String ok = "OPTIONS sip:a@b SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\nFrom: <sip:x@y>;tag=1\r\nTo: <sip:a@b>\r\n"
                + "Call-ID: 1\r\nCSeq: 1 OPTIONS\r\n";
        assertThrows(WireFormatException.class, () -> parser.parse((ok + "Content-Length: 10\r\n\r\nshort").getBytes()));
        assertThrows(WireFormatException.class, () -> parser.parse((ok + "Content-Length: -1\r\n\r\n").getBytes()));
        assertThrows(WireFormatException.class, () -> parser.parse((ok + "Content-Length: 99999999\r\n\r\n").getBytes()));
        assertThrows(WireFormatException.class, () -> parser.parse(ok.replace("CSeq: 1 OPTIONS", "CSeq: 1 INVITE").concat("\r\n").getBytes()));
        assertThrows(WireFormatException.class, () -> parser.parse(ok.replace("Call-ID: 1\r\n", "").concat("\r\n").getBytes()));
        assertThrows(WireFormatException.class, () -> parser.parse(ok.replace("SIP/2.0\r\n", "SIP/3.0\r\n").concat("\r\n").getBytes()));
        assertThrows(WireFormatException.class, () -> parser.parse(ok.getBytes())); // no blank line
        assertThrows(WireFormatException.class, () -> parser.parse("\r\n\r\n".getBytes()));
        StringBuilder many = new StringBuilder(ok);
        for (int i = 0; i < 100; i++) {
            many.append("X-H").append(i).append(": v\r\n");
        }
        assertThrows(WireFormatException.class, () -> parser.parse(many.append("\r\n").toString().getBytes()));
        String huge = ok + "X-Big: " + "a".repeat(20_000) + "\r\n\r\n";
        assertThrows(WireFormatException.class, () -> parser.parse(huge.getBytes()));
        assertThrows(WireFormatException.class, () -> parser.parse((ok + "X-Nul: a\u0000b\r\n\r\n").getBytes()));
    }

    @Test
    void framerCutsMessagesAcrossArbitraryChunkBoundaries() throws Exception {
        byte[] one = crlf(VendorTexts.HIKVISION_REGISTER);
        byte[] two = VendorTexts.dahuaKeepalive(5).getBytes(StandardCharsets.ISO_8859_1);
        byte[] stream = new byte[2 + one.length + two.length];
        stream[0] = '\r';
        stream[1] = '\n'; // a keepalive ping before the first message
        System.arraycopy(one, 0, stream, 2, one.length);
        System.arraycopy(two, 0, stream, 2 + one.length, two.length);
        for (int chunk : new int[] {1, 7, 100, stream.length}) {
            SipStreamFramer framer = new SipStreamFramer(parser);
            ByteBuf buf = Unpooled.buffer();
            int got = 0;
            for (int off = 0; off < stream.length; off += chunk) {
                buf.writeBytes(stream, off, Math.min(chunk, stream.length - off));
                SipMessage m;
                while ((m = framer.next(buf)) != null) {
                    got++;
                    if (got == 2) {
                        assertEquals(VendorTexts.DAHUA_KEEPALIVE_BODY, m.bodyText());
                    }
                }
                buf.discardReadBytes();
            }
            assertEquals(2, got, "chunk " + chunk);
            buf.release();
        }
    }

    @Test
    void framerRefusesEndlessHeadersAndHugeBodies() {
        SipStreamFramer framer = new SipStreamFramer(parser);
        ByteBuf endless = Unpooled.wrappedBuffer(("REGISTER sip:a@b SIP/2.0\r\nX: " + "y".repeat(20_000)).getBytes());
        assertThrows(WireFormatException.class, () -> framer.next(endless));
        ByteBuf big = Unpooled.wrappedBuffer("MESSAGE sip:a@b SIP/2.0\r\nContent-Length: 900000000\r\n\r\n".getBytes());
        assertThrows(WireFormatException.class, () -> framer.next(big));
        ByteBuf partial = Unpooled.wrappedBuffer("MESSAGE sip:a@b SIP/2.0\r\nContent-Length: 10\r\n\r\nabc".getBytes());
        assertDoesNotThrowNull(framer, partial);
    }

    private static void assertDoesNotThrowNull(SipStreamFramer framer, ByteBuf partial) {
        try {
            assertNull(framer.next(partial));
            assertEquals(0, partial.readerIndex());
        } catch (WireFormatException e) {
            throw new AssertionError(e);
        }
    }
}
