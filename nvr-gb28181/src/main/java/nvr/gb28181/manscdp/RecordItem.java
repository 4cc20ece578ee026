package nvr.gb28181.manscdp;

/**
 * One {@code <Item>} of a RecordInfo response. Times are the standard's local
 * {@code yyyy-MM-ddTHH:mm:ss} text (see {@link ManscdpTime}); type is time/alarm/manual/all.
 */
public record RecordItem(String deviceId, String name, String filePath, String address, String startTime,
                         String endTime, int secrecy, String type, String recorderId, Long fileSize) {
    static RecordItem of(XmlElement e) {
        String size = e.childText("FileSize");
        Long fs = null;
        if (size != null) {
            try {
                fs = Long.parseLong(size.trim());
            } catch (NumberFormatException ignored) {
                fs = null;
            }
        }
        return new RecordItem(e.childText("DeviceID"), e.childText("Name"), e.childText("FilePath"),
                e.childText("Address"), e.childText("StartTime"), e.childText("EndTime"),
                ManscdpMessage.intOr(e.childText("Secrecy"), 0), e.childText("Type"), e.childText("RecorderID"), fs);
    }
}
