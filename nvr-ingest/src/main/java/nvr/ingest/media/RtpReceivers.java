package nvr.ingest.media;

import io.micrometer.core.instrument.MeterRegistry;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollMode;
import io.netty.channel.socket.DatagramChannelConfig;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import nvr.gb28181.mediaport.MediaPortPool;
import nvr.ingest.health.HealthMonitor;
import nvr.ingest.health.StreamHealth;
import nvr.storage.CameraWriter;
import nvr.storage.Store;

/**
 * The NVR's RTP receivers: opens a port per stream (UDP, TCP passive, TCP active), records what arrives into
 * the storage writer of its camera, and reports every stream's health.
 *
 * <p>Ports: {@code fixedPort > 0} (static cameras) uses exactly that port, and several UDP streams may share it
 * when their SSRCs differ; otherwise a free port of the range is taken (the next one is tried when another
 * process holds it). Each stream lives on one event-loop thread; datagrams are decoded, reordered, demuxed
 * and handed to storage there without blocking.
 */
public final class RtpReceivers implements MediaReceivers {
    private static final System.Logger LOG = System.getLogger(RtpReceivers.class.getName());
    private static final int UDP_READ_BYTES = 8192; // largest datagram read whole; cameras stay under the 1500 MTU
    private static final int UDP_BATCH = 8;
    private static final int BIND_ATTEMPTS = 32;

    private final ReceiverConfig config;
    private final Function<String, CameraWriter> writers;
    private final MeterRegistry meters;
    private final Clock clock;
    private final Transports transports;
    private final MediaPortPool pool;
    private final HealthMonitor monitor;
    private final Map<Integer, UdpPort> udpPorts = new HashMap<>(); // guarded by itself
    private final Set<RtpStream> streams = ConcurrentHashMap.newKeySet();
    /** recvmmsg buffers, one per loop thread, shared by the loop's UDP ports (epoll only). */
    private final LoopReceiveBuffer udpBuffers = new LoopReceiveBuffer(UDP_READ_BYTES * UDP_BATCH);
    private volatile boolean warnedRcvbuf;
    private volatile boolean closed;

    /**
     * @param writers the storage writer of a camera, e.g. {@code store::writer}
     * @param clock the server clock frames are anchored on
     */
    public RtpReceivers(ReceiverConfig config, Function<String, CameraWriter> writers, MeterRegistry meters, Clock clock) {
        this(config, writers, meters, clock, null);
    }

    /**
     * @param sharedPorts the process's pool for {@code media.port-range} (playback takes its ports from it too),
     *     covering exactly {@code config.portRange()}; null for a pool of its own
     */
    public RtpReceivers(ReceiverConfig config, Function<String, CameraWriter> writers, MeterRegistry meters, Clock clock,
                        MediaPortPool sharedPorts) {
        PortRange range = config.portRange();
        if (sharedPorts != null && (sharedPorts.first() != range.first() || sharedPorts.last() != range.last())) {
            throw new IllegalArgumentException("the shared media port pool covers " + sharedPorts + ", not " + range);
        }
        this.config = config;
        this.writers = writers;
        this.meters = meters;
        this.clock = clock;
        this.transports = Transports.create(config.ioThreads());
        this.pool = sharedPorts != null ? sharedPorts : new MediaPortPool(range.first(), range.last());
        this.monitor = new HealthMonitor(meters, config.stallAfterMs(), config.offlineAfterMs());
        LOG.log(System.Logger.Level.DEBUG, "RTP receivers on " + config.bindAddress() + " ports " + config.portRange()
                + (transports.epoll() ? " (epoll)" : " (nio)"));
    }

    /** Receivers recording into {@code store}, anchored on the system clock. */
    public static RtpReceivers create(ReceiverConfig config, Store store, MeterRegistry meters) {
        return create(config, store, meters, null);
    }

    /** As above, taking ports from the process's shared media.port-range pool ({@code sharedPorts}, may be null). */
    public static RtpReceivers create(ReceiverConfig config, Store store, MeterRegistry meters, MediaPortPool sharedPorts) {
        return new RtpReceivers(config, store::writer, meters, Clock.systemUTC(), sharedPorts);
    }

    @Override
    public StreamHandle open(String cameraId, MediaTransport transport, Long ssrc, int fixedPort) throws IOException {
        if (closed) {
            throw new IOException("RTP receivers are closed");
        }
        if (fixedPort > 65535) {
            throw new IOException("camera " + cameraId + ": port " + fixedPort + " is not a valid port (1..65535)");
        }
        Long filter = ssrc == null ? null : ssrc & 0xFFFFFFFFL;
        if (fixedPort > 0) {
            return openOn(cameraId, transport, filter, fixedPort, true);
        }
        IOException last = null;
        for (int i = 0; i < BIND_ATTEMPTS; i++) {
            int port = pool.next();
            if (port < 0) {
                break;
            }
            try {
                return openOn(cameraId, transport, filter, port, false);
            } catch (PortBusyException e) {
                last = e; // another process (or playback) holds it: released again, try the next one
            }
        }
        throw new IOException("camera " + cameraId + ": no free RTP port in media.port-range " + config.portRange()
                + (last == null ? " (all " + config.portRange().size() + " in use)" : " (last error: " + last.getMessage() + ")")
                + "; widen media.port-range", last);
    }

