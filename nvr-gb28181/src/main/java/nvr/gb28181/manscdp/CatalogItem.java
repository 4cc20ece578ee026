package nvr.gb28181.manscdp;

/**
 * One {@code <Item>} of a Catalog response: a channel or a sub-device with its registry facts
 * ("one camera, one file": name, manufacturer, model, civil code, location).
 */
public record CatalogItem(String deviceId, String name, String manufacturer, String model, String owner,
                          String civilCode, String address, String parentId, String status, Double longitude,
                          Double latitude) {
    static CatalogItem of(XmlElement e) {
        return new CatalogItem(e.childText("DeviceID"), e.childText("Name"), e.childText("Manufacturer"),
                e.childText("Model"), e.childText("Owner"), e.childText("CivilCode"), e.childText("Address"),
                e.childText("ParentID"), e.childText("Status"), dbl(e.childText("Longitude")),
                dbl(e.childText("Latitude")));
    }

    private static Double dbl(String s) {
        if (s == null || s.isBlank()) {
            return null;
        }
        try {
            double d = Double.parseDouble(s.trim());
            return Double.isFinite(d) ? d : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /**
     * True when the id's type code (digits 11-13 of the 20-digit id) is a camera (131) or IPC (132),
     * i.e. a channel that carries video and must be recorded.
     */
    public boolean isVideoChannel() {
        return isVideoChannelId(deviceId);
    }

    public static boolean isVideoChannelId(String id) {
        if (id == null || id.length() != 20) {
            return false;
        }
        String type = id.substring(10, 13);
        return type.equals("131") || type.equals("132");
    }

    /** Status ON/OFF as devices report it (some send "Online"/"OK"); null means unknown, taken as on. */
    public boolean isOn() {
        return status == null || !(status.equalsIgnoreCase("OFF") || status.equalsIgnoreCase("OFFLINE"));
    }
}
