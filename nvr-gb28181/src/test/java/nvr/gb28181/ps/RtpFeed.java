package nvr.gb28181.ps;

import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.List;
import nvr.gb28181.WireFormatException;
import nvr.gb28181.media.AccessUnit;

/** Feeds byte chunks to a demuxer as RTP payloads, the way a camera packetises a frame. Test-only. */
final class RtpFeed {
    enum Marker { LAST, NONE, EVERY }

    final PsDemuxer demuxer = new PsDemuxer();
    final List<AccessUnit> out = new ArrayList<>();
    final List<WireFormatException> errors = new ArrayList<>();

    /** Sends one frame's bytes in packets of {@code mtu} bytes with timestamp {@code ts}; collects errors. */
    RtpFeed frame(byte[] ps, long ts, int mtu, Marker marker) {
        for (int pos = 0; pos < ps.length; pos += mtu) {
            int n = Math.min(mtu, ps.length - pos);
            boolean last = pos + n >= ps.length;
            boolean m = marker == Marker.EVERY || marker == Marker.LAST && last;
            try {
                demuxer.onPayload(Unpooled.wrappedBuffer(ps, pos, n), ts, m, out::add);
            } catch (WireFormatException e) {
                errors.add(e);
            }
        }
        return this;
    }

    RtpFeed flush() throws WireFormatException {
        demuxer.flush(out::add);
        return this;
    }
}
