package nvr.ingest.media;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.timeout.IdleStateEvent;
import java.util.function.Consumer;
import nvr.gb28181.WireFormatException;
import nvr.gb28181.rtp.RtpDecoder;
import nvr.gb28181.rtp.RtpPacket;
import nvr.gb28181.rtp.RtpTcpFramer;

/**
 * One TCP media connection: RFC 4571 (or {@code $}-interleaved) frames -> RTP -> the stream. A partial frame is
 * bounded by the framer (at most one 64 KiB frame); a peer that stops mid-frame is cut off by the idle timeout,
 * and whatever it left unfinished is discarded, not stored.
 */
final class TcpRtpHandler extends ChannelInboundHandlerAdapter {
    private static final System.Logger LOG = System.getLogger(TcpRtpHandler.class.getName());

    private final RtpStream stream;
    private final RtpTcpFramer framer = new RtpTcpFramer();
    private final Consumer<ByteBuf> onFrame = this::frame;
    private long resyncReported;

    TcpRtpHandler(RtpStream stream) {
        this.stream = stream;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf buf = (ByteBuf) msg;
        try {
            framer.feed(buf, onFrame);
        } finally {
            buf.release();
        }
        long resync = framer.resyncBytes();
        if (resync != resyncReported) { // garbage between frames: count once per burst
            resyncReported = resync;
            stream.onRejected();
        }
    }

    private void frame(ByteBuf pkt) {
        RtpPacket p;
        try {
            p = RtpDecoder.decode(pkt);
        } catch (WireFormatException e) {
            stream.onRejected();
            return;
        }
        stream.onPacket(p, System.nanoTime());
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof IdleStateEvent) {
            LOG.log(System.Logger.Level.WARNING, stream + ": TCP peer " + ctx.channel().remoteAddress()
                    + " sent nothing for the idle timeout" + (framer.bufferedBytes() > 0 ? " in the middle of a frame" : "")
                    + "; closing the connection");
            ctx.close();
        } else {
            ctx.fireUserEventTriggered(evt);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (framer.bufferedBytes() > 0) {
            stream.onRejected(); // a frame cut off mid-way: dropped
            framer.reset();
        }
        stream.discontinuity();
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.log(System.Logger.Level.WARNING, stream + ": TCP media connection from " + ctx.channel().remoteAddress()
                + " failed: " + cause + "; closing it");
        ctx.close();
    }
}
