package nvr.gb28181.sdp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import nvr.gb28181.WireFormatException;
import org.junit.jupiter.api.Test;

class SdpParserTest {
    @Test
    void downloadOfferWithSpeedAndNtpTimes() throws Exception {
        String text = "v=0\no=34020000002000000009 0 0 IN IP4 10.1.1.1\ns=Download\nu=34020000001320000001:0\n"
                + "c=IN IP4 10.1.1.1\nt=3909000000 3909000600\nm=video 6000 RTP/AVP 96\na=recvonly\n"
                + "a=rtpmap:96 PS/90000\na=downloadspeed:4\ny=1340200007\nf=v/2/4/25/1/4096a///\n";
        SessionDescription s = SdpParser.parse(text);
        assertEquals(SessionDescription.Kind.DOWNLOAD, s.kind());
        assertEquals(3909000000L - SessionDescription.NTP_UNIX_OFFSET, s.startEpochSeconds());
        assertEquals(600, s.stopEpochSeconds() - s.startEpochSeconds());
        assertEquals(4, s.video().downloadSpeed());
        assertNull(s.video().setup());
        assertEquals("v/2/4/25/1/4096a///", s.format());
        assertEquals("10.1.1.1", s.connectionFor(s.video()));
    }

    @Test
    void buildThenParseRoundTrips() throws Exception {
        SessionDescription offer = new SessionDescription.Builder().origin("34020000002000000001", "192.168.1.10")
                .session("Playback").uri("34020000001320000001:0").connection("192.168.1.10").time(1700000000, 1700000600)
                .psVideo(30000, "active", "sendonly", List.of(new SdpAttribute("downloadspeed", "2")))
                .ssrc(SessionDescription.gbSsrc(true, "3402000000", 7)).format("v/2/4///a///").build();
        String text = offer.encode();
        SessionDescription back = SdpParser.parse(text);
        assertEquals(text, back.encode());
        assertEquals("1200000007", back.ssrc());
        assertEquals("TCP/RTP/AVP", back.video().proto());
        assertEquals("active", back.video().setup());
        assertEquals("new", back.video().attribute("connection"));
        assertEquals(2, back.video().downloadSpeed());
        assertEquals("sendonly", back.video().direction());
    }

    @Test
    void gbSsrcLayout() {
        assertEquals("0200000001", SessionDescription.gbSsrc(false, "3402000000", 1));
        assertEquals("1200009999", SessionDescription.gbSsrc(true, "3402000000", 9999));
        assertEquals("0200000000", SessionDescription.gbSsrc(false, "3402000000", 10000));
        assertEquals("0000120042", SessionDescription.gbSsrc(false, "12", 42));
    }

    @Test
    void rejectsMalformed() {
        for (String bad : new String[] {"", "v=1\ns=Play\n", "s=Play\n", "v=0\n", "v=0\ns=Play\nm=video x RTP/AVP 96\n",
                "v=0\ns=Play\nm=video 70000 RTP/AVP 96\n", "v=0\ns=Play\ny=12345678901\n", "v=0\ns=Play\ny=9999999999\n",
                "v=0\ns=Play\nt=a b\n", "v=0\ns=Play\nc=IN\n", "v=0\ns=Play\nbogus\n", "v=0\ns=Play\no=a b\n"}) {
            assertThrows(WireFormatException.class, () -> SdpParser.parse(bad), bad);
        }
        assertThrows(WireFormatException.class, () -> SdpParser.parse("v=0\ns=Play\n" + "a=x\n".repeat(300)));
        assertThrows(WireFormatException.class, () -> SdpParser.parse(new byte[20_000]));
    }
}
