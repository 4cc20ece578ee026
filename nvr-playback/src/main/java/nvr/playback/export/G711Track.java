package nvr.playback.export;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;
import nvr.gb28181.media.Codec;
import nvr.storage.FrameRecord;
import org.jcodec.common.model.Packet;
import org.jcodec.containers.mp4.MP4TrackType;
import org.jcodec.containers.mp4.boxes.AudioSampleEntry;
import org.jcodec.containers.mp4.boxes.Edit;
import org.jcodec.containers.mp4.muxer.MP4Muxer;
import org.jcodec.containers.mp4.muxer.MP4MuxerTrack;

/**
 * A camera's G.711 as the MP4's sound track: the stored A-law/mu-law bytes unchanged (evidence keeps the samples
 * the camera sent), one MP4 sample per stored record, timescale 8000 (one tick per G.711 sample), sample entry
 * {@code alaw}/{@code ulaw} (8 kHz mono) written by us on jcodec's plain track, as jcodec has no G.711 entry.
 * Timing follows the records' wall-clock times: the track starts at the first record at or after the first video
 * frame, shifted by an empty edit so it lines up with the video; samples follow back to back (G.711 is a constant
 * 8,000 bytes a second), except that a record more than {@link #HOLE_MS} later than the audio before it ended (a
 * recording gap, lost audio) stretches the previous sample's duration over the hole, so the sound stays in sync with
 * the picture after it. Not thread-safe; one per export.
 */
final class G711Track {
    static final int RATE = 8000;
    /** Missing audio longer than this is kept as a hole (the previous sample lasts until the next record). */
    static final long HOLE_MS = 100;

    private final MP4MuxerTrack track;
    private final Codec codec;
    private final long videoStartMs;
    private FrameRecord pending;
    private long startMs = -1;
    private long pts; // in samples, of the pending record
    private long count;

    /** True for the stored stream_types this track carries (0x90 A-law, 0x91 mu-law). */
    static boolean carries(int streamType) {
        return streamType == Codec.G711A.streamType() || streamType == Codec.G711U.streamType();
    }

    /** @param videoStartMs wall-clock time of the video's first frame (the MP4's time 0) */
    G711Track(MP4Muxer muxer, int streamType, long videoStartMs) {
        this.codec = Codec.fromStreamType(streamType);
        if (!carries(streamType)) {
            throw new IllegalArgumentException("not G.711: stream_type 0x" + Integer.toHexString(streamType));
        }
        this.videoStartMs = videoStartMs;
        this.track = muxer.addTrack(new MP4MuxerTrack(muxer.getNextTrackId(), MP4TrackType.SOUND));
    }

    Codec codec() {
        return codec;
    }

    /** Records written so far (the pending one included). */
    long frames() {
        return count;
    }

    /** Adds one stored record of this track's codec (others, and records before the video starts, are skipped). */
    void add(FrameRecord f) throws IOException {
        if (f.streamType() != codec.streamType() || f.timeMs() < videoStartMs || f.payload().length == 0) {
            return;
        }
        if (pending == null) {
            startMs = f.timeMs();
        } else {
            long samples = pending.payload().length;
            long untilNext = (f.timeMs() - pending.timeMs()) * (RATE / 1000);
            // a stts duration is 32 bits (jcodec keeps an int): a hole longer than 74 h is cut to that
            write(untilNext - samples > HOLE_MS * (RATE / 1000) ? Math.min(untilNext, Integer.MAX_VALUE) : samples);
        }
        pending = f;
        count++;
    }

    private void write(long duration) throws IOException {
        track.addFrame(Packet.createPacket(ByteBuffer.wrap(pending.payload()), pts, RATE, duration, count - 1,
            Packet.FrameType.KEY, null));
        pts += duration;
    }

    /** Writes the last record, the sample entry and the edit that starts the track at its first record's time. */
    void finish() throws IOException {
        if (pending == null) {
            return;
        }
        write(pending.payload().length);
        pending = null;
        track.addSampleEntry(AudioSampleEntry.compressedAudioSampleEntry(codec == Codec.G711A ? "alaw" : "ulaw", 1, 8, 1,
            RATE, 0, 0, 0));
        long offset90k = (startMs - videoStartMs) * (Mp4Exporter.TIMESCALE / 1000); // the movie timescale is the video's
        if (offset90k > 0) {
            track.setEdits(List.of(new Edit(offset90k, -1, 1f), new Edit(pts * Mp4Exporter.TIMESCALE / RATE, 0, 1f)));
        }
    }
}
