package nvr.cli.demo;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import nvr.gb28181.media.Codec;
import nvr.gb28181.nal.NalUnits;

/**
 * A short Annex-B clip from the classpath, cut into access units once and replayed in a loop (the caller
 * gives every frame fresh timestamps). Used for H.265, which jcodec cannot encode: the clip starts with an
 * IRAP carrying VPS/SPS/PPS, so every loop restart is a clean random access point.
 */
final class LoopedClipSource implements FrameSource {
    private final Codec codec;
    private final List<Frame> frames;
    private int next;

    LoopedClipSource(Codec codec, String resource) throws IOException {
        this.codec = codec;
        byte[] clip;
        try (InputStream in = LoopedClipSource.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IOException("demo clip " + resource + " is missing from the jar");
            }
            clip = in.readAllBytes();
        }
        this.frames = split(codec, clip);
        if (frames.isEmpty() || !frames.get(0).keyframe()) {
            throw new IOException("demo clip " + resource + " does not start with a keyframe");
        }
    }

    /** Cuts an Annex-B stream at access-unit boundaries (first NAL of each picture or its parameter sets). */
    static List<Frame> split(Codec codec, byte[] a) {
        List<Frame> out = new ArrayList<>();
        int auStart = -1;
        boolean hasVcl = false;
        int pos = NalUnits.findStartCode(a, 0, a.length);
        while (pos >= 0) {
            int nal = pos + 3;
            int nextSc = nal < a.length ? NalUnits.findStartCode(a, nal, a.length) : -1;
            int end = nextSc < 0 ? a.length : nextSc;
            if (auStart < 0) {
                auStart = 0; // keep a 4-byte start code's leading zero
            } else if (hasVcl && NalUnits.startsAccessUnit(codec, a, nal, end)) {
                out.add(frame(codec, a, auStart, pos));
                auStart = pos;
                hasVcl = false;
            }
            if (nal < end && NalUnits.isVcl(codec, NalUnits.nalType(codec, a[nal]))) {
                hasVcl = true;
            }
            pos = nextSc;
        }
        if (auStart >= 0) {
            out.add(frame(codec, a, auStart, a.length));
        }
        return out;
    }

    private static Frame frame(Codec codec, byte[] a, int from, int to) {
        byte[] au = java.util.Arrays.copyOfRange(a, from, to);
        return new Frame(au, NalUnits.isKeyframe(codec, au, 0, au.length));
    }

    int size() {
        return frames.size();
    }

    @Override
    public Codec codec() {
        return codec;
    }

    @Override
    public Frame next(long wallMs) {
        Frame f = frames.get(next);
        next = (next + 1) % frames.size();
        return f;
    }
}
