package nvr.bench.load;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.nio.NioDatagramChannel;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import nvr.gb28181.media.AccessUnit;

/**
 * Load generator (its own process): N simulated cameras sending real PS over RTP/UDP at real-time pace, 25 fps,
 * GOP 50, ~4 Mbit/s each, to ports base..base+N-1 on a host. Camera starts are spread over one frame interval
 * so the NVR sees a steady stream rather than N-camera bursts. Prints one JSON line when done.
 *
 * <pre>java -cp benchmarks.jar nvr.bench.load.LoadGenerator --cameras 64 --port 31000 --seconds 30</pre>
 */
public final class LoadGenerator {
    public static void main(String[] args) throws Exception {
        int cameras = Args.intArg(args, "--cameras", 16);
        int basePort = Args.intArg(args, "--port", 31000);
        int seconds = Args.intArg(args, "--seconds", 30);
        int bitrate = Args.intArg(args, "--bitrate", 4_000_000);
        String host = Args.arg(args, "--host", "127.0.0.1");
        Path cache = Path.of(Args.arg(args, "--clip-cache", System.getProperty("java.io.tmpdir") + "/nvr-load-clip"));
        List<AccessUnit> clip = LoadClip.load(cache, bitrate, 50);

        boolean epoll = Epoll.isAvailable();
        EventLoopGroup group = epoll ? new EpollEventLoopGroup(1) : new NioEventLoopGroup(1);
        Channel ch = new Bootstrap().group(group).channel(epoll ? EpollDatagramChannel.class : NioDatagramChannel.class)
                .option(ChannelOption.SO_SNDBUF, 4 << 20)
                .option(ChannelOption.ALLOCATOR, PooledByteBufAllocator.DEFAULT)
                .handler(new ChannelInboundHandlerAdapter())
                .bind(0).sync().channel();
        EventLoop loop = ch.eventLoop();
        ByteBufAllocator alloc = ch.alloc();
        List<SimulatedCamera> cams = new ArrayList<>();
        for (int i = 0; i < cameras; i++) {
            cams.add(new SimulatedCamera(clip, new InetSocketAddress(host, basePort + i), 0x10000000L + i,
                    (i * 7919) & 0xFFFF, (long) i * 123_457));
        }
        long frameNanos = 40_000_000L;
        long start = System.nanoTime() + 100_000_000L;
        long end = start + TimeUnit.SECONDS.toNanos(seconds);
        CountDownLatch done = new CountDownLatch(cameras);
        for (int i = 0; i < cameras; i++) {
            SimulatedCamera cam = cams.get(i);
            long first = start + frameNanos * i / cameras;
            Runnable[] tick = new Runnable[1];
            tick[0] = () -> {
                long due = first + cam.frames * frameNanos;
                if (due >= end) {
                    done.countDown();
                    return;
                }
                cam.sendNext(ch, alloc);
                ch.flush();
                long next = first + cam.frames * frameNanos - System.nanoTime();
                loop.schedule(tick[0], Math.max(0, next), TimeUnit.NANOSECONDS);
            };
            loop.schedule(tick[0], first - System.nanoTime(), TimeUnit.NANOSECONDS);
        }
        done.await();
        Thread.sleep(200);
        long frames = 0;
        long packets = 0;
        for (SimulatedCamera c : cams) {
            frames += c.frames;
            packets += c.packets;
        }
        ch.close().sync();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        System.out.println("{\"cameras\":" + cameras + ",\"framesSent\":" + frames + ",\"packetsSent\":" + packets
                + ",\"seconds\":" + seconds + ",\"epoll\":" + epoll + "}");
    }
}
