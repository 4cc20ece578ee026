package nvr.ingest.media;

import io.netty.buffer.Unpooled;
import io.netty.channel.EventLoop;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import nvr.gb28181.media.AccessUnit;
import nvr.gb28181.rtp.RtpPacket;
import nvr.ingest.health.HealthMonitor;
import nvr.ingest.health.StreamStats;
import nvr.storage.CameraWriter;

/**
 * One camera's stream: RTP packets in (already matched to this stream by port and SSRC), frames out to its
 * {@link CameraWriter}. Pipeline: reorder buffer -> PS frame assembly, which drops frames that cannot decode (a
 * packet of them or of their reference chain was lost) until the next keyframe -> wall-clock time -> storage.
 *
 * <p>Thread confinement: every method except the {@link StreamHandle} ones runs on {@link #loop}; the handle
 * methods hop onto it. Nothing here blocks: {@link CameraWriter#append} only queues.
 */
final class RtpStream implements StreamHandle, ReorderBuffer.Sink<RtpPacket> {
    private static final System.Logger LOG = System.getLogger(RtpStream.class.getName());
    private static final long SSRC_SWITCH_NANOS = TimeUnit.SECONDS.toNanos(1); // any-SSRC stream: silence before a new SSRC is taken

    private final String cameraId;
    private final MediaTransport transport;
    private final Long ssrcFilter; // null = any SSRC (locks onto the current one)
    private final int localPort;
    final EventLoop loop;
    private final CameraWriter writer;
    private final Clock clock;
    private final StreamStats stats = new StreamStats();
    private final HealthMonitor.Tracked health;
    private final ReorderBuffer<RtpPacket> reorder;
    private final FrameAssembler assembler;
    private final WallClockMapper wallClock;
    private Runnable onClose = () -> { };
    private Attachment attachment; // the transport-specific part (TCP connector); null for UDP/passive
    private long currentSsrc = -1;
    private long currentSsrcNanos;
    private long lossSum; // reorder counters last published to stats
    private long audioFrames;
    private boolean warnedBug;
    private static final long SETTLE_MS = 500; // the first frames are held this long to settle the clock offset
    private AccessUnit[] settling = new AccessUnit[128]; // null once settled
    private long[] settlingPts = new long[128];
    private long[] settlingArrival = new long[128];
    private int settlingCount;
    private io.netty.util.concurrent.ScheduledFuture<?> ticker; // pending 100 ms check, only while something waits
    private volatile boolean closed;

    /** Extra resources of a stream's transport, released when the stream closes. */
    interface Attachment {
        void connect(InetSocketAddress remote);

        void close();
    }

    RtpStream(String cameraId, MediaTransport transport, Long ssrcFilter, int localPort, EventLoop loop,
              CameraWriter writer, Clock clock, HealthMonitor monitor, ReceiverConfig config) {
        this.cameraId = cameraId;
        this.transport = transport;
        this.ssrcFilter = ssrcFilter;
        this.localPort = localPort;
        this.loop = loop;
        this.writer = writer;
        this.clock = clock;
        this.reorder = new ReorderBuffer<>(config.reorderWindowPackets(),
                TimeUnit.MILLISECONDS.toNanos(config.reorderMaxDelayMs()), this, RtpStream::copyOf);
        this.assembler = new FrameAssembler(this::frame);
        this.wallClock = new WallClockMapper(2000);
        this.health = monitor.track(cameraId, transport, localPort, stats);
    }

    /** What the receivers do once the stream has closed (release its port); runs on the loop. */
    void onClose(Runnable r) {
        this.onClose = r;
    }

    /** Gives up a stream that never started (its port could not be bound). */
    void abandon() {
        closed = true;
        if (ticker != null) {
            ticker.cancel(false);
        }
        health.untrack();
    }

    void attach(Attachment a) {
        this.attachment = a;
    }

    Long ssrcFilter() {
        return ssrcFilter;
    }

    StreamStats stats() {
        return stats;
    }

    // ---- event loop ----

    /** A decoded RTP packet for this stream; its payload is valid only during the call. */
    void onPacket(RtpPacket p, long nowNanos) {
        if (closed) {
            return;
        }
        if (!acceptSsrc(p.ssrc(), nowNanos)) {
            stats.rejected();
            return;
        }
        stats.packet(p.payload().readableBytes());
        try {
            reorder.offer(p, p.sequence(), nowNanos);
        } catch (RuntimeException e) {
            bug(e);
        }
        publishLoss();
        if (ticker == null && (reorder.held() > 0 || settling != null)) {
            ticker = loop.schedule(this::tick, 100, TimeUnit.MILLISECONDS); // a stream that stops still flushes
        }
    }

    /** A datagram or TCP frame on this stream's port that is not RTP for it. */
    void onRejected() {
        stats.rejected();
    }

    /** 100 ms after a packet left something waiting: gives up overdue reorder gaps, releases settled start-up frames. */
    private void tick() {
        ticker = null;
        if (closed) {
            return;
        }
        if (reorder.held() > 0) {
            reorder.expire(System.nanoTime());
            publishLoss();
        }
        if (settling != null && settlingCount > 0 && clock.millis() - settlingArrival[0] >= SETTLE_MS) {
            releaseSettling();
        }
        if (reorder.held() > 0 || (settling != null && settlingCount > 0)) {
            ticker = loop.schedule(this::tick, 100, TimeUnit.MILLISECONDS);
        }
    }

    /** The byte stream broke (TCP connection closed or replaced): what was in flight is gone. */
    void discontinuity() {
        reorder.restart();
        assembler.discontinuity();
        publishDrops();
    }

