package nvr.gb28181.manscdp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.ZoneId;
import java.util.List;
import nvr.gb28181.WireFormatException;
import org.junit.jupiter.api.Test;

public class ManscdpParserTest {
    private static final Charset GBK = Charset.forName("GBK");

    /** A Hikvision-NVR style Catalog answer: GB2312 declared, GBK bytes ("\u5357\u95e8\u53e3" = south gate). */
    static final String CATALOG = "<?xml version=\"1.0\" encoding=\"GB2312\"?>\r\n<Response>\r\n<CmdType>Catalog</CmdType>\r\n"
            + "<SN>17430</SN>\r\n<DeviceID>34020000001110000001</DeviceID>\r\n<SumNum>2</SumNum>\r\n<DeviceList Num=\"2\">\r\n"
            + "<Item>\r\n<DeviceID>34020000001320000001</DeviceID>\r\n<Name>\u5357\u95e8\u53e3</Name>\r\n<Manufacturer>Hikvision</Manufacturer>\r\n"
            + "<Model>DS-2CD2T47G2</Model>\r\n<Owner>Owner</Owner>\r\n<CivilCode>340200</CivilCode>\r\n<Address>Address</Address>\r\n"
            + "<Parental>0</Parental>\r\n<ParentID>34020000001110000001</ParentID>\r\n<SafetyWay>0</SafetyWay>\r\n"
            + "<RegisterWay>1</RegisterWay>\r\n<Secrecy>0</Secrecy>\r\n<Status>ON</Status>\r\n<Longitude>117.2272</Longitude>\r\n"
            + "<Latitude>31.8206</Latitude>\r\n</Item>\r\n<Item>\r\n<DeviceID>34020000001340000001</DeviceID>\r\n<Name>Alarm In 1</Name>\r\n"
            + "<Status>OFF</Status>\r\n</Item>\r\n</DeviceList>\r\n</Response>\r\n";

    /** The Catalog seed for fuzzing. */
    public static byte[] catalogBytes() {
        return CATALOG.getBytes(GBK);
    }

    @Test
    void catalogInGbkWithItems() throws Exception {
        ManscdpMessage m = ManscdpParser.parse(CATALOG.getBytes(GBK));
        assertTrue(m.is(ManscdpType.RESPONSE, "Catalog"));
        assertEquals(17430, m.sn());
        assertEquals(2, m.sumNum());
        assertEquals("GB2312", m.charset().name());
        List<CatalogItem> items = m.catalogItems();
        assertEquals(2, items.size());
        CatalogItem cam = items.get(0);
        assertEquals("\u5357\u95e8\u53e3", cam.name());
        assertEquals(117.2272, cam.longitude());
        assertEquals("340200", cam.civilCode());
        assertTrue(cam.isVideoChannel());
        assertTrue(cam.isOn());
        assertFalse(items.get(1).isVideoChannel());
        assertFalse(items.get(1).isOn());
    }

    @Test
    void gbkCharactersOutsideGb2312StillDecode() throws Exception {
        String name = "\u9555"; // a GBK-only character, sent under the GB2312 label by real devices
        String doc = "<?xml version=\"1.0\" encoding=\"GB2312\"?><Notify><CmdType>Keepalive</CmdType><SN>1</SN>"
                + "<DeviceID>x</DeviceID><Info>" + name + "</Info></Notify>";
        assertEquals(name, ManscdpParser.parse(doc.getBytes(GBK)).text("Info"));
    }

    @Test
    void writerAnswersInTheDeclaredCharset() throws Exception {
        byte[] gb = new ManscdpWriter(ManscdpType.RESPONSE, "Catalog", 5, "34020000002000000001").field("SumNum", 1)
                .open("DeviceList", "Num", 1).open("Item").field("Name", "\u5357\u95e8 <&>").close("Item")
                .close("DeviceList").toBytes(Charset.forName("GB2312"));
        String text = new String(gb, GBK);
        assertTrue(text.startsWith("<?xml version=\"1.0\" encoding=\"GB2312\"?>"), text);
        ManscdpMessage back = ManscdpParser.parse(gb);
        assertEquals("\u5357\u95e8 <&>", back.listItems("DeviceList").get(0).childText("Name"));
        byte[] utf = new ManscdpWriter(ManscdpType.QUERY, "Catalog", 6, "x").toBytes(StandardCharsets.UTF_8);
        assertEquals(StandardCharsets.UTF_8, ManscdpParser.parse(utf).charset());
    }

