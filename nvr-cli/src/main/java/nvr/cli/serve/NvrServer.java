package nvr.cli.serve;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import nvr.storage.retention.RetentionConfig;
import nvr.storage.retention.RetentionManager;
import nvr.storage.retention.RetentionPolicy;
import nvr.storage.retention.Tier;
import nvr.storage.retention.VolumeConfig;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.CountDownLatch;
import java.util.logging.Level;
import java.util.logging.Logger;
import nvr.cli.CliException;
import nvr.cli.admin.AdminServer;
import nvr.cli.admin.TokenFile;
import nvr.cli.config.NvrConfig;
import nvr.cli.demo.DemoCameras;
import nvr.gb28181.mediaport.MediaPortPool;
import nvr.ingest.cascade.UpstreamConfig;
import nvr.ingest.media.MediaTransport;
import nvr.ingest.media.PortRange;
import nvr.ingest.media.ReceiverConfig;
import nvr.ingest.media.RtpReceivers;
import nvr.ingest.sip.SipConfig;
import nvr.ingest.sip.SipServer;
import nvr.playback.PlaybackConfig;
import nvr.playback.PlaybackService;
import nvr.playback.sip.PlaybackSipHandler;
import nvr.storage.RootInUseException;
import nvr.storage.Store;
import nvr.storage.StoreConfig;

/**
 * A running recorder: wires storage, ingest, SIP, playback, retention and the admin API from one
 * {@link NvrConfig}, and takes them down in reverse order (last: flush and fsync the store) on SIGTERM.
 */
