package nvr.ingest.media;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.ServerSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;

/** The native epoll transport when the platform has it (fewer copies and syscalls), else NIO. */
record Transports(EventLoopGroup group, Class<? extends DatagramChannel> datagram,
                  Class<? extends ServerSocketChannel> server, Class<? extends SocketChannel> socket, boolean epoll) {

    static Transports create(int threads) {
        if (threads <= 0) {
            threads = Math.max(1, Runtime.getRuntime().availableProcessors() / 4);
        }
        DefaultThreadFactory tf = new DefaultThreadFactory("nvr-rtp", true);
        if (Epoll.isAvailable()) {
            return new Transports(new EpollEventLoopGroup(threads, tf), EpollDatagramChannel.class,
                    EpollServerSocketChannel.class, EpollSocketChannel.class, true);
        }
        return new Transports(new NioEventLoopGroup(threads, tf), NioDatagramChannel.class,
                NioServerSocketChannel.class, NioSocketChannel.class, false);
    }
}
