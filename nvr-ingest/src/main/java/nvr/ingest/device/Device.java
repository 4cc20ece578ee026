package nvr.ingest.device;

import java.net.InetSocketAddress;

/**
 * Runtime state of one registered device. Confined to the signaling thread: never shared with event loops.
 * {@code contact} is where we reach it (the source address of its REGISTER, which survives NAT).
 */
public final class Device {
    private final String id;
    InetSocketAddress contact;
    Object link; // transport handle (the SIP layer's peer), opaque here
    String transport = "UDP";
    String registerCallId;
    long expiresAtMs;
    long lastSeenMs;
    boolean online;
    String name;
    String manufacturer;
    String model;
    String firmware;

    Device(String id) {
        this.id = id;
    }

    public String id() {
        return id;
    }

    public InetSocketAddress contact() {
        return contact;
    }

    public Object link() {
        return link;
    }

    public String transport() {
        return transport;
    }

    /** Call-ID of the device's current registration (a new one means the device restarted). */
    public String registerCallId() {
        return registerCallId;
    }

    public boolean online() {
        return online;
    }

    public long lastSeenMs() {
        return lastSeenMs;
    }

    public long expiresAtMs() {
        return expiresAtMs;
    }

    public String manufacturer() {
        return manufacturer;
    }

    public String model() {
        return model;
    }

    public String name() {
        return name;
    }
}