public final class NvrServer implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(NvrServer.class.getName());

    private final NvrConfig config;
    private final Deque<AutoCloseable> toClose = new ArrayDeque<>();
    private volatile boolean ready;
    private volatile boolean closed;

    private NvrServer(NvrConfig config) {
        this.config = config;
    }

    /** {@code nvr serve}: starts, prints where things are, blocks until SIGTERM/Ctrl-C, shuts down cleanly. */
    public static int runUntilStopped(NvrConfig config, boolean demo) {
        Logging.configure(config.log().level());
        NvrServer server = start(config, demo);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            LOG.info("stopping: SIGTERM/interrupt received");
            server.close();
            stopped.countDown();
        }, "nvr-shutdown"));
        System.out.println("nvr is running: admin http://" + config.admin().host() + ":" + config.admin().port()
                + " (token in " + TokenFile.path(config.firstRoot()) + "), SIP " + config.sip().id() + " on port "
                + config.sip().port() + (demo ? ", demo cameras sending" : ""));
        System.out.println("try: bin/nvr cameras list --config " + config.file() + "    (Ctrl-C stops it)");
        System.out.flush();
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 0;
    }

    public static NvrServer start(NvrConfig config, boolean demo) {
        NvrServer s = new NvrServer(config);
        try {
            s.startComponents(demo);
            return s;
        } catch (RuntimeException e) {
            s.close();
            throw e;
        }
    }

    private void startComponents(boolean demo) {
        NvrConfig cfg = config;
        if (demo) {
            List<NvrConfig.Camera> cams = new ArrayList<>(cfg.cameras());
            cams.addAll(DemoCameras.cameraConfigs(cfg));
            cfg = cfg.withCameras(cams);
        }
        PrometheusMeterRegistry meters = Metrics.create();
        NvrConfig.Storage st = cfg.storage();
        Store store;
        try {
            store = Store.open(new StoreConfig(st.roots(), st.segmentMaxSeconds(), st.segmentMaxBytes(), st.fsyncMs(),
                    st.writerQueueBytes()), meters);
        } catch (IOException e) {
            throw storeRefused(st.roots(), e);
        }
        toClose.push(() -> {
            store.flush();
            store.close();
            LOG.info("storage flushed, fsynced and closed");
        });

        RetentionManager retention;
        try {
            retention = new RetentionManager(store, retentionConfig(cfg), InstantSource.system(), meters);
        } catch (IOException e) {
            throw CliException.failed("cannot start retention on " + st.roots() + ": " + e.getMessage());
        }
        retention.start();
        toClose.push(retention);

        NvrConfig.Media me = cfg.media();
        // one pool for media.port-range: ingest streams, static cameras and playback sessions each hold their
        // own ports of it (one firewall rule covers both directions, and no port number is handed out twice)
        MediaPortPool mediaPorts = new MediaPortPool(me.portMin(), me.portMax());
        ReceiverConfig rc = ReceiverConfig.defaults(new PortRange(me.portMin(), me.portMax())).withBindAddress(me.bind())
                .withTimeouts(me.stallMs(), me.offlineSeconds() * 1000, 10_000);
        RtpReceivers receivers = RtpReceivers.create(rc, store, meters, mediaPorts);
        toClose.push(receivers);
        for (NvrConfig.Camera c : cfg.cameras()) {
            try {
                receivers.open(c.id(), c.transport().equals("udp") ? MediaTransport.UDP : MediaTransport.TCP_PASSIVE,
                        c.ssrc(), c.port());
                LOG.info("camera=" + c.id() + " static camera on " + c.transport() + " port " + c.port() + " tier " + c.tier());
            } catch (IOException e) {
                throw CliException.failed("camera " + c.id() + ": cannot listen on " + c.transport() + " port " + c.port()
                        + " (" + e.getMessage() + "); free the port or change cameras[].port in " + cfg.file());
            }
        }

        String advertise = AdvertiseAddress.resolve(cfg.sip().advertiseIp());
        PlaybackService playback = new PlaybackService(store, PlaybackConfig.defaults(advertise)
                .withMediaPorts(me.portMin(), me.portMax()), meters, mediaPorts);
        toClose.push(playback);
        SipServer sip = new SipServer(sipConfig(cfg, advertise), store, receivers, meters,
                new PlaybackSipHandler(playback, cfg.sip().id()));
        try {
            sip.start();
        } catch (IOException e) {
            sip.close();
            throw CliException.failed("cannot start SIP on UDP/TCP port " + cfg.sip().port() + " (" + e.getMessage()
                    + "); stop what uses it or change sip.port in " + cfg.file());
        }
        toClose.push(sip);

        AdminService admin = new AdminService(cfg, store, retention, receivers, sip);
        String token;
        try {
            token = TokenFile.create(cfg.firstRoot());
        } catch (IOException e) {
            throw CliException.failed("cannot write the admin token in " + cfg.firstRoot() + ": " + e.getMessage());
        }
        AdminServer http;
        try {
            http = new AdminServer(new InetSocketAddress(cfg.admin().host(), cfg.admin().port()), token, admin, meters::scrape);
        } catch (BindException e) {
            throw CliException.failed("admin.listen " + cfg.admin().host() + ":" + cfg.admin().port()
                    + " is in use by another program; stop it or change admin.listen in " + cfg.file());
        } catch (IOException e) {
            throw CliException.failed("cannot open admin.listen " + cfg.admin().host() + ":" + cfg.admin().port() + ": " + e.getMessage());
        }
        http.start();
        toClose.push(http);

        if (demo) {
            try {
                toClose.push(DemoCameras.start(DemoCameras.cameraConfigs(config)));
            } catch (IOException e) {
                throw CliException.failed("cannot start the demo cameras: " + e.getMessage());
            }
        }
        ready = true;
        admin.markReady();
        LOG.info("ready: admin=" + cfg.admin().host() + ":" + cfg.admin().port() + " sip=" + cfg.sip().id() + "@udp+tcp:"
                + sip.port() + " advertise=" + advertise + " roots=" + st.roots() + " static-cameras=" + cfg.cameras().size()
                + " upstreams=" + cfg.upstream().size());
    }

    /**
     * The store locks every data root for its life (one recorder per root); when that is what refused it,
     * the line names the root and the pid holding it, as operators grep for, instead of the store's wording.
     */
    private static CliException storeRefused(List<Path> roots, IOException e) {
        if (e instanceof RootInUseException used) {
            return CliException.failed("data root " + used.root() + " is already used by a running nvr"
                    + (used.holderPid().isPresent() ? " (pid " + used.holderPid().getAsLong() + ")" : "")
                    + "; stop it first, or give this one other storage.roots");
        }
        return CliException.failed("cannot open storage in " + roots + ": " + e.getMessage());
    }

    static SipConfig sipConfig(NvrConfig c, String advertise) {
        Map<String, String> passwords = new HashMap<>();
        for (NvrConfig.Device d : c.devices()) {
            passwords.put(d.id(), d.password());
        }
        List<UpstreamConfig> ups = new ArrayList<>();
        for (NvrConfig.Upstream u : c.upstream()) {
            ups.add(new UpstreamConfig(u.id(), u.domain(), u.host(), u.port(), u.password(), u.registerSeconds(),
                    u.keepaliveSeconds()));
        }
        MediaTransport t = switch (c.sip().inviteTransport()) {
            case "tcp-passive" -> MediaTransport.TCP_PASSIVE;
            case "tcp-active" -> MediaTransport.TCP_ACTIVE;
            default -> MediaTransport.UDP;
        };
        return SipConfig.of(c.sip().id(), c.sip().domain(), c.sip().port(), c.sip().password())
                .withHost(advertise).withDevicePasswords(passwords).withMediaTransport(t).withUpstreams(ups)
                .withKeepalive(c.sip().keepaliveSeconds(), 3);
    }

    static RetentionConfig retentionConfig(NvrConfig c) {
        List<Tier> tiers = new ArrayList<>();
        for (NvrConfig.Tier t : c.tiers()) {
            tiers.add(new Tier(t.name(), t.minDays(), t.maxDays()));
        }
        Map<String, String> cameraTiers = new HashMap<>();
        for (NvrConfig.Camera cam : c.cameras()) {
            cameraTiers.put(cam.id(), cam.tier());
        }
        double high = c.retention().highWatermarkPercent() / 100.0;
        List<VolumeConfig> volumes = new ArrayList<>();
        for (Path root : c.storage().roots()) {
            volumes.add(new VolumeConfig(root, high, high - 0.05, 0));
        }
        return new RetentionConfig(tiers, c.defaultTier(), cameraTiers, RetentionPolicy.parse(c.retention().policy()),
                volumes, Duration.ofSeconds(c.retention().sweepSeconds()));
    }

    public boolean ready() {
        return ready;
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        ready = false;
        while (!toClose.isEmpty()) {
            AutoCloseable c = toClose.pop();
            try {
                c.close();
            } catch (Exception e) {
                LOG.log(Level.WARNING, "shutdown step failed: " + e, e);
            }
        }
    }
}
