package nvr.ingest.cascade;

import java.net.InetSocketAddress;
import java.nio.charset.Charset;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;
import nvr.gb28181.WireFormatException;
import nvr.gb28181.manscdp.ManscdpMessage;
import nvr.gb28181.manscdp.ManscdpParser;
import nvr.gb28181.manscdp.ManscdpTime;
import nvr.gb28181.manscdp.ManscdpType;
import nvr.gb28181.manscdp.ManscdpWriter;
import nvr.gb28181.sip.SipRequest;
import nvr.gb28181.sip.SipResponse;
import nvr.ingest.device.Channel;
import nvr.ingest.device.DeviceRegistry;
import nvr.ingest.sip.SipEndpoint;
import nvr.storage.Coverage;
import nvr.storage.Store;

/**
 * Us as a lower platform of police/county platforms: registration and keepalive toward each configured
 * upstream ({@link UpstreamClient}), and answers to their queries from our own data: Catalog from the
 * camera registry, RecordInfo from storage coverage ({@link RecordInfoAnswer}), DeviceInfo/DeviceStatus
 * about us. Multi-part answers are sent one MESSAGE at a time, each after the previous one's 200 OK, all
 * with the query's SN. Playback/Download INVITEs from platforms go through the SIP server's session handler.
 * Signaling thread only.
 */
