package nvr.gb28181.sip;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import nvr.gb28181.WireFormatException;
import nvr.gb28181.manscdp.ManscdpMessage;
import nvr.gb28181.media.Mutator;
import nvr.gb28181.manscdp.ManscdpParser;
import nvr.gb28181.sdp.SdpParser;
import nvr.gb28181.sdp.SessionDescription;
import org.junit.jupiter.api.Test;

/**
 * Mutation fuzzing of the SIP parser and framer, SDP and MANSCDP: seeds are vendor texts; mutations ({@link Mutator})
 * flip, insert, delete, duplicate and truncate bytes and splice in SIP-meaningful tokens. The only acceptable
 * outcomes are a parsed message or a {@link WireFormatException}; any other throwable fails the test.
 * Counts (full profile; quick is a tenth): 100,000 SIP messages, 50,000 SDP bodies, 30,000 framed TCP streams
 * and 20,000 MANSCDP documents: an XML parse costs ~50x a SIP parse, and the module's test budget is shared.
 */
class CodecFuzzTest {
    private static final int SCALE = "quick".equals(System.getProperty("nvr.test.profile")) ? 10 : 1;
    private static final String[] TOKENS = {"\r\n", "\r\n\r\n", ":", ";", "<", ">", "\"", "Content-Length: 99999\r\n",
            "l: -5\r\n", "SIP/2.0", " ", "\t", ",", "=", "@", "sip:", "m=video 1 RTP/AVP 96\r\n", "y=", "<![CDATA[",
            "<!DOCTYPE x [<!ENTITY a SYSTEM \"file:///etc/passwd\">]>", "&a;", "<Item>", "</Item>", "\u0000", "\u00ff"};

    interface Parse {
        Object run(byte[] input) throws WireFormatException;
    }

    private static int[] fuzz(List<byte[]> seeds, Parse p, long seed, int fullCount) {
        int n = fullCount / SCALE;
        Mutator m = new Mutator(seed, TOKENS);
        Random r = m.random();
        int ok = 0;
        int rejected = 0;
        for (int i = 0; i < n; i++) {
            byte[] in = m.mutate(seeds.get(r.nextInt(seeds.size())));
            try {
                p.run(in);
                ok++;
            } catch (WireFormatException e) {
                rejected++;
            } catch (Throwable t) {
                fail("input #" + i + " threw " + t + ": " + new String(in, StandardCharsets.ISO_8859_1), t);
            }
        }
        return new int[] {ok, rejected};
    }

    @Test
    void sipParserOnlyThrowsTypedErrors() {
        SipParser parser = new SipParser();
        List<byte[]> seeds = List.of(VendorTexts.HIKVISION_REGISTER.replace("\n", "\r\n").getBytes(StandardCharsets.ISO_8859_1),
                VendorTexts.dahuaKeepalive(3).getBytes(StandardCharsets.ISO_8859_1),
                VendorTexts.wvpPlaybackInvite("10.0.0.1:5060").getBytes(StandardCharsets.ISO_8859_1),
                VendorTexts.HIKVISION_INVITE_200.getBytes(StandardCharsets.ISO_8859_1));
        int[] res = fuzz(seeds, in -> {
            SipMessage m = parser.parse(in);
            m.cseq();
            m.from();
            m.to();
            m.topVia();
            if (m.header("Authorization") != null) {
                DigestCredentials.parse(m.header("Authorization"));
            }
            return m.encode();
        }, 1, 100_000);
        assertTrue(res[0] > 0 && res[1] > 0, "fuzzing should hit both outcomes: " + res[0] + "/" + res[1]);
    }

    @Test
    void streamFramerOnlyThrowsTypedErrorsAndNeverOverreads() {
        SipParser parser = new SipParser();
        byte[] seed = (VendorTexts.dahuaKeepalive(1) + VendorTexts.wvpPlaybackInvite("h:1")).getBytes(StandardCharsets.ISO_8859_1);
        fuzz(List.of(seed), in -> {
            SipStreamFramer f = new SipStreamFramer(parser);
            ByteBuf buf = Unpooled.wrappedBuffer(in);
            int guard = 0;
            while (f.next(buf) != null && guard++ < 100) {
                // drain
            }
            return null;
        }, 2, 30_000);
    }

    @Test
    void sdpParserOnlyThrowsTypedErrors() {
        List<byte[]> seeds = List.of(VendorTexts.WVP_PLAYBACK_SDP.getBytes(StandardCharsets.ISO_8859_1),
                new SessionDescription.Builder().session("Download").time(1, 2).psVideo(5, null, "recvonly", List.of())
                        .ssrc("1340200001").format("v/2/4///a///").build().encodeBytes());
        int[] res = fuzz(seeds, in -> {
            SessionDescription s = SdpParser.parse(in);
            s.encode();
            if (s.video() != null) {
                s.video().downloadSpeed();
                s.video().setup();
            }
            return s;
        }, 3, 50_000);
        assertTrue(res[0] > 0 && res[1] > 0, res[0] + "/" + res[1]);
    }

    @Test
    void manscdpParserOnlyThrowsTypedErrors() {
        Charset gbk = Charset.forName("GBK");
        List<byte[]> seeds = List.of(nvr.gb28181.manscdp.ManscdpParserTest.catalogBytes(),
                VendorTexts.DAHUA_KEEPALIVE_BODY.getBytes(gbk));
        int n = 0;
        int[] res = fuzz(seeds, in -> {
            ManscdpMessage m = ManscdpParser.parse(in);
            m.catalogItems();
            m.recordItems();
            return m;
        }, 4, 20_000);
        assertTrue(res[0] > 0 && res[1] > 0, res[0] + "/" + res[1] + n);
    }
}
