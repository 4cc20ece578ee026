package nvr.ingest.media;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoop;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;
import java.util.Arrays;
import nvr.gb28181.WireFormatException;
import nvr.gb28181.rtp.RtpDecoder;
import nvr.gb28181.rtp.RtpPacket;

/**
 * One bound UDP port and the streams it carries, told apart by SSRC. Usually one stream per port; several
 * when cameras share a port with distinct SSRCs. A stream without an SSRC filter takes what no other claims.
 * Datagrams that are not RTP, RTCP, or RTP for an SSRC nobody wants are counted per port and dropped.
 */
final class UdpPort extends SimpleChannelInboundHandler<DatagramPacket> {
    private static final System.Logger LOG = System.getLogger(UdpPort.class.getName());

    final int port;
    final EventLoop loop; // the port's channel and all its streams live on this thread
    private final Counter notRtp;
    private final Counter unknownSsrc;
    private final Counter rtcp;
    private final MeterRegistry meters;
    private volatile RtpStream[] streams = new RtpStream[0]; // copy-on-write; read per datagram
    private volatile Channel channel;
    private boolean warned;

    UdpPort(int port, EventLoop loop, MeterRegistry meters) {
        super(false);
        this.port = port;
        this.loop = loop;
        this.meters = meters;
        this.notRtp = rejected("not_rtp");
        this.unknownSsrc = rejected("unknown_ssrc");
        this.rtcp = rejected("rtcp");
    }

    private Counter rejected(String reason) {
        return Counter.builder("nvr.ingest.port.rejected").description("datagrams dropped before reaching a stream")
                .tag("port", Integer.toString(port)).tag("reason", reason).register(meters);
    }

    void bound(Channel ch) {
        this.channel = ch;
    }

    Channel channel() {
        return channel;
    }

    synchronized boolean add(RtpStream s) {
        for (RtpStream o : streams) {
            if (java.util.Objects.equals(o.ssrcFilter(), s.ssrcFilter())) {
                return false; // two streams cannot claim the same SSRC (or both claim "any")
            }
        }
        RtpStream[] next = Arrays.copyOf(streams, streams.length + 1);
        next[streams.length] = s;
        streams = next;
        return true;
    }

    /** Removes a stream; returns true when the port has no stream left (the caller closes it). */
    synchronized boolean remove(RtpStream s) {
        streams = Arrays.stream(streams).filter(o -> o != s).toArray(RtpStream[]::new);
        return streams.length == 0;
    }

    void unregisterMeters() {
        meters.remove(notRtp);
        meters.remove(unknownSsrc);
        meters.remove(rtcp);
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket dp) {
        ByteBuf buf = dp.content();
        try {
            read(buf);
        } finally {
            buf.release();
        }
    }

    private void read(ByteBuf buf) {
        RtpStream[] ss = streams;
        if (buf.readableBytes() >= 2 && (buf.getByte(buf.readerIndex()) & 0xC0) == 0x80) {
            int pt = buf.getUnsignedByte(buf.readerIndex() + 1);
            if (pt >= 200 && pt <= 204) { // RTCP multiplexed on the RTP port (RFC 5761): not media
                rtcp.increment();
                return;
            }
        }
        RtpPacket p;
        try {
            p = RtpDecoder.decodeInPlace(buf); // the payload is buf itself, narrowed: no slice object per datagram
        } catch (WireFormatException e) {
            notRtp.increment();
            if (ss.length == 1) {
                ss[0].onRejected();
            }
            return;
        }
        long now = System.nanoTime();
        RtpStream any = null;
        for (RtpStream s : ss) {
            Long f = s.ssrcFilter();
            if (f == null) {
                any = s;
            } else if (f == p.ssrc()) {
                s.onPacket(p, now);
                return;
            }
        }
        if (any != null) {
            any.onPacket(p, now);
        } else {
            unknownSsrc.increment();
            if (ss.length == 1) {
                ss[0].onRejected();
            }
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (!warned) { // e.g. ICMP port unreachable surfacing as an error: not fatal for a receive-only socket
            warned = true;
            LOG.log(System.Logger.Level.WARNING, "UDP port " + port + ": " + cause + " (reported once per port)");
        }
    }
}
