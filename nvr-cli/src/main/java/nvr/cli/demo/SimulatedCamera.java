package nvr.cli.demo;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.DatagramChannel;
import nvr.gb28181.media.AccessUnit;
import nvr.gb28181.ps.PsMuxer;
import nvr.gb28181.rtp.RtpPacketizer;

/**
 * One simulated GB/T 28181 camera: frames from a {@link FrameSource}, muxed to MPEG-PS and sent as RTP
 * over UDP to the NVR's port for it, exactly as a camera streams after an INVITE (payload type 96).
 */
final class SimulatedCamera implements AutoCloseable {
    private final String id;
    private final FrameSource source;
    private final int fps;
    private final InetSocketAddress target;
    private final DatagramChannel channel;
    private final PsMuxer muxer;
    private final RtpPacketizer packetizer;
    private final long basePts;
    private long frames;
    private long firstWallMs;
    private long packets;

    SimulatedCamera(String id, FrameSource source, int fps, InetSocketAddress target, long ssrc) throws IOException {
        this.id = id;
        this.source = source;
        this.fps = fps;
        this.target = target;
        this.channel = DatagramChannel.open();
        this.muxer = new PsMuxer(source.codec(), null);
        this.packetizer = new RtpPacketizer(ssrc, 96, (int) (ssrc & 0x7FFF));
        this.basePts = (ssrc * 7919) & 0xFFFF_FFFFL;
    }

    String id() {
        return id;
    }

    int fps() {
        return fps;
    }

    long frames() {
        return frames;
    }

    /** Captures, muxes and sends one frame (called at the camera's frame rate). */
    void sendFrame(long wallMs) throws IOException {
        FrameSource.Frame f = source.next(wallMs);
        if (frames == 0) {
            firstWallMs = wallMs;
        }
        // Capture time drives the timestamp, as in a real camera: if this thread falls behind its frame
        // rate, the stream gets fewer frames, not a clock that runs slow.
        long pts = (basePts + (wallMs - firstWallMs) * 90L) & 0x1_FFFF_FFFFL;
        AccessUnit au = new AccessUnit(source.codec(), pts, f.keyframe(), f.annexB());
        ByteBuf ps = Unpooled.buffer(PsMuxer.maxMuxedSize(f.annexB().length));
        try {
            muxer.mux(au, ps);
            IOException[] failed = new IOException[1];
            packetizer.packetize(ps, pts & 0xFFFF_FFFFL, false, UnpooledByteBufAllocator.DEFAULT, pkt -> {
                try {
                    if (failed[0] == null) {
                        channel.send(pkt.nioBuffer(), target);
                        packets++;
                    }
                } catch (IOException e) {
                    failed[0] = e;
                } finally {
                    pkt.release();
                }
            });
            if (failed[0] != null) {
                throw failed[0];
            }
        } finally {
            ps.release();
        }
        frames++;
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