public final class Cascade implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(Cascade.class.getName());
    /** Items per MESSAGE: keeps a RecordInfo/Catalog datagram near 4 KB, well under any UDP limit. */
    public static final int DEFAULT_PAGE_SIZE = 8;

    private final SipEndpoint ep;
    private final Map<String, UpstreamClient> upstreams = new LinkedHashMap<>();
    private final DeviceRegistry registry;
    private final Store store;
    private final ZoneId zone;
    private final int pageSize;

    public Cascade(SipEndpoint ep, List<UpstreamConfig> configs, DeviceRegistry registry, Store store, ZoneId zone,
                   int pageSize) {
        this.ep = ep;
        this.registry = registry;
        this.store = store;
        this.zone = zone;
        this.pageSize = pageSize;
        for (UpstreamConfig c : configs) {
            upstreams.put(c.id(), new UpstreamClient(c, ep));
        }
    }

    public void start() {
        upstreams.values().forEach(UpstreamClient::start);
    }

    public boolean isUpstream(String id) {
        return id != null && upstreams.containsKey(id);
    }

    /**
     * True when {@code id} is a configured upper platform and {@code source} is that platform's configured
     * host: the only peers trusted with media sessions (footage), since a From header alone is forgeable.
     */
    public boolean isUpstreamAt(String id, InetSocketAddress source) {
        UpstreamClient up = id == null ? null : upstreams.get(id);
        return up != null && source != null && up.address().getAddress() != null
                && up.address().getAddress().equals(source.getAddress());
    }

    public boolean allRegistered() {
        return upstreams.values().stream().allMatch(UpstreamClient::registered);
    }

    /** A MESSAGE from an upper platform: answers 200 at once and sends the MANSCDP answer(s) after. */
    public SipResponse onMessage(SipRequest req, InetSocketAddress source) throws WireFormatException {
        UpstreamClient up = upstreams.get(req.from().user());
        ManscdpMessage q;
        try {
            q = ManscdpParser.parse(req.body());
        } catch (WireFormatException e) {
            return req.createResponse(400, "Bad MANSCDP", null);
        }
        if (q.type() != ManscdpType.QUERY) {
            return req.createResponse(200, "OK", null);
        }
        Charset cs = q.charset();
        switch (q.cmdType()) {
            case "Catalog" -> ep.signaling().execute(() -> answerCatalog(up, q, cs));
            case "RecordInfo" -> {
                RecordInfoAnswer a;
                try {
                    a = recordInfo(q, cs);
                } catch (WireFormatException e) {
                    return req.createResponse(400, e.getMessage().replaceAll("[\\r\\n]", " "), null);
                }
                ep.signaling().execute(() -> sendPages(up, "RecordInfo", q.sn(), a.pages(), a::page));
            }
            case "DeviceInfo" -> ep.signaling().execute(() -> sendPages(up, "DeviceInfo", q.sn(), 1, i ->
                    new ManscdpWriter(ManscdpType.RESPONSE, "DeviceInfo", q.sn(), ep.localId()).field("Result", "OK")
                            .field("DeviceName", "NVR").field("Manufacturer", "nvr-gb28181").field("Model", "NVR")
                            .field("Firmware", "0.1").field("Channel", registry.allChannels().size()).toBytes(cs)));
            case "DeviceStatus" -> ep.signaling().execute(() -> sendPages(up, "DeviceStatus", q.sn(), 1, i ->
                    new ManscdpWriter(ManscdpType.RESPONSE, "DeviceStatus", q.sn(), ep.localId()).field("Result", "OK")
                            .field("Online", "ONLINE").field("Status", "OK").field("Encode", "ON").field("Record", "ON")
                            .field("DeviceTime", ManscdpTime.format(System.currentTimeMillis(), zone)).toBytes(cs)));
            default -> {
                return req.createResponse(200, "OK", null);
            }
        }
        return req.createResponse(200, "OK", null);
    }

    /** The RecordInfo answer for a query, from storage coverage. */
    RecordInfoAnswer recordInfo(ManscdpMessage q, Charset cs) throws WireFormatException {
        String channelId = q.deviceId();
        if (channelId == null || channelId.isEmpty()) {
            throw new WireFormatException("manscdp", "RecordInfo query without DeviceID");
        }
        long from = ManscdpTime.parseMs(q.text("StartTime"), zone);
        long to = ManscdpTime.parseMs(q.text("EndTime"), zone);
        if (to <= from) {
            throw new WireFormatException("manscdp", "RecordInfo EndTime is not after StartTime");
        }
        Channel ch = registry.channel(channelId);
        Coverage cov = store.coverage(channelId, from, to);
        return new RecordInfoAnswer(channelId, ch == null ? null : ch.name(), q.sn(), cov.spans(), from, to,
                q.text("Type"), zone, cs, pageSize);
    }

    private void answerCatalog(UpstreamClient up, ManscdpMessage q, Charset cs) {
        List<Channel> channels = registry.allChannels();
        int pages = Math.max(1, (channels.size() + pageSize - 1) / pageSize);
        sendPages(up, "Catalog", q.sn(), pages, i -> {
            ManscdpWriter w = new ManscdpWriter(ManscdpType.RESPONSE, "Catalog", q.sn(), ep.localId())
                    .field("SumNum", channels.size());
            List<Channel> page = channels.isEmpty() ? List.of()
                    : channels.subList(i * pageSize, Math.min(channels.size(), (i + 1) * pageSize));
            if (!page.isEmpty()) {
                w.open("DeviceList", "Num", page.size());
                for (Channel c : page) {
                    w.open("Item").field("DeviceID", c.id()).field("Name", c.name() == null ? c.id() : c.name())
                            .field("Manufacturer", c.manufacturer()).field("Model", c.model()).field("Owner", "0")
                            .field("CivilCode", c.civilCode() == null ? ep.domain().substring(0, 6) : c.civilCode())
                            .field("Address", c.address()).field("Parental", 0).field("ParentID", ep.localId())
                            .field("SafetyWay", 0).field("RegisterWay", 1).field("Secrecy", 0)
                            .field("Status", "OFF".equalsIgnoreCase(c.status()) ? "OFF" : "ON")
                            .field("Longitude", c.longitude() == null ? null : c.longitude().toString())
                            .field("Latitude", c.latitude() == null ? null : c.latitude().toString()).close("Item");
                }
                w.close("DeviceList");
            }
            return w.toBytes(cs);
        });
    }

    /** Sends page 0..n-1, each only after the previous one got a 2xx; stops on the first failure. */
    private void sendPages(UpstreamClient up, String what, long sn, int pages, IntFunction<byte[]> page) {
        sendPage(up, what, sn, 0, pages, page);
    }

    private void sendPage(UpstreamClient up, String what, long sn, int i, int pages, IntFunction<byte[]> page) {
        if (i >= pages) {
            return;
        }
        up.send(page.apply(i)).whenComplete((resp, err) -> ep.signaling().execute(() -> {
            if (err == null && resp.isSuccess()) {
                sendPage(up, what, sn, i + 1, pages, page);
            } else {
                LOG.log(System.Logger.Level.WARNING, "{0} answer SN {1,number,#} to {2}: page {3}/{4} failed ({5}); stopped",
                        what, sn, up.config().id(), i + 1, pages, err != null ? err.getMessage() : resp.status());
            }
        }));
    }

    List<UpstreamClient> clients() {
        return new ArrayList<>(upstreams.values());
    }

    @Override
    public void close() {
        upstreams.values().forEach(UpstreamClient::close);
    }
}
