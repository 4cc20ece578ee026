package nvr.ingest.device;

/**
 * One channel (camera) of a device, as its Catalog describes it: the "one camera, one file" record.
 */
public record Channel(String id, String deviceId, String name, String manufacturer, String model, String civilCode,
                      String address, Double longitude, Double latitude, String status) {
    RegistryRecord writeInto(RegistryRecord r) {
        return r.put("source", "sip").put("deviceId", deviceId).put("name", name).put("manufacturer", manufacturer)
                .put("model", model).put("civilCode", civilCode).put("address", address).put("longitude", longitude)
                .put("latitude", latitude).put("status", status);
    }

    static Channel of(String id, RegistryRecord r) {
        return new Channel(id, r.get("deviceId"), r.get("name"), r.get("manufacturer"), r.get("model"),
                r.get("civilCode"), r.get("address"), dbl(r.get("longitude")), dbl(r.get("latitude")), r.get("status"));
    }

    private static Double dbl(String s) {
        try {
            return s == null ? null : Double.valueOf(s);
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