    @Test
    void recordInfoItemsAndTimes() throws Exception {
        String doc = "<?xml version=\"1.0\" encoding=\"GB2312\"?><Response><CmdType>RecordInfo</CmdType><SN>3</SN>"
                + "<DeviceID>34020000001320000001</DeviceID><Name>cam</Name><SumNum>1</SumNum><RecordList Num=\"1\"><Item>"
                + "<DeviceID>34020000001320000001</DeviceID><Name>cam</Name><FilePath>f</FilePath><Address>a</Address>"
                + "<StartTime>2026-11-21T08:00:00</StartTime><EndTime>2026-11-21 09:00:00</EndTime><Secrecy>0</Secrecy>"
                + "<Type>time</Type><FileSize>1024</FileSize></Item></RecordList></Response>";
        RecordItem it = ManscdpParser.parse(doc.getBytes(GBK)).recordItems().get(0);
        ZoneId z = ZoneId.of("Asia/Shanghai");
        long start = ManscdpTime.parseMs(it.startTime(), z);
        assertEquals(3_600_000, ManscdpTime.parseMs(it.endTime(), z) - start);
        assertEquals("2026-11-21T08:00:00", ManscdpTime.format(start, z));
        assertEquals(start, ManscdpTime.parseMs("2026-11-21T00:00:00Z", z));
        assertEquals(1024L, it.fileSize());
        assertThrows(WireFormatException.class, () -> ManscdpTime.parseMs("yesterday", z));
    }

    @Test
    void xxeAndEntityBombsAreRefused() {
        String xxe = "<?xml version=\"1.0\"?><!DOCTYPE r [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>"
                + "<Query><CmdType>Catalog</CmdType><SN>1</SN><DeviceID>&x;</DeviceID></Query>";
        WireFormatException e = assertThrows(WireFormatException.class, () -> ManscdpParser.parse(xxe.getBytes()));
        assertFalse(e.getMessage().contains("root:"), e.getMessage());
        StringBuilder bomb = new StringBuilder("<?xml version=\"1.0\"?><!DOCTYPE lolz [<!ENTITY lol \"lol\">");
        for (int i = 1; i < 10; i++) {
            bomb.append("<!ENTITY lol").append(i).append(" \"");
            for (int j = 0; j < 10; j++) {
                bomb.append("&lol").append(i == 1 ? "" : Integer.toString(i - 1)).append(';');
            }
            bomb.append("\">");
        }
        bomb.append("]><Query><CmdType>&lol9;</CmdType><SN>1</SN></Query>");
        assertThrows(WireFormatException.class, () -> ManscdpParser.parse(bomb.toString().getBytes()));
        String xinclude = "<Query xmlns:xi=\"http://www.w3.org/2001/XInclude\"><CmdType>Catalog</CmdType><SN>1</SN>"
                + "<xi:include href=\"file:///etc/passwd\" parse=\"text\"/></Query>";
        try {
            ManscdpMessage m = ManscdpParser.parse(xinclude.getBytes());
            assertFalse(m.root().toString().contains("root:"));
        } catch (WireFormatException ok) {
            // refusing is fine too
        }
    }

    @Test
    void boundsAndGarbage() {
        assertThrows(WireFormatException.class, () -> ManscdpParser.parse(new byte[0]));
        assertThrows(WireFormatException.class, () -> ManscdpParser.parse(new byte[300_000]));
        assertThrows(WireFormatException.class, () -> ManscdpParser.parse("<Query><SN>1</SN></Query>".getBytes()));
        assertThrows(WireFormatException.class, () -> ManscdpParser.parse("<Foo><CmdType>x</CmdType></Foo>".getBytes()));
        assertThrows(WireFormatException.class, () -> ManscdpParser.parse("<Query><CmdType>x</CmdType><SN>z</SN></Query>".getBytes()));
        assertThrows(WireFormatException.class, () -> ManscdpParser.parse("<?xml version=\"1.0\" encoding=\"NOPE-9\"?><Query/>".getBytes()));
        assertThrows(WireFormatException.class, () -> ManscdpParser.parse(("<Query><CmdType>x</CmdType>" + "<a>".repeat(40)
                + "</a>".repeat(40) + "</Query>").getBytes()));
        StringBuilder wide = new StringBuilder("<Query><CmdType>x</CmdType>");
        for (int i = 0; i < 25_000; i++) {
            wide.append("<a/>");
        }
        assertThrows(WireFormatException.class, () -> ManscdpParser.parse(wide.append("</Query>").toString().getBytes()));
    }
}
