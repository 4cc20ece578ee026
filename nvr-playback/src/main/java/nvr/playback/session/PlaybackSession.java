package nvr.playback.session;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoop;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.SegmentedDatagramPacket;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.PortUnreachableException;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import nvr.gb28181.media.Codec;
import nvr.gb28181.mansrtsp.MansRtspResponse.RtpInfo;
import nvr.gb28181.ps.PsRtpPacketizer;
import nvr.gb28181.rtp.RtpPacketizer;
import nvr.playback.PlaybackMetrics;
import nvr.playback.PlaybackRequest;
import nvr.storage.Store;

/**
 * Streams one requested range as PS over RTP to one receiver, paced by frame time (see package-info).
 * Invariant: every field below the "loop-confined" line is read and written only on {@link #loop}.
 * Control calls ({@link #play}, {@link #pause}, {@link #teardown}) may come from any thread; they are
 * handed to the loop and never wait for it.
 */
public final class PlaybackSession {
    /** Nominal frame interval used when the timeline is re-based (seek, pause, gap): 40 ms = 25 fps. */
    static final long NOMINAL_FRAME_MS = 40;
    /** A frame sent this much after its due time counts as late. */
    static final long LATE_NANOS = TimeUnit.MILLISECONDS.toNanos(40);
    /** At most this many frames per tick before yielding the loop to other sessions. */
    private static final int FRAMES_PER_TICK = 32;
    /** UDP GSO limits: segments per send, and bytes per send (an IPv4 datagram, with headers, fits 64 KiB). */
    private static final int GSO_MAX_SEGMENTS = 64;
    private static final int GSO_MAX_BYTES = 65_000;
    /**
     * A download's read-ahead, in multiples of {@code maxQueuedBytes}: it runs far ahead of real time (16x
     * measured no better than 4x on a 1 GiB download: the sender waits for the disk thread's CPU, not for depth).
     */
    static final int DOWNLOAD_READ_AHEAD = 4;
    /** PS time of the first frame: 1 s, leaving room below for DTS < PTS. */
    private static final long FIRST_PTS_90K = 90_000;

    private final String id;
    private final PlaybackRequest request;
    private final PlaybackMetrics metrics;
    private final SessionListener listener;
    private final long stallTimeoutNanos;
    private final FramePrefetcher prefetcher;
    private final long rtpBase = ThreadLocalRandom.current().nextInt() & 0xFFFFFFFFL;
    private volatile Channel channel;
    private boolean gso; // set once in attach(): UDP over epoll on a kernel with UDP_SEGMENT
    private volatile EventLoop loop;
    private volatile RtpInfo lastRtpInfo;
    private volatile boolean ended;
    private volatile boolean started;

    // ---- loop-confined ----
    private double rate;
    private boolean unlimited;
    private boolean keyframesOnly;
    private boolean paused;
    private boolean reanchor = true;
    private boolean timelineJump;
    private long anchorWallNanos;
    private long anchorMediaMs;
    private long lastDueNanos;
    private long lastMediaMs = Long.MIN_VALUE;
    private long clock90k; // media clock of the last frame sent, from 0; never runs backwards
    private long unwritableSinceNanos;
    private ScheduledFuture<?> timer;
    private boolean tickQueued;
    private long framesSent;
    private long bytesSent;
    private io.netty.channel.ChannelFuture lastWrite; // of the last frame's last packet: closing waits for it

    /**
     * @param disk pool that runs the blocking storage reads
     * @param maxQueuedBytes bound on frames read ahead of the send position
     * @param stallTimeoutMs how long a TCP receiver may keep the send buffer full before the session ends
     */
    public PlaybackSession(String id, PlaybackRequest request, Store store, Executor disk, FrameMuxer muxer,
                           PlaybackMetrics metrics, SessionListener listener, long maxQueuedBytes, long stallTimeoutMs) {
        this(id, request, store, disk, null, muxer, metrics, listener, maxQueuedBytes, stallTimeoutMs);
    }

