package nvr.ingest.media;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.handler.timeout.IdleStateHandler;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * A listening TCP port for one stream ({@code a=setup:passive}: the camera connects to us). One connection at
 * a time: a new one (the camera reconnecting) replaces the old, whose unfinished frame is discarded.
 */
final class TcpPassivePort implements RtpStream.Attachment {
    private static final System.Logger LOG = System.getLogger(TcpPassivePort.class.getName());

    private final Channel server;
    private Channel current; // event loop only

    private TcpPassivePort(Channel server) {
        this.server = server;
    }

    static TcpPassivePort bind(Transports t, RtpStream stream, String bindAddress, int port, int idleMs) throws IOException {
        TcpPassivePort[] self = new TcpPassivePort[1];
        ServerBootstrap b = new ServerBootstrap()
                .group(stream.loop, stream.loop) // the stream is confined to one loop: its connections too
                .channel(t.server())
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.SO_RCVBUF, 1 << 20)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        self[0].accepted(ch, stream);
                        ch.pipeline().addLast(new IdleStateHandler(idleMs, 0, 0, TimeUnit.MILLISECONDS),
                                new TcpRtpHandler(stream));
                    }
                });
        try {
            Channel ch = b.bind(new InetSocketAddress(bindAddress, port)).syncUninterruptibly().channel();
            self[0] = new TcpPassivePort(ch);
            return self[0];
        } catch (Exception e) {
            throw new IOException("cannot listen on TCP port " + port + ": " + e.getMessage(), e);
        }
    }

    private void accepted(Channel ch, RtpStream stream) {
        Channel old = current;
        current = ch;
        if (old != null && old.isActive()) {
            LOG.log(System.Logger.Level.INFO, stream + ": new TCP connection from " + ch.remoteAddress()
                    + " replaces the one from " + old.remoteAddress());
            old.close();
        }
    }

    @Override
    public void connect(InetSocketAddress remote) {
        throw new IllegalStateException("a TCP_PASSIVE stream waits for the camera to connect; connect() is for TCP_ACTIVE");
    }

    @Override
    public void close() {
        server.close();
        if (current != null) {
            current.close();
        }
    }
}
