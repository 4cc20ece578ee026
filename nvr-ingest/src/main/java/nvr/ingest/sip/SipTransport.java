package nvr.ingest.sip;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import nvr.gb28181.WireFormatException;
import nvr.gb28181.sip.SipLimits;
import nvr.gb28181.sip.SipMessage;
import nvr.gb28181.sip.SipParser;
import nvr.gb28181.sip.SipStreamFramer;

/**
 * SIP over UDP and TCP on one port (Netty). The event loop only frames and parses (CPU, bounded); every
 * parsed message is handed to the single signaling thread ({@code core}), so no state is shared with
 * the event loop and nothing here blocks on disk or locks. A bad datagram is counted and dropped; a bad
 * TCP stream is closed, since framing cannot be recovered.
 */
final class SipTransport implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(SipTransport.class.getName());

    interface Inbound {
        void onMessage(SipMessage message, SipPeer peer);
    }

    private final int requestedPort;
    private final Inbound inbound;
    private final Executor core;
    private final SipMetrics metrics;
    private final SipParser parser = new SipParser(SipLimits.DEFAULT);
    private final Map<String, InetAddress> localFacing = new ConcurrentHashMap<>();
    private EventLoopGroup group;
    private Channel udp;
    private Channel tcp;

    SipTransport(int port, Inbound inbound, Executor core, SipMetrics metrics) {
        this.requestedPort = port;
        this.inbound = inbound;
        this.core = core;
        this.metrics = metrics;
    }

    void start() throws InterruptedException {
        group = new NioEventLoopGroup(1, new DefaultThreadFactory("sip-io", true));
        Bootstrap ub = new Bootstrap().group(group).channel(NioDatagramChannel.class)
                .option(ChannelOption.SO_RCVBUF, 1 << 20)
                .handler(new SimpleChannelInboundHandler<DatagramPacket>() {
                    @Override
                    protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket p) {
                        onDatagram(p);
                    }
                });
        // Bind UDP first, then TCP on the same number; with port 0 retry if the TCP number is taken.
        for (int attempt = 0; ; attempt++) {
            udp = ub.bind(requestedPort).sync().channel();
            int port = ((InetSocketAddress) udp.localAddress()).getPort();
            try {
                tcp = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                        .childHandler(new ChannelInitializer<SocketChannel>() {
                            @Override
                            protected void initChannel(SocketChannel ch) {
                                ch.pipeline().addLast(new TcpFramer(), new TcpInbound());
                            }
                        }).bind(port).sync().channel();
                return;
            } catch (Exception e) {
                udp.close().sync();
                if (requestedPort != 0 || attempt > 20) {
                    throw new IllegalStateException("cannot bind SIP TCP port " + port + ": " + e.getMessage()
                            + "; choose a free sip.port", e);
                }
            }
        }
    }

    int port() {
        return ((InetSocketAddress) udp.localAddress()).getPort();
    }

    private void onDatagram(DatagramPacket p) {
        ByteBuf content = p.content();
        int n = content.readableBytes();
        if (n <= 4) {
            return; // CRLF keepalive pings
        }
        byte[] bytes = new byte[n];
        content.getBytes(content.readerIndex(), bytes);
        SipPeer peer = SipPeer.udp(p.sender());
        try {
            SipMessage m = parser.parseDatagram(bytes, 0, n);
            core.execute(() -> inbound.onMessage(m, peer));
        } catch (WireFormatException e) {
            metrics.parseErrors.increment();
            LOG.log(System.Logger.Level.DEBUG, "dropped malformed SIP datagram from {0}: {1}", p.sender(), e.getMessage());
        }
    }

    /** Frames TCP bytes into SIP messages; closes the connection on a framing error. */
    private final class TcpFramer extends ByteToMessageDecoder {
        private final SipStreamFramer framer = new SipStreamFramer(parser);

        @Override
        protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
            try {
                SipMessage m;
                while ((m = framer.next(in)) != null) {
                    out.add(m);
                }
            } catch (WireFormatException e) {
                metrics.parseErrors.increment();
                LOG.log(System.Logger.Level.INFO, "closing SIP TCP connection from {0}: {1}", ctx.channel().remoteAddress(),
                        e.getMessage());
                in.skipBytes(in.readableBytes());
                ctx.close();
            }
        }
    }

    private final class TcpInbound extends SimpleChannelInboundHandler<SipMessage> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, SipMessage m) {
            SipPeer peer = new SipPeer((InetSocketAddress) ctx.channel().remoteAddress(), ctx.channel());
            core.execute(() -> inbound.onMessage(m, peer));
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            LOG.log(System.Logger.Level.DEBUG, "SIP TCP connection error: {0}", cause.toString());
            ctx.close();
        }
    }

    /** Sends a message: over the peer's TCP connection when it has one, else as a UDP datagram. */
    void send(SipMessage m, SipPeer peer) {
        byte[] bytes = m.encode();
        if (peer.tcp() != null) {
            if (peer.tcp().isActive()) {
                peer.tcp().writeAndFlush(Unpooled.wrappedBuffer(bytes));
            }
            return;
        }
        udp.writeAndFlush(new DatagramPacket(Unpooled.wrappedBuffer(bytes), peer.address()));
    }

    /** Our address as seen from a peer (route lookup, no packet sent); cached per peer host. */
    InetAddress localAddressFacing(InetSocketAddress peer) {
        return localFacing.computeIfAbsent(peer.getAddress().getHostAddress(), h -> {
            try (DatagramSocket s = new DatagramSocket()) {
                s.connect(peer.getAddress(), Math.max(1, peer.getPort()));
                InetAddress a = s.getLocalAddress();
                return a.isAnyLocalAddress() ? InetAddress.getLoopbackAddress() : a;
            } catch (Exception e) {
                return InetAddress.getLoopbackAddress();
            }
        });
    }

    @Override
    public void close() {
        if (udp != null) {
            udp.close().awaitUninterruptibly();
        }
        if (tcp != null) {
            tcp.close().awaitUninterruptibly();
        }
        if (group != null) {
            group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).awaitUninterruptibly();
        }
    }
}
