package nvr.gb28181.sdp;

/** {@code a=name:value}, or a flag {@code a=name} when value is null. */
public record SdpAttribute(String name, String value) {
    @Override
    public String toString() {
        return value == null ? name : name + ":" + value;
    }
}