    private static final class PortBusyException extends IOException {
        PortBusyException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private StreamHandle openOn(String cameraId, MediaTransport transport, Long ssrc, int port, boolean fixed)
            throws IOException {
        CameraWriter writer = writers.apply(cameraId);
        if (transport == MediaTransport.UDP) {
            return openUdp(cameraId, ssrc, port, fixed, writer);
        }
        if (fixed && !pool.reserve(port)) {
            throw new IOException("camera " + cameraId + ": port " + port + " is already used by another stream; "
                    + "give each TCP camera its own port");
        }
        RtpStream s = new RtpStream(cameraId, transport, ssrc, port, transports.group().next(), writer, clock, monitor, config);
        try {
            if (transport == MediaTransport.TCP_PASSIVE) {
                s.attach(TcpPassivePort.bind(transports, s, config.bindAddress(), port, config.tcpIdleTimeoutMs()));
            } else {
                s.attach(new TcpActiveConnector(transports, s, config.bindAddress(), port, config.tcpIdleTimeoutMs()));
            }
        } catch (IOException e) {
            s.abandon();
            pool.release(port);
            throw fixed ? e : new PortBusyException(e.getMessage(), e);
        }
        s.onClose(() -> {
            streams.remove(s);
            pool.release(port);
        });
        streams.add(s);
        return s;
    }

    private StreamHandle openUdp(String cameraId, Long ssrc, int port, boolean fixed, CameraWriter writer)
            throws IOException {
        UdpPort udp;
        RtpStream s;
        synchronized (udpPorts) { // never held while waiting on an event loop: loops take it to release ports
            udp = udpPorts.get(port);
            if (udp != null) {
                s = new RtpStream(cameraId, MediaTransport.UDP, ssrc, port, udp.loop, writer, clock, monitor, config);
                if (!udp.add(s)) {
                    s.abandon();
                    throw new IOException("camera " + cameraId + ": UDP port " + port + " already records "
                            + (ssrc == null ? "a stream that accepts any SSRC" : "SSRC " + ssrc)
                            + "; cameras sharing a port need distinct ssrc settings");
                }
                return registered(s, udp);
            }
            if (fixed && !pool.reserve(port)) {
                throw new IOException("camera " + cameraId + ": port " + port + " is already used by a TCP stream or a playback session");
            }
            udp = new UdpPort(port, transports.group().next(), meters);
            s = new RtpStream(cameraId, MediaTransport.UDP, ssrc, port, udp.loop, writer, clock, monitor, config);
            udp.add(s);
            udpPorts.put(port, udp);
        }
        try {
            udp.bound(bindUdp(udp, port));
        } catch (IOException e) {
            synchronized (udpPorts) {
                udpPorts.remove(port);
            }
            s.abandon();
            udp.unregisterMeters();
            pool.release(port);
            throw fixed ? e : new PortBusyException(e.getMessage(), e);
        }
        return registered(s, udp);
    }

    private RtpStream registered(RtpStream s, UdpPort udp) {
        s.onClose(() -> releaseUdp(s, udp));
        streams.add(s);
        return s;
    }

    /** Runs on the port's loop after one of its streams closed; the last one closes the port. */
    private void releaseUdp(RtpStream s, UdpPort udp) {
        streams.remove(s);
        synchronized (udpPorts) {
            if (!udp.remove(s) || udpPorts.get(udp.port) != udp) {
                return;
            }
            udpPorts.remove(udp.port);
        }
        if (udp.channel() != null) {
            udp.channel().close();
        }
        udp.unregisterMeters();
        pool.release(udp.port);
    }

    private Channel bindUdp(UdpPort udp, int port) throws IOException {
        Bootstrap b = new Bootstrap().group(udp.loop).channel(transports.datagram())
                .option(ChannelOption.SO_RCVBUF, config.udpReceiveBufferBytes())
                .handler(udp);
        if (transports.epoll()) { // recvmmsg: up to UDP_BATCH datagrams per system call, each a slice of one buffer
            // level-triggered, so a read may stop at a recvmmsg that did not fill every slot (see LoopReceiveBuffer)
            // instead of one more recvmmsg per wake-up that only returns EAGAIN
            b.option(EpollChannelOption.MAX_DATAGRAM_PAYLOAD_SIZE, UDP_READ_BYTES)
                    .option(EpollChannelOption.EPOLL_MODE, EpollMode.LEVEL_TRIGGERED)
                    .option(ChannelOption.RCVBUF_ALLOCATOR, udpBuffers);
        } else {
            b.option(ChannelOption.RCVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(UDP_READ_BYTES));
        }
        Channel ch;
        try {
            ch = b.bind(new InetSocketAddress(config.bindAddress(), port)).syncUninterruptibly().channel();
        } catch (Exception e) {
            throw new IOException("cannot bind UDP port " + port + " on " + config.bindAddress() + ": " + e.getMessage(), e);
        }
        int got = ((DatagramChannelConfig) ch.config()).getReceiveBufferSize();
        if (got < config.udpReceiveBufferBytes() && !warnedRcvbuf) {
            warnedRcvbuf = true;
            LOG.log(System.Logger.Level.WARNING, "UDP receive buffer is " + got + " bytes, not the "
                    + config.udpReceiveBufferBytes() + " asked for: a camera's start-up GOP burst may be lost; "
                    + "raise net.core.rmem_max (sysctl -w net.core.rmem_max=" + config.udpReceiveBufferBytes() + ")");
        }
        return ch;
    }

    /** Health of every open stream: what {@code nvr cameras list} shows. */
    public List<StreamHealth> health() {
        return monitor.snapshot();
    }

    /** Health of one camera's stream(s), empty when none is open. */
    public Optional<StreamHealth> health(String cameraId) {
        return monitor.snapshot().stream().filter(h -> h.cameraId().equals(cameraId)).findFirst();
    }

    /** Ports of the range not held by an open stream. */
    public int freePorts() {
        return pool.free();
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (RtpStream s : new ArrayList<>(streams)) {
            s.close();
        }
        monitor.close();
        transports.group().shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
