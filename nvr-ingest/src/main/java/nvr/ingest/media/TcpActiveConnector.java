package nvr.ingest.media;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.handler.timeout.IdleStateHandler;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * Connects to the camera ({@code a=setup:active}: we connect to the port in its SDP answer), from our advertised
 * local port when it is free. Reconnects every second while the stream is open, so a camera that starts
 * listening late or restarts is picked up again.
 */
final class TcpActiveConnector implements RtpStream.Attachment {
    private static final System.Logger LOG = System.getLogger(TcpActiveConnector.class.getName());
    private static final long RETRY_MS = 1000;

    private final Transports transports;
    private final RtpStream stream;
    private final String bindAddress;
    private final int localPort;
    private final int idleMs;
    private InetSocketAddress remote; // event loop only
    private Channel channel;
    private boolean closed;
    private int failures;

    TcpActiveConnector(Transports transports, RtpStream stream, String bindAddress, int localPort, int idleMs) {
        this.transports = transports;
        this.stream = stream;
        this.bindAddress = bindAddress;
        this.localPort = localPort;
        this.idleMs = idleMs;
    }

    @Override
    public void connect(InetSocketAddress remote) {
        stream.loop.execute(() -> {
            this.remote = remote;
            if (channel != null) {
                channel.close();
            }
            attempt();
        });
    }

    private void attempt() {
        if (closed || remote == null) {
            return;
        }
        Bootstrap b = new Bootstrap().group(stream.loop).channel(transports.socket())
                .option(ChannelOption.SO_REUSEADDR, true)
                .option(ChannelOption.SO_RCVBUF, 1 << 20)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 3000)
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast(new IdleStateHandler(idleMs, 0, 0, TimeUnit.MILLISECONDS),
                                new TcpRtpHandler(stream));
                    }
                });
        // From our advertised port the first time; if that fails (e.g. TIME_WAIT), from any port.
        ChannelFuture f = failures == 0
                ? b.connect(remote, new InetSocketAddress(bindAddress, localPort))
                : b.connect(remote);
        channel = f.channel();
        f.addListener((ChannelFuture cf) -> {
            if (cf.channel() != channel) {
                return; // superseded by a newer connect()
            }
            if (!cf.isSuccess()) {
                if (failures++ == 0 || failures % 60 == 0) {
                    LOG.log(System.Logger.Level.WARNING, stream + ": cannot connect to camera at " + remote + ": "
                            + cf.cause() + "; retrying every second");
                }
                retry();
                return;
            }
            failures = 0;
            cf.channel().closeFuture().addListener(x -> {
                if (cf.channel() == channel) {
                    retry();
                }
            });
        });
    }

    private void retry() {
        if (!closed) {
            stream.loop.schedule(this::attempt, RETRY_MS, TimeUnit.MILLISECONDS);
        }
    }

    @Override
    public void close() {
        closed = true; // called on the event loop
        if (channel != null) {
            channel.close();
        }
    }
}