    /**
     * @param readAhead where a Download pages its segments in ahead of the disk pool's reads (see
     *     {@link Store#openCursor(String, long, long, Executor)}); null: plain reads
     */
    public PlaybackSession(String id, PlaybackRequest request, Store store, Executor disk, Executor readAhead,
                           FrameMuxer muxer, PlaybackMetrics metrics, SessionListener listener, long maxQueuedBytes,
                           long stallTimeoutMs) {
        this.id = id;
        this.request = request;
        this.metrics = metrics;
        this.listener = listener;
        this.stallTimeoutNanos = TimeUnit.MILLISECONDS.toNanos(stallTimeoutMs);
        int firstSequence = ThreadLocalRandom.current().nextInt(0x10000);
        // Payloads stay at 1,400 bytes on TCP too: ZLMediaKit drops TCP RTP packets above 10 KiB by default.
        // The packetizer is made by the read-ahead's first task: whether it carries audio depends on the recording.
        Function<FrameMuxer, PsRtpPacketizer> packetizers = m -> m.packetizer(request.ssrc(), 96, firstSequence,
            RtpPacketizer.DEFAULT_MAX_PAYLOAD, request.transport().isTcp());
        // a download runs far ahead of real time: give it a deeper read-ahead than paced playback needs
        long queued = request.kind() == PlaybackRequest.Kind.DOWNLOAD ? maxQueuedBytes * DOWNLOAD_READ_AHEAD : maxQueuedBytes;
        // a download reads its whole range in order: mapped segments paged in ahead (paced playback reads
        // ~0.5 MB/s per session and keeps the plain window)
        Executor bulk = request.kind() == PlaybackRequest.Kind.DOWNLOAD ? readAhead : null;
        this.prefetcher = new FramePrefetcher(store, request.camera(), request.fromMs(), request.toMs(), disk, bulk,
            queued, PooledByteBufAllocator.DEFAULT, muxer, packetizers, this::wake);
        if (request.kind() == PlaybackRequest.Kind.DOWNLOAD) {
            boolean fallback = request.downloadSpeed() <= 0;
            // TCP download without a speed: as fast as the receiver reads (writability is the brake);
            // over UDP there is no brake, so cap at 4x
            this.unlimited = fallback && request.transport().isTcp();
            this.rate = fallback ? 4.0 : request.downloadSpeed();
        } else {
            this.rate = 1.0;
        }
        this.lastRtpInfo = new RtpInfo(firstSequence, rtpBase);
        prefetcher.request(); // start reading while the transport is being set up
    }

    public String id() {
        return id;
    }

    public PlaybackRequest request() {
        return request;
    }

    public boolean ended() {
        return ended;
    }

    public long framesSent() {
        return framesSent;
    }

    public long bytesSent() {
        return bytesSent;
    }

    /** The RTP-Info (next seq, next rtptime) as of the last frame sent; exact to within one frame. */
    public RtpInfo rtpInfo() {
        return lastRtpInfo;
    }

    /** The peer ACKed: send as soon as the transport is up (media must not precede the ACK). */
    public void start() {
        started = true;
        onLoop(this::tick);
    }

    /** Starts streaming on {@code ch} (connected UDP, or connected TCP). Installs the session's handler. */
    public void attach(Channel ch) {
        this.loop = ch.eventLoop();
        this.gso = ch instanceof EpollDatagramChannel && SegmentedDatagramPacket.isSupported();
        this.channel = ch;
        ch.pipeline().addLast("playback-session", new ChannelEvents());
        loop.execute(() -> {
            if (ended) {
                ch.close();
                return;
            }
            if (!ch.isActive()) {
                end(EndReason.RECEIVER_GONE, "media channel closed before streaming started");
                return;
            }
            tick();
        });
    }

    /** PLAY: resume, optionally seek to {@code npt} seconds into the range and/or change the scale. */
    public RtpInfo play(double nptSeconds, double scale) {
        RtpInfo info = lastRtpInfo;
        onLoop(() -> {
            if (!Double.isNaN(nptSeconds)) {
                long target = request.fromMs() + Math.round(nptSeconds * 1000);
                prefetcher.seek(Math.max(request.fromMs(), Math.min(target, request.toMs() - 1)));
            }
            if (!Double.isNaN(scale) && request.kind() == PlaybackRequest.Kind.PLAYBACK) {
                rate = scale;
                keyframesOnly = scale > 2.0;
            }
            paused = false;
            reanchor = true;
            timelineJump = true;
            tick();
        });
        return info;
    }

