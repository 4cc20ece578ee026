package nvr.ingest.device;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.concurrent.atomic.AtomicInteger;
import nvr.gb28181.manscdp.CatalogItem;
import nvr.storage.KeyValueTable;

/**
 * Devices and their channels: runtime state in memory, facts persisted in the store's {@code devices} and
 * {@code cameras} tables (format: {@link RegistryRecord}). Used only from the signaling thread, except
 * {@link #onlineCount()} which metrics read. Persisted on state changes (register, online/offline, catalog),
 * never per keepalive.
 */
public final class DeviceRegistry {
    private static final System.Logger LOG = System.getLogger(DeviceRegistry.class.getName());
    private final KeyValueTable devices;
    private final KeyValueTable cameras;
    private final Map<String, Device> byId = new LinkedHashMap<>();
    private final AtomicInteger online = new AtomicInteger();

    public DeviceRegistry(KeyValueTable devices, KeyValueTable cameras) {
        this.devices = devices;
        this.cameras = cameras;
        // After a restart every device is offline until it registers again.
        for (Map.Entry<String, byte[]> e : devices.scan("").entrySet()) {
            RegistryRecord r = RegistryRecord.decode(e.getValue());
            if ("true".equals(r.get("online"))) {
                devices.put(e.getKey(), r.put("online", "false").encode());
            }
        }
    }

    public Device get(String id) {
        return byId.get(id);
    }

    public Collection<Device> all() {
        return byId.values();
    }

    public int onlineCount() {
        return online.get();
    }

    /**
     * Records an accepted REGISTER. Returns true when this is a fresh registration (device was offline or
     * unknown, or it restarted: new Call-ID), i.e. its sessions must be set up again.
     */
    public boolean register(String id, InetSocketAddress contact, Object link, String transport, String callId,
                            int expiresSeconds, long nowMs) {
        Device d = byId.computeIfAbsent(id, Device::new);
        boolean fresh = !d.online || d.registerCallId == null || !d.registerCallId.equals(callId);
        d.contact = contact;
        d.link = link;
        d.transport = transport;
        d.registerCallId = callId;
        d.expiresAtMs = nowMs + expiresSeconds * 1000L;
        d.lastSeenMs = nowMs;
        if (!d.online) {
            d.online = true;
            online.incrementAndGet();
            LOG.log(System.Logger.Level.INFO, "device {0} online at {1} over {2}", id, contact, transport);
        }
        if (fresh) {
            persist(d, nowMs);
        }
        return fresh;
    }

    /** Any sign of life (keepalive or other MESSAGE). */
    public void seen(Device d, long nowMs) {
        d.lastSeenMs = nowMs;
    }

    public void markOffline(Device d, String why, long nowMs) {
        if (!d.online) {
            return;
        }
        d.online = false;
        online.decrementAndGet();
        LOG.log(System.Logger.Level.WARNING, "device {0} offline: {1}", d.id(), why);
        persist(d, nowMs);
    }

    /** Devices that missed {@code misses} keepalive periods or whose registration expired. */
    public List<Device> overdue(long nowMs, long keepaliveMs, int misses) {
        List<Device> out = new ArrayList<>();
        for (Device d : byId.values()) {
            if (d.online && (nowMs - d.lastSeenMs > keepaliveMs * misses || nowMs > d.expiresAtMs)) {
                out.add(d);
            }
        }
        return out;
    }

    public void updateInfo(Device d, String name, String manufacturer, String model, String firmware, long nowMs) {
        if (name != null) {
            d.name = name;
        }
        if (manufacturer != null) {
            d.manufacturer = manufacturer;
        }
        if (model != null) {
            d.model = model;
        }
        if (firmware != null) {
            d.firmware = firmware;
        }
        persist(d, nowMs);
    }

    private void persist(Device d, long nowMs) {
        RegistryRecord r = RegistryRecord.decode(devices.get(d.id()));
        r.put("online", d.online).put("address", d.contact == null ? null : d.contact.getHostString() + ":" + d.contact.getPort())
                .put("transport", d.transport).put("name", d.name).put("manufacturer", d.manufacturer)
                .put("model", d.model).put("firmware", d.firmware).put("updatedMs", nowMs);
        if (d.online) {
            r.put("registeredMs", d.lastSeenMs);
        }
        devices.put(d.id(), r.encode());
    }

    /** Stores a catalog item as a channel of the device ("cameras" table), keeping keys others wrote. */
    public Channel upsertChannel(String deviceId, CatalogItem item) {
        Channel c = new Channel(item.deviceId(), deviceId, item.name(), item.manufacturer(), item.model(),
                item.civilCode(), item.address(), item.longitude(), item.latitude(), item.status());
        RegistryRecord r = RegistryRecord.decode(cameras.get(c.id()));
        cameras.put(c.id(), c.writeInto(r).encode());
        return c;
    }

    /** Every channel in the cameras table (SIP-registered and statically configured), in id order. */
    public List<Channel> allChannels() {
        SortedMap<String, byte[]> all = cameras.scan("");
        List<Channel> out = new ArrayList<>(all.size());
        for (Map.Entry<String, byte[]> e : all.entrySet()) {
            out.add(Channel.of(e.getKey(), RegistryRecord.decode(e.getValue())));
        }
        return out;
    }

    public List<Channel> channelsOf(String deviceId) {
        List<Channel> out = new ArrayList<>();
        for (Channel c : allChannels()) {
            if (deviceId.equals(c.deviceId())) {
                out.add(c);
            }
        }
        return out;
    }

    public Channel channel(String id) {
        byte[] v = cameras.get(id);
        return v == null ? null : Channel.of(id, RegistryRecord.decode(v));
    }
}
