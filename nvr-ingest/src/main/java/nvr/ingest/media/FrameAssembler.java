package nvr.ingest.media;

import java.util.function.Consumer;
import nvr.gb28181.WireFormatException;
import nvr.gb28181.media.AccessUnit;
import nvr.gb28181.ps.PsDemuxer;
import nvr.gb28181.rtp.RtpPacket;

/**
 * In-order RTP packets of one stream -> complete access units, using the codec module's {@link PsDemuxer}.
 * Adds what only the transport knows: after a loss it drops the rest of the broken frame (the packets still
 * carrying that frame's RTP timestamp) instead of feeding the demuxer a headless PES tail, then resets the
 * demuxer, which emits nothing until the next keyframe. Counts the frames lost that way.
 */
final class FrameAssembler {
    private final PsDemuxer demuxer = new PsDemuxer();
    private final Consumer<AccessUnit> out;
    private boolean lastMarker = true; // the last fed packet ended a frame (true at start: nothing is open)
    private long lastTs = -1;
    private long skipTs = -1; // after a loss: packets with this timestamp belong to the broken frame
    private boolean skipping;
    private long brokenFrames; // frames in progress when a loss hit them
    private long psErrors;

    FrameAssembler(Consumer<AccessUnit> out) {
        this.out = out;
    }

    void feed(RtpPacket p) {
        if (skipping) {
            if (p.timestamp() == skipTs) {
                return; // the tail of the broken frame
            }
            skipping = false;
        }
        lastTs = p.timestamp();
        lastMarker = p.marker();
        try {
            demuxer.onPayload(p.payload(), p.timestamp(), p.marker(), out);
        } catch (WireFormatException e) {
            psErrors++; // the demuxer has resynchronised itself
        }
    }

    /** Packets were lost (or the byte stream broke) before the next one fed: drop what is in progress. */
    void discontinuity() {
        if (!lastMarker && lastTs >= 0) {
            brokenFrames++;
            skipping = true;
            skipTs = lastTs;
        }
        demuxer.reset();
        lastMarker = true;
    }

    /** End of stream: emits the last frame if it is complete. */
    void finish() {
        if (!lastMarker) {
            return; // the last frame's end never came: it is incomplete, not stored
        }
        try {
            demuxer.flush(out);
        } catch (WireFormatException e) {
            psErrors++;
        }
    }

    /** Video frames dropped because they were broken or could not be decoded (waiting for a keyframe). */
    long framesDropped() {
        PsDemuxer.Stats s = demuxer.stats();
        return brokenFrames + s.droppedBeforeKeyframe() + s.truncatedFrames() + s.oversizedFrames();
    }

    long psErrors() {
        return psErrors;
    }

    PsDemuxer.Stats demuxStats() {
        return demuxer.stats();
    }
}
