package nvr.ingest.sip;

import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import nvr.gb28181.sip.MediaSessionHandler;
import nvr.ingest.cascade.Cascade;
import nvr.ingest.device.Channel;
import nvr.ingest.device.Device;
import nvr.ingest.device.DeviceRegistry;
import nvr.ingest.media.MediaReceivers;
import nvr.storage.Store;

/**
 * The GB/T 28181 SIP server: what {@code nvr serve} starts. Devices register (digest auth), keep alive,
 * report their Catalog, and every video channel is INVITEd and recorded through {@link MediaReceivers};
 * upper platforms get our registration, Catalog and RecordInfo ({@link Cascade}); Playback/Download INVITEs
 * go to the optional {@link MediaSessionHandler}.
 *
 * <p>Threads: one Netty event loop for SIP I/O (parse only), one signaling thread owning all SIP state,
 * one session worker for handler calls. Usage: {@code new SipServer(cfg, store, receivers, meters, handler).start()}.
 */
public final class SipServer implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(SipServer.class.getName());

    private final SipConfig config;
    private final ScheduledExecutorService core;
    private final ExecutorService sessionWorker;
    private final SipMetrics metrics;
    private final SipStack stack;
    private final DeviceRegistry registry;
    private final DialogTable dialogs = new DialogTable();
    private final RecordingPlan plan;
    private final DeviceMessages deviceMessages;
    private final Cascade cascade;

    /**
     * @param receivers opens RTP receivers for INVITEd channels; null disables the recording plan
     * @param handler   serves Playback/Download sessions; null answers them 488
     */
    public SipServer(SipConfig config, Store store, MediaReceivers receivers, MeterRegistry meters,
                     MediaSessionHandler handler) {
        this.config = config;
        ScheduledThreadPoolExecutor ex = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "sip-signaling");
            t.setDaemon(true);
            return t;
        });
        ex.setRemoveOnCancelPolicy(true);
        ex.setExecuteExistingDelayedTasksAfterShutdownPolicy(false); // pending transaction timers die with the server
        this.core = ex;
        this.sessionWorker = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "sip-sessions");
            t.setDaemon(true);
            return t;
        });
        this.metrics = new SipMetrics(meters);
        this.stack = new SipStack(config, core, metrics);
        this.registry = onCore(() -> new DeviceRegistry(store.table("devices"), store.table("cameras")));
        metrics.onlineDevices(registry::onlineCount);
        this.plan = new RecordingPlan(config, stack, dialogs, registry, receivers, metrics);
        this.deviceMessages = new DeviceMessages(config, stack, registry, plan, metrics);
        this.cascade = new Cascade(stack, config.upstreams(), registry, store, config.zone(), Cascade.DEFAULT_PAGE_SIZE);
        Registrar registrar = new Registrar(config, registry, metrics, new Registrar.Listener() {
            @Override
            public void onRegistered(Device device, boolean fresh) {
                if (fresh) {
                    plan.deviceGone(device.id()); // a restarted device lost its streams; set them up again
                    deviceMessages.queryCatalog(device);
                    deviceMessages.queryDeviceInfo(device);
                    deviceMessages.queryDeviceStatus(device);
                }
            }

            @Override
            public void onUnregistered(Device device) {
                plan.deviceGone(device.id());
            }
        });
        SessionDispatcher sessions = new SessionDispatcher(stack, dialogs, handler, sessionWorker, metrics);
        stack.handler(new RequestRouter(stack, registrar, deviceMessages, sessions, dialogs, cascade, metrics));
    }

    /** Binds UDP and TCP, starts keepalive supervision and upstream registration. */
    public void start() throws IOException {
        try {
            stack.start();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while binding SIP port " + config.port(), e);
        } catch (IllegalStateException e) {
            throw new IOException(e.getMessage(), e);
        }
        long periodMs = Math.max(100, config.keepaliveSeconds() * 1000L / 4);
        core.scheduleWithFixedDelay(this::superviseKeepalives, periodMs, periodMs, TimeUnit.MILLISECONDS);
        core.execute(cascade::start);
        LOG.log(System.Logger.Level.INFO, "SIP server {0} (domain {1}) on UDP+TCP port {2,number,#}", config.id(), config.domain(),
                stack.port());
    }

    private void superviseKeepalives() {
        long now = System.currentTimeMillis();
        for (Device d : registry.overdue(now, config.keepaliveSeconds() * 1000L, config.keepaliveMisses())) {
            metrics.deviceOffline.increment();
            registry.markOffline(d, now > d.expiresAtMs() ? "registration expired"
                    : config.keepaliveMisses() + " keepalives missed", now);
            plan.deviceGone(d.id());
        }
    }

    /** The bound port (useful when configured as 0). */
    public int port() {
        return stack.port();
    }

    public SipConfig config() {
        return config;
    }

    /** A snapshot of device states: id, online, last seen. Safe from any thread. */
    public List<DeviceStatus> devices() {
        return onCore(() -> registry.all().stream()
                .map(d -> new DeviceStatus(d.id(), d.online(), d.lastSeenMs(), d.contact() == null ? null : d.contact().toString()))
                .toList());
    }

    /**
     * Every video channel the devices announced, with whether it records now: what an admin needs to spot a
     * camera that registered but whose stream never came (it has no footage, so storage alone cannot show it).
     */
    public List<ChannelStatus> channels() {
        return onCore(() -> plan.planned().stream().map(p -> {
            Device d = registry.get(p.deviceId());
            Channel c = registry.channel(p.channelId());
            return new ChannelStatus(p.channelId(), p.deviceId(), c == null || c.name() == null ? "" : c.name(),
                    d != null && d.online(), p.recording(), p.retries(), p.lastProblem());
        }).sorted(Comparator.comparing(ChannelStatus::id)).toList());
    }

    /** True when the channel currently has an established recording session. */
    public boolean recording(String channelId) {
        return onCore(() -> plan.recording(channelId));
    }

    /** True when every configured upper platform accepted our registration. */
    public boolean upstreamsRegistered() {
        return onCore(cascade::allRegistered);
    }

    /**
     * A device's video channel as admins see it: {@code retries} counts re-INVITEs since its session was last up
     * (0 while recording), {@code lastProblem} says why the last attempt or session ended ("" if none did).
     */
    public record ChannelStatus(String id, String deviceId, String name, boolean deviceOnline, boolean recording,
                                int retries, String lastProblem) {
    }

    /** A device as admins see it. */
    public record DeviceStatus(String id, boolean online, long lastSeenMs, String address) {
    }

    private <T> T onCore(Callable<T> c) {
        try {
            return core.submit(c).get(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        } catch (java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("SIP signaling thread did not answer in 10 s", e);
        }
    }

    /** Sends BYE for our recording sessions and REGISTER Expires 0 upstream (best effort), then unbinds. */
    @Override
    public void close() {
        try {
            onCore(() -> {
                plan.close();
                cascade.close();
                return null;
            });
            Thread.sleep(100); // let the BYEs/unREGISTERs leave the socket
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "SIP shutdown: {0}", e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        core.execute(stack::close);
        core.shutdown();
        try {
            core.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        sessionWorker.shutdownNow();
    }
}
