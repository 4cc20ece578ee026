package nvr.gb28181.manscdp;

import java.nio.charset.Charset;
import java.util.ArrayList;
import java.util.List;

/**
 * A parsed MANSCDP document ({@code Application/MANSCDP+xml}): root kind, CmdType, SN, DeviceID, the
 * charset it was written in (answer in the same) and the element tree for typed views.
 */
public record ManscdpMessage(ManscdpType type, String cmdType, long sn, String deviceId, Charset charset,
                             XmlElement root) {
    public boolean is(ManscdpType t, String cmd) {
        return type == t && cmdType.equalsIgnoreCase(cmd);
    }

    public String text(String name) {
        return root.childText(name);
    }

    /** {@code <SumNum>} as an int, or -1 when absent or not a number. */
    public int sumNum() {
        return intOr(root.childText("SumNum"), -1);
    }

    /** Items of {@code <DeviceList>} (Catalog) or {@code <RecordList>} (RecordInfo). */
    public List<XmlElement> listItems(String listName) {
        XmlElement list = root.child(listName);
        return list == null ? List.of() : list.children("Item");
    }

    public List<CatalogItem> catalogItems() {
        List<CatalogItem> out = new ArrayList<>();
        for (XmlElement e : listItems("DeviceList")) {
            out.add(CatalogItem.of(e));
        }
        return out;
    }

    public List<RecordItem> recordItems() {
        List<RecordItem> out = new ArrayList<>();
        for (XmlElement e : listItems("RecordList")) {
            out.add(RecordItem.of(e));
        }
        return out;
    }

    static int intOr(String s, int fallback) {
        if (s == null) {
            return fallback;
        }
        try {
            return Integer.parseInt(s.trim());
        } catch (NumberFormatException e) {
            return fallback;
        }
    }
}