    public RtpInfo pause() {
        RtpInfo info = lastRtpInfo;
        onLoop(() -> {
            paused = true;
            cancelTimer();
        });
        return info;
    }

    /** Ends the session without MediaStatus (BYE or TEARDOWN from the peer, or shutdown). */
    public void teardown(EndReason reason) {
        if (loop == null) {
            endBeforeAttach(reason);
            return;
        }
        onLoop(() -> end(reason, null));
    }

    /** Ends a session whose transport never came up (e.g. passive TCP nobody connected to). */
    public void endBeforeAttach(EndReason reason) {
        synchronized (this) {
            if (ended || channel != null) {
                if (channel != null) {
                    teardown(reason);
                }
                return;
            }
            ended = true;
        }
        prefetcher.close();
        listener.onEnd(this, reason, "transport never connected");
    }

    private void onLoop(Runnable r) {
        EventLoop l = loop;
        if (l == null) {
            return;
        }
        if (l.inEventLoop()) {
            r.run();
        } else {
            l.execute(r);
        }
    }

    /** Called by the prefetcher (disk thread) when frames arrived. */
    private void wake() {
        EventLoop l = loop;
        if (l != null && !ended) {
            l.execute(() -> {
                if (timer == null) {
                    tick();
                }
            });
        }
    }

    private void tick() {
        if (ended || paused || !started || channel == null) {
            return;
        }
        cancelTimer();
        int sentNow = 0;
        try {
            while (true) {
                FramePrefetcher.Item it = prefetcher.peek();
                if (it == null) {
                    metrics.waited("disk");
                    break; // wake() calls again when the disk task delivered
                }
                if (it.error() != null) {
                    end(EndReason.READ_ERROR, it.error().getMessage());
                    return;
                }
                if (it.end()) {
                    channel.flush();
                    end(EndReason.END_OF_RANGE, null);
                    return;
                }
                if (keyframesOnly && !it.keyframe()) {
                    prefetcher.poll().release(); // audio too: above Scale 2 only keyframes are sent
                    continue;
                }
                long now = System.nanoTime();
                if (reanchor || it.gapBefore()) {
                    anchorWallNanos = Math.max(now, lastDueNanos);
                    anchorMediaMs = it.timeMs();
                    timelineJump |= it.gapBefore() || lastMediaMs == Long.MIN_VALUE || it.timeMs() < lastMediaMs;
                    reanchor = false;
                }
                long due = unlimited ? now : anchorWallNanos + (long) ((it.timeMs() - anchorMediaMs) * 1_000_000L / rate);
                if (due > now + 200_000) {
                    schedule(due - now);
                    break;
                }
                if (!channel.isWritable()) {
                    metrics.waited("receiver");
                    if (unwritableSinceNanos == 0) {
                        unwritableSinceNanos = now;
                    } else if (now - unwritableSinceNanos > stallTimeoutNanos) {
                        end(EndReason.RECEIVER_STALLED, "receiver did not read for " + stallTimeoutNanos / 1_000_000 + " ms");
                        return;
                    }
                    schedule(TimeUnit.MILLISECONDS.toNanos(100)); // writability change also wakes us
                    break;
                }
                unwritableSinceNanos = 0;
                prefetcher.poll();
                send(it); // takes over the item's packets
                lastDueNanos = due;
                sentNow++;
                if (!unlimited) {
                    // paced: each frame leaves in its own flush, and it is late when its first packet
                    // leaves more than 40 ms after the due time (anchor + media time, never re-based on lateness)
                    long leaves = System.nanoTime();
                    channel.flush();
                    if (request.kind() == PlaybackRequest.Kind.PLAYBACK && !it.audio()) {
                        metrics.frameLateness(leaves - due, leaves - due > LATE_NANOS);
                    }
                }
                if (sentNow >= FRAMES_PER_TICK) {
                    queueTick();
                    break;
                }
            }
        } finally {
            if (channel != null && sentNow > 0 && unlimited) {
                channel.flush(); // unpaced download: many frames, one flush
            }
        }
    }

