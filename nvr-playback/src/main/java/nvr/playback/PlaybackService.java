package nvr.playback;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.DatagramChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntFunction;
import nvr.gb28181.WireFormatException;
import nvr.gb28181.mansrtsp.MansRtspParser;
import nvr.gb28181.mansrtsp.MansRtspRequest;
import nvr.gb28181.mansrtsp.MansRtspResponse;
import nvr.gb28181.mansrtsp.MansRtspResponse.RtpInfo;
import nvr.gb28181.mediaport.MediaPortPool;
import nvr.playback.session.EndReason;
import nvr.playback.session.FrameMuxer;
import nvr.playback.session.PlaybackSession;
import nvr.storage.Store;
import nvr.storage.audit.AuditEvent;

/**
 * Owns every playback/download session: validates requests against the store, sets up the media
 * transport without blocking the caller, applies MANSRTSP control and ends sessions (MediaStatus 121
 * + BYE at the end of the range). Thread-safe; SIP handlers call it from any thread.
 */
public final class PlaybackService implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(PlaybackService.class.getName());

    private final Store store;
    private final PlaybackConfig config;
    private final PlaybackMetrics metrics;
    private final IntFunction<FrameMuxer> muxers;
    private final EventLoopGroup group;
    /** UDP media: epoll where available (batched sendmmsg / UDP GSO), else {@link #group}. */
    private final EventLoopGroup udpGroup;
    private final ExecutorService disk;
    /** Downloads page their segments in ahead of the disk pool's reads here (blocking on the disk, no copy). */
    private final ExecutorService readAhead;
    private final MediaPorts ports;
    private final Map<String, Entry> sessions = new ConcurrentHashMap<>();
    private final AtomicLong ids = new AtomicLong();

    private record Entry(PlaybackSession session, SessionSignal signal, Channel listener) {
    }

    /** The production wiring: PS muxing of the stored video, micrometer meters in {@code registry} (may be null). */
    public PlaybackService(Store store, PlaybackConfig config, io.micrometer.core.instrument.MeterRegistry registry) {
        this(store, config, registry, null);
    }

    /** As above, media ports taken from {@code sharedPorts}: the process's media.port-range pool, shared with ingest. */
    public PlaybackService(Store store, PlaybackConfig config, io.micrometer.core.instrument.MeterRegistry registry,
                           MediaPortPool sharedPorts) {
        this(store, config, new PlaybackMetrics(registry), nvr.playback.session.PsFrameMuxer::forStreamType, sharedPorts);
    }

    /**
     * @param muxers a new {@link FrameMuxer} per session, by the stored PSM stream_type of its video
     */
    public PlaybackService(Store store, PlaybackConfig config, PlaybackMetrics metrics, IntFunction<FrameMuxer> muxers) {
        this(store, config, metrics, muxers, null);
    }

    private PlaybackService(Store store, PlaybackConfig config, PlaybackMetrics metrics, IntFunction<FrameMuxer> muxers,
                            MediaPortPool sharedPorts) {
        this.store = store;
        this.config = config;
        this.metrics = metrics;
        this.muxers = muxers;
        this.ports = new MediaPorts(config.mediaAddress(), config.mediaPortMin(), config.mediaPortMax(), sharedPorts);
        this.group = new NioEventLoopGroup(config.ioThreads(), new DefaultThreadFactory("playback-io", true));
        this.udpGroup = Epoll.isAvailable()
            ? new EpollEventLoopGroup(config.ioThreads(), new DefaultThreadFactory("playback-udp", true)) : group;
        this.disk = Executors.newFixedThreadPool(config.diskThreads(), new DefaultThreadFactory("playback-disk", true));
        // one task at a time per download, idle threads expire: its own pool, so waits on the disk for a
        // download's read-ahead never hold up a paced session's read on the disk pool
        this.readAhead = new java.util.concurrent.ThreadPoolExecutor(0, Math.max(1, config.maxSessions()), 30, TimeUnit.SECONDS,
            new java.util.concurrent.SynchronousQueue<>(), new DefaultThreadFactory("playback-readahead", true));
    }

    public PlaybackMetrics metrics() {
        return metrics;
    }

    public int activeSessions() {
        return sessions.size();
    }

    public Collection<PlaybackSession> sessions() {
        return sessions.values().stream().map(Entry::session).toList();
    }

    /**
     * Validates {@code req} and starts a session keyed by {@code key} (the dialog's Call-ID). Never blocks
     * on the network or disk beyond an index lookup: transport connection happens in the background.
     *
     * @throws PlaybackRejected 404 unknown channel / no footage, 488 bad range, 486 busy, 488 unusable offer,
     *         500 the access cannot be written to the audit log
     */
    public MediaAnswer open(String key, PlaybackRequest req, SessionSignal signal) throws PlaybackRejected {
        try {
            return open0(key, req, signal);
        } catch (PlaybackRejected e) {
            metrics.error(e.metricReason());
            throw e;
        }
    }

    private MediaAnswer open0(String key, PlaybackRequest req, SessionSignal signal) throws PlaybackRejected {
        if (sessions.containsKey(key)) {
            throw new PlaybackRejected(488, "duplicate", "a session for Call-ID " + key + " already exists");
        }
        if (sessions.size() >= config.maxSessions()) {
            throw new PlaybackRejected(486, "busy", "too many playback sessions (" + config.maxSessions() + "); retry later");
        }
        if (req.toMs() <= req.fromMs()) {
            throw new PlaybackRejected(488, "bad-range", "time range is empty or inverted: end must be after start");
        }
        if (req.peer() == null || (req.transport() != PlaybackRequest.Transport.TCP_PASSIVE && req.peer().getPort() == 0)) {
            throw new PlaybackRejected(488, "bad-offer", "offer has no usable media address/port");
        }
        var segs = store.segments(req.camera(), req.fromMs(), req.toMs()); // one index seek
        if (segs.isEmpty()) {
            if (!store.cameraIds().contains(req.camera())) {
                throw new PlaybackRejected(404, "not-found", "unknown channel " + req.camera());
            }
            throw new PlaybackRejected(404, "no-footage", "no recording of " + req.camera() + " in the requested range");
        }
        int streamType = segs.get(0).streamType();
        FrameMuxer muxer;
        try {
            muxer = muxers.apply(streamType);
        } catch (IllegalArgumentException e) {
            throw new PlaybackRejected(488, "bad-offer", "cannot send stream_type 0x" + Integer.toHexString(streamType));
        }
        String id = "pb-" + ids.incrementAndGet();
        // audited before any media socket opens: an access that cannot be put on record is refused
        try {
            store.audit(new AuditEvent(System.currentTimeMillis(), req.who(), req.kind().name().toLowerCase(),
                req.camera(), req.fromMs(), req.toMs(), "session=" + id + " transport=" + req.transport()
                + " peer=" + req.peer() + (req.kind() == PlaybackRequest.Kind.DOWNLOAD ? " speed=" + req.downloadSpeed() : "")));
        } catch (UncheckedIOException e) {
            throw new PlaybackRejected(500, "audit", "access refused because it cannot be audited: "
                + e.getCause().getMessage() + "; check the audit log's disk");
        }
        PlaybackSession session = new PlaybackSession(id, req, store, disk, readAhead, muxer, metrics, this::ended,
            config.maxQueuedBytes(), config.stallTimeoutMs());
        MediaAnswer answer;
        Channel listener = null;
        try {
            switch (req.transport()) {
                case UDP -> answer = openUdp(id, req, session);
                case TCP_ACTIVE -> answer = openTcpActive(id, req, session);
                default -> {
                    Channel[] l = new Channel[1];
                    answer = openTcpPassive(id, req, session, l);
                    listener = l[0];
                }
            }
        } catch (IOException e) {
            session.endBeforeAttach(EndReason.SHUTDOWN);
            throw new PlaybackRejected(488, "transport", "cannot open media socket: " + e.getMessage());
        }
        sessions.put(key, new Entry(session, signal, listener));
        metrics.sessionStarted(req.kind().name().toLowerCase());
        return answer;
    }

    /** Gives the media port back to the pool once ch is closed, unless {@code handedOver} says another channel holds it. */
    private void releaseOnClose(Channel ch, int port, AtomicBoolean handedOver) {
        ch.closeFuture().addListener(f -> {
            if (handedOver == null || !handedOver.get()) {
                ports.release(port);
            }
        });
    }

    /** Send-buffer bounds: a download keeps more in flight to ride out thread hand-off latency. */
    private void configure(Channel ch, PlaybackRequest req) {
        int high = config.sendBufferBytes() * (req.kind() == PlaybackRequest.Kind.DOWNLOAD ? 4 : 1);
        ch.config().setWriteBufferWaterMark(new WriteBufferWaterMark(high / 4, high));
    }

    /** Registers {@code ch} with the media loop and connects it to the receiver; the session attaches once connected. */
    private void registerAndConnect(EventLoopGroup loops, Channel ch, PlaybackRequest req, PlaybackSession session) {
        loops.register(ch).addListener(reg -> {
            if (!reg.isSuccess()) {
                session.endBeforeAttach(EndReason.RECEIVER_GONE);
                return;
            }
            ch.connect(req.peer()).addListener(c -> {
                if (c.isSuccess()) {
                    session.attach(ch);
                } else {
                    ch.close();
                    session.endBeforeAttach(EndReason.RECEIVER_GONE);
                }
            });
        });
    }

    private MediaAnswer openUdp(String id, PlaybackRequest req, PlaybackSession session) throws IOException {
        int port;
        Channel ch;
        if (udpGroup instanceof EpollEventLoopGroup) {
            // bound here, synchronously, so the answer can carry the port; the channel then owns the fd
            io.netty.channel.unix.Socket fd = io.netty.channel.unix.Socket.newSocketDgram();
            try {
                fd.setSendBufferSize(1 << 20);
                port = ports.bind(at -> {
                    fd.bind(at);
                    return fd.localAddress().getPort();
                });
            } catch (IOException e) {
                fd.close();
                throw e;
            }
            ch = new EpollDatagramChannel(fd.intValue());
        } else {
            DatagramChannel jdk = DatagramChannel.open();
            try {
                jdk.setOption(StandardSocketOptions.SO_SNDBUF, 1 << 20);
                port = ports.bind(jdk, 0);
            } catch (IOException e) {
                jdk.close();
                throw e;
            }
            ch = new NioDatagramChannel(jdk);
        }
        releaseOnClose(ch, port, null);
        configure(ch, req);
        registerAndConnect(udpGroup, ch, req, session);
        return new MediaAnswer(id, config.mediaAddress(), port, req.ssrc(), req.transport(), null);
    }

    private MediaAnswer openTcpActive(String id, PlaybackRequest req, PlaybackSession session) throws IOException {
        SocketChannel jdk = SocketChannel.open();
        int port;
        try {
            port = ports.bind(jdk, 0);
        } catch (IOException e) {
            jdk.close();
            throw e;
        }
        NioSocketChannel ch = new NioSocketChannel(jdk);
        releaseOnClose(ch, port, null);
        configure(ch, req);
        ch.config().setOption(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) config.connectTimeoutMs());
        ch.config().setTcpNoDelay(true);
        registerAndConnect(group, ch, req, session);
        return new MediaAnswer(id, config.mediaAddress(), port, req.ssrc(), req.transport(), "active");
    }

    private MediaAnswer openTcpPassive(String id, PlaybackRequest req, PlaybackSession session, Channel[] out)
            throws IOException {
        ServerSocketChannel jdk = ServerSocketChannel.open();
        int port;
        try {
            port = ports.bind(jdk, 1);
        } catch (IOException e) {
            jdk.close();
            throw e;
        }
        NioServerSocketChannel server = new NioServerSocketChannel(jdk);
        AtomicBoolean receiverHoldsPort = new AtomicBoolean(); // once accepted, the connection holds it, not the listener
        releaseOnClose(server, port, receiverHoldsPort);
        server.pipeline().addLast(new ChannelInboundHandlerAdapter() {
            private boolean accepted;

            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                Channel child = (Channel) msg;
                if (accepted) {
                    child.unsafe().closeForcibly(); // one receiver per session
                    return;
                }
                accepted = true;
                receiverHoldsPort.set(true);
                releaseOnClose(child, port, null);
                configure(child, req);
                child.config().setOption(ChannelOption.TCP_NODELAY, true);
                child.pipeline().addLast(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel c) {
                        session.attach(c);
                    }
                });
                server.eventLoop().register(child);
                server.close(); // stop listening: the session has its receiver
            }
        });
        group.register(server).addListener(reg -> {
            if (!reg.isSuccess()) {
                session.endBeforeAttach(EndReason.RECEIVER_GONE);
                return;
            }
            server.eventLoop().schedule(() -> {
                if (server.isOpen()) {
                    server.close();
                    session.endBeforeAttach(EndReason.RECEIVER_GONE);
                }
            }, config.connectTimeoutMs(), TimeUnit.MILLISECONDS);
        });
        out[0] = server;
        return new MediaAnswer(id, config.mediaAddress(), port, req.ssrc(), req.transport(), "passive");
    }

    /**
     * Applies a MANSRTSP body from an INFO to the session of {@code key}.
     *
     * @return the RTSP answer bytes ({@code RTSP/1.0 200 OK}, or 4xx/5xx with the reason)
     * @throws WireFormatException when the body is not MANSRTSP: the caller answers the INFO with 400
     * @throws PlaybackRejected 481 when there is no such session
     */
    public byte[] control(String key, byte[] body) throws WireFormatException, PlaybackRejected {
        MansRtspRequest r;
        try {
            r = MansRtspParser.parse(body);
        } catch (WireFormatException e) {
            metrics.error("bad-mansrtsp");
            throw e;
        }
        Entry e = sessions.get(key);
        if (e == null || e.session().ended()) {
            metrics.error("no-session");
            throw new PlaybackRejected(481, "no-session", "no playback session for this dialog");
        }
        PlaybackSession s = e.session();
        switch (r.method()) {
            case PLAY -> {
                if (s.request().kind() == PlaybackRequest.Kind.PLAYBACK && r.hasScale() && !validScale(r.scale())) {
                    return MansRtspResponse.encode(457, "Invalid Range", r.cseq(), null); // RTSP has no better code
                }
                double npt = r.range() == null || r.range().startIsNow() ? Double.NaN : r.range().startSeconds();
                if (!Double.isNaN(npt) && s.request().fromMs() + npt * 1000 >= s.request().toMs()) {
                    return MansRtspResponse.encode(457, "Invalid Range", r.cseq(), null);
                }
                RtpInfo info = s.play(npt, r.hasScale() ? r.scale() : Double.NaN);
                return MansRtspResponse.encode(200, "OK", r.cseq(), info);
            }
            case PAUSE -> {
                return MansRtspResponse.encode(200, "OK", r.cseq(), s.pause());
            }
            default -> {
                s.teardown(EndReason.TORN_DOWN);
                return MansRtspResponse.encode(200, "OK", r.cseq(), null);
            }
        }
    }

    private static boolean validScale(double s) {
        for (double v : List.of(0.25, 0.5, 1.0, 2.0, 4.0, 8.0)) {
            if (Math.abs(s - v) < 1e-9) {
                return true;
            }
        }
        return false;
    }

    /** The peer ACKed our 200 OK: media may flow. Unknown keys are ignored. */
    public void start(String key) {
        Entry e = sessions.get(key);
        if (e != null) {
            e.session().start();
        }
    }

    /** The peer's BYE (or CANCEL): stop without MediaStatus. Unknown keys are ignored. */
    public void close(String key) {
        Entry e = sessions.get(key);
        if (e != null) {
            e.session().teardown(EndReason.TORN_DOWN);
            if (e.listener() != null) {
                e.listener().close();
            }
        }
    }

    private void ended(PlaybackSession s, EndReason reason, String detail) {
        Entry entry = null;
        String key = null;
        for (Map.Entry<String, Entry> me : sessions.entrySet()) {
            if (me.getValue().session() == s) {
                key = me.getKey();
                entry = me.getValue();
                break;
            }
        }
        if (key == null) {
            return; // rejected before it was registered
        }
        sessions.remove(key, entry);
        if (entry.listener() != null) {
            entry.listener().close();
        }
        metrics.sessionEnded();
        if (reason.errorTag() != null) {
            metrics.error(reason.errorTag());
            LOG.log(System.Logger.Level.INFO, "playback " + s.id() + " of " + s.request().camera() + " ended: "
                + reason + (detail == null ? "" : " (" + detail + ")"));
        }
        try {
            switch (reason) {
                case END_OF_RANGE -> entry.signal().endOfRange(s.request().camera());
                case RECEIVER_STALLED, RECEIVER_GONE, READ_ERROR -> entry.signal().abort(reason + (detail == null ? "" : ": " + detail));
                default -> { }
            }
        } catch (RuntimeException ex) {
            metrics.error("signal");
            LOG.log(System.Logger.Level.WARNING, "could not signal end of playback " + s.id() + ": " + ex);
        }
    }

    /** A random non-zero SSRC for offers without {@code y=}. */
    public static long randomSsrc() {
        return 1 + ThreadLocalRandom.current().nextLong(0xFFFFFFFEL);
    }

    @Override
    public void close() {
        for (String key : List.copyOf(sessions.keySet())) {
            Entry e = sessions.get(key);
            if (e != null) {
                e.session().teardown(EndReason.SHUTDOWN);
            }
        }
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        if (udpGroup != group) {
            udpGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
        disk.shutdown();
        readAhead.shutdown();
        try {
            disk.awaitTermination(5, TimeUnit.SECONDS);
            readAhead.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