    private boolean acceptSsrc(long ssrc, long nowNanos) {
        if (ssrcFilter != null) {
            return ssrc == ssrcFilter;
        }
        if (ssrc == currentSsrc || currentSsrc == -1) {
            currentSsrc = ssrc;
            currentSsrcNanos = nowNanos;
            return true;
        }
        if (nowNanos - currentSsrcNanos < SSRC_SWITCH_NANOS) {
            return false; // a stray sender while the current one is alive
        }
        LOG.log(System.Logger.Level.INFO, "camera " + cameraId + ": SSRC changed from " + currentSsrc + " to " + ssrc
                + " (sender restarted)");
        currentSsrc = ssrc;
        currentSsrcNanos = nowNanos;
        discontinuity();
        return true;
    }

    @Override
    public void deliver(RtpPacket packet, int seq) {
        assembler.feed(packet);
        if (packet.marker()) {
            publishDrops();
        }
        if (assembler.psErrors() != stats.psErrors()) {
            stats.psErrors(assembler.psErrors());
        }
    }

    @Override
    public void gap(int lost, boolean restart) {
        assembler.discontinuity(); // the demuxer then waits for the next keyframe
        publishDrops();
    }

    private void publishDrops() {
        long d = assembler.framesDropped();
        if (d != stats.framesDroppedBroken()) {
            stats.droppedBroken(d);
        }
    }

    /** A complete frame from the assembler. */
    private void frame(AccessUnit au) {
        if (!au.codec().isVideo()) {
            audioFrames++; // stored interleaved with video, but "frames" counts video access units
            long t = settling != null ? Long.MIN_VALUE : wallClock.project(au.pts90k());
            if (t != Long.MIN_VALUE) { // audio before the video clock settles is not recorded
                writer.append(t, false, au.codec().streamType(), au.data());
            }
            return;
        }
        stats.videoFrame(au.keyframe(), System.nanoTime());
        publishDrops();
        long arrivalMs = clock.millis();
        if (settling != null) {
            settle(au, arrivalMs);
            return;
        }
        store(au, wallClock.map(au.pts90k(), arrivalMs, au.keyframe()));
    }

    /** Holds the stream's first frames until their clock offset is settled (see WallClockMapper#mapBatch). */
    private void settle(AccessUnit au, long arrivalMs) {
        int n = settlingCount++;
        settling[n] = au;
        settlingPts[n] = au.pts90k();
        settlingArrival[n] = arrivalMs;
        if (settlingCount == settling.length || arrivalMs - settlingArrival[0] >= SETTLE_MS) {
            releaseSettling();
        }
    }

    private void releaseSettling() {
        AccessUnit[] held = settling;
        if (held == null) {
            return;
        }
        settling = null;
        boolean[] keys = new boolean[settlingCount];
        for (int i = 0; i < settlingCount; i++) {
            keys[i] = held[i].keyframe();
        }
        long[] times = wallClock.mapBatch(settlingPts, settlingArrival, keys, settlingCount);
        for (int i = 0; i < settlingCount; i++) {
            store(held[i], times[i]);
        }
        settlingPts = settlingArrival = null;
    }

    private void store(AccessUnit au, long timeMs) {
        if (writer.append(timeMs, au.keyframe(), au.codec().streamType(), au.data())) {
            stats.stored(timeMs);
        } else {
            stats.droppedOverload();
        }
    }

    private void publishLoss() {
        long sum = reorder.lost + reorder.reordered + reorder.duplicates;
        if (sum != lossSum) {
            lossSum = sum;
            stats.loss(reorder.lost, reorder.reordered, reorder.duplicates);
        }
    }

    private void bug(RuntimeException e) {
        stats.internalError();
        if (!warnedBug) {
            warnedBug = true;
            LOG.log(System.Logger.Level.ERROR, "camera " + cameraId + ": internal error in the media pipeline, "
                    + "resynchronising at the next keyframe (reported once per stream): " + e, e);
        }
        reorder.clear();
        assembler.discontinuity();
    }

    private static RtpPacket copyOf(RtpPacket p) {
        return RtpPacket.of(p.marker(), p.payloadType(), p.sequence(), p.timestamp(), p.ssrc(),
                Unpooled.copiedBuffer(p.payload()));
    }

    // ---- StreamHandle (any thread) ----

    @Override
    public String cameraId() {
        return cameraId;
    }

    @Override
    public int localPort() {
        return localPort;
    }

    MediaTransport transport() {
        return transport;
    }

    @Override
    public void connect(InetSocketAddress remote) {
        if (attachment == null) {
            throw new IllegalStateException("camera " + cameraId + ": connect() is only for TCP_ACTIVE streams, this one is " + transport);
        }
        attachment.connect(remote);
    }

    @Override
    public StreamState state() {
        return health.state();
    }

    @Override
    public void onStateChange(Consumer<StreamState> listener) {
        health.onStateChange(listener);
    }

    boolean isClosed() {
        return closed;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        Runnable finish = () -> {
            if (closed) {
                return;
            }
            reorder.flush(); // frames already received are still written
            assembler.finish();
            releaseSettling();
            closed = true;
            if (ticker != null) {
                ticker.cancel(false);
            }
            if (attachment != null) {
                attachment.close();
            }
            health.untrack();
            onClose.run();
        };
        if (loop.inEventLoop()) {
            finish.run();
        } else {
            try {
                loop.submit(finish).syncUninterruptibly();
            } catch (java.util.concurrent.RejectedExecutionException e) {
                finish.run(); // the loop is already shut down: nothing else touches this stream
            }
        }
    }

    @Override
    public String toString() {
        return "camera " + cameraId + " (" + transport + " port " + localPort
                + (ssrcFilter == null ? "" : " ssrc " + ssrcFilter) + ")";
    }
}