    /** Stamps the frame's laid-out packets and writes them; the channel (or this method) releases them. */
    private void send(FramePrefetcher.Item f) {
        if (lastMediaMs != Long.MIN_VALUE) {
            long delta = timelineJump ? NOMINAL_FRAME_MS * 90 : Math.max(0, (f.timeMs() - lastMediaMs) * 90);
            clock90k += delta;
        }
        timelineJump = false;
        lastMediaMs = f.timeMs();
        long rtpTs = (rtpBase + clock90k) & 0xFFFFFFFFL;
        ByteBuf packets = f.packets();
        PsRtpPacketizer packetizer = prefetcher.packetizer(); // set before any item was handed out
        Codec codec = f.audio() ? packetizer.audio() : packetizer.codec();
        int count = packetizer.stamp(packets, codec, f.keyframe(), rtpTs, FIRST_PTS_90K + clock90k);
        int n = packets.readableBytes();
        bytesSent += n;
        metrics.sent(n);
        if (request.transport().isTcp()) {
            lastWrite = channel.write(packets); // RFC 4571 frames back to back: one message, one gathering write
        } else if (gso) {
            // UDP GSO: the kernel cuts each write into datagrams of `stride` bytes, exactly our packets
            int stride = packetizer.stride();
            int perWrite = Math.min(GSO_MAX_SEGMENTS, GSO_MAX_BYTES / stride) * stride;
            InetSocketAddress peer = (InetSocketAddress) channel.remoteAddress();
            for (int off = 0; off < n; off += perWrite) {
                int len = Math.min(perWrite, n - off);
                SegmentedDatagramPacket p = new SegmentedDatagramPacket(packets.retainedSlice(off, len), stride, peer);
                if (off + len >= n) {
                    lastWrite = channel.write(p);
                } else {
                    channel.write(p, channel.voidPromise());
                }
            }
            packets.release();
        } else {
            // one datagram per packet, each a slice of the frame's buffer (no per-packet allocation or copy)
            int stride = packetizer.stride();
            for (int i = 0, off = 0; i < count; i++, off += stride) {
                ByteBuf pkt = packets.retainedSlice(off, Math.min(stride, n - off));
                if (i == count - 1) {
                    lastWrite = channel.write(pkt);
                } else {
                    channel.write(pkt, channel.voidPromise());
                }
            }
            packets.release();
        }
        if (!f.audio()) { // "frames" are video access units, as in storage
            framesSent++;
            metrics.frameSent();
        }
        lastRtpInfo = new RtpInfo(packetizer.nextSequence(), (rtpTs + NOMINAL_FRAME_MS * 90) & 0xFFFFFFFFL);
    }

    private void schedule(long nanos) {
        timer = loop.schedule(() -> {
            timer = null;
            tick();
        }, nanos, TimeUnit.NANOSECONDS);
    }

    private void queueTick() {
        if (!tickQueued) {
            tickQueued = true;
            loop.execute(() -> {
                tickQueued = false;
                tick();
            });
        }
    }

    private void cancelTimer() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }

    private void end(EndReason reason, String detail) {
        synchronized (this) {
            if (ended) {
                return;
            }
            ended = true;
        }
        cancelTimer();
        prefetcher.close();
        Channel ch = channel;
        if (ch != null) {
            if (reason == EndReason.END_OF_RANGE && ch.isActive() && lastWrite != null) {
                ch.flush();
                lastWrite.addListener(ChannelFutureListener.CLOSE); // writes complete in order: all sent
            } else {
                ch.close();
            }
        }
        listener.onEnd(this, reason, detail);
    }

    /** Inbound events of the media channel: we never expect media back, only closure and errors. */
    private final class ChannelEvents extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ReferenceCountUtil.release(msg); // RTCP or stray bytes from the receiver: ignored
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            if (ctx.channel().isWritable()) {
                tick();
            }
            ctx.fireChannelWritabilityChanged();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            end(EndReason.RECEIVER_GONE, "media connection closed by the receiver");
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            if (cause instanceof PortUnreachableException) {
                end(EndReason.RECEIVER_GONE, "receiver port unreachable");
            } else if (cause instanceof IOException) {
                end(EndReason.RECEIVER_GONE, cause.getMessage());
            } else {
                end(EndReason.RECEIVER_GONE, cause.toString());
            }
        }
    }
}
