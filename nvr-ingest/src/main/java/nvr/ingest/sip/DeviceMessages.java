package nvr.ingest.sip;

import java.net.InetSocketAddress;
import java.nio.charset.Charset;
import java.util.HashMap;
import java.util.Map;
import nvr.gb28181.WireFormatException;
import nvr.gb28181.manscdp.CatalogItem;
import nvr.gb28181.manscdp.ManscdpMessage;
import nvr.gb28181.manscdp.ManscdpParser;
import nvr.gb28181.manscdp.ManscdpType;
import nvr.gb28181.manscdp.ManscdpWriter;
import nvr.gb28181.sip.NameAddress;
import nvr.gb28181.sip.SipRequest;
import nvr.gb28181.sip.SipResponse;
import nvr.gb28181.sip.SipUri;
import nvr.ingest.device.Device;
import nvr.ingest.device.DeviceRegistry;

/**
 * MANSCDP traffic with devices (GB/T 28181-2016 9.3-9.6): Keepalive notifies, our Catalog/DeviceInfo/
 * DeviceStatus queries and their (possibly multi-part) answers. Each Catalog item is stored as a channel
 * and every video channel is handed to the {@link RecordingPlan} as soon as it is seen. Signaling thread only.
 */
final class DeviceMessages {
    private static final System.Logger LOG = System.getLogger(DeviceMessages.class.getName());
    static final String MANSCDP = "Application/MANSCDP+xml";

    private final SipConfig config;
    private final SipStack stack;
    private final DeviceRegistry registry;
    private final RecordingPlan plan;
    private final SipMetrics metrics;
    private final Map<String, Charset> charsetOf = new HashMap<>(); // answer each device in its own charset
    private final Map<String, int[]> catalogProgress = new HashMap<>(); // device -> {received, sumNum}
    private long sn = 1;

    DeviceMessages(SipConfig config, SipStack stack, DeviceRegistry registry, RecordingPlan plan, SipMetrics metrics) {
        this.config = config;
        this.stack = stack;
        this.registry = registry;
        this.plan = plan;
        this.metrics = metrics;
    }

    /**
     * Handles an out-of-dialog MESSAGE from a device; returns the response to send. A MESSAGE naming a registered
     * device but sent from another host is refused: a forged keepalive would hide a dead camera from the admin.
     */
    SipResponse onMessage(SipRequest req, SipPeer peer, long nowMs) throws WireFormatException {
        String deviceId = req.from().user();
        ManscdpMessage msg;
        try {
            msg = ManscdpParser.parse(req.body());
        } catch (WireFormatException e) {
            metrics.parseErrors.increment();
            LOG.log(System.Logger.Level.DEBUG, "bad MANSCDP from {0}: {1}", deviceId, e.getMessage());
            return req.createResponse(400, "Bad MANSCDP", SipIds.tag());
        }
        Device d = registry.get(deviceId);
        if (d == null) {
            return req.createResponse(404, "Device not registered", SipIds.tag());
        }
        if (!sameHost(d.contact(), peer.address())) {
            metrics.foreignSources.increment();
            LOG.log(System.Logger.Level.WARNING, "MESSAGE from device {0} at {1} refused: it registered from {2}"
                    + " (a device that moved must REGISTER again)", deviceId, peer.address(), d.contact());
            return req.createResponse(403, "Not the registered address", SipIds.tag());
        }
        charsetOf.put(deviceId, msg.charset());
        registry.seen(d, nowMs);
        if (!d.online()) {
            // A keepalive after we timed the device out, while its registration is still valid: back online.
            if (nowMs < d.expiresAtMs()) {
                registry.register(deviceId, d.contact(), d.link(), d.transport(), d.registerCallId(),
                        (int) ((d.expiresAtMs() - nowMs) / 1000), nowMs);
                queryCatalog(d);
            } else {
                return req.createResponse(404, "Registration expired", SipIds.tag());
            }
        }
        if (msg.is(ManscdpType.NOTIFY, "Keepalive")) {
            return req.createResponse(200, "OK", SipIds.tag());
        }
        if (msg.is(ManscdpType.RESPONSE, "Catalog")) {
            onCatalog(d, msg);
        } else if (msg.is(ManscdpType.RESPONSE, "DeviceInfo")) {
            registry.updateInfo(d, msg.text("DeviceName"), msg.text("Manufacturer"), msg.text("Model"),
                    msg.text("Firmware"), nowMs);
        } else if (msg.is(ManscdpType.RESPONSE, "DeviceStatus")) {
            LOG.log(System.Logger.Level.DEBUG, "device {0} status online={1} status={2}", deviceId, msg.text("Online"),
                    msg.text("Status"));
        }
        return req.createResponse(200, "OK", SipIds.tag());
    }

    private void onCatalog(Device d, ManscdpMessage msg) {
        int[] progress = catalogProgress.computeIfAbsent(d.id(), k -> new int[2]);
        progress[1] = Math.max(0, msg.sumNum());
        for (CatalogItem item : msg.catalogItems()) {
            if (item.deviceId() == null || item.deviceId().isEmpty() || item.deviceId().length() > 32) {
                continue;
            }
            registry.upsertChannel(d.id(), item);
            progress[0]++;
            if (item.isVideoChannel() && item.isOn()) {
                plan.ensure(d.id(), item.deviceId());
            }
        }
        if (progress[0] >= progress[1]) {
            LOG.log(System.Logger.Level.INFO, "device {0} catalog complete: {1} items", d.id(), progress[1]);
            catalogProgress.remove(d.id());
        }
    }

    void queryCatalog(Device d) {
        catalogProgress.remove(d.id());
        query(d, "Catalog");
    }

    void queryDeviceInfo(Device d) {
        query(d, "DeviceInfo");
    }

    void queryDeviceStatus(Device d) {
        query(d, "DeviceStatus");
    }

    private void query(Device d, String cmd) {
        byte[] body = new ManscdpWriter(ManscdpType.QUERY, cmd, sn++, d.id()).toBytes(charsetOf.getOrDefault(d.id(), ManscdpWriter.GB2312));
        SipPeer peer = RequestRouter.peerOf(d);
        NameAddress from = new NameAddress(null, SipUri.of(config.id(), config.domain(), -1), Map.of()).withTag(SipIds.tag());
        NameAddress to = new NameAddress(null, SipUri.of(d.id(), config.domain(), -1), Map.of());
        SipUri target = SipUri.of(d.id(), d.contact().getAddress().getHostAddress(), d.contact().getPort());
        SipRequest req = stack.newRequest("MESSAGE", target, from, to, SipIds.callId(), 1, peer);
        req.body(MANSCDP, body);
        stack.send(req, peer).whenComplete((resp, err) -> {
            if (err != null || !resp.isSuccess()) {
                LOG.log(System.Logger.Level.INFO, "{0} query to {1} failed: {2}", cmd, d.id(),
                        err != null ? err.getMessage() : resp.status());
            }
        });
    }

    private static boolean sameHost(InetSocketAddress registered, InetSocketAddress source) {
        return registered != null && source != null && registered.getAddress() != null
                && registered.getAddress().equals(source.getAddress());
    }
}
