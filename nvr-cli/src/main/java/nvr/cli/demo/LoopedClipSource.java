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

    /** Cuts an Annex-B stream into access units by the demuxer's rules (NalUnits.splitAccessUnits). */
    static List<Frame> split(Codec codec, byte[] a) {
        List<Frame> out = new ArrayList<>();
        for (byte[] au : NalUnits.splitAccessUnits(codec, a, 0, a.length)) {
            out.add(new Frame(au, NalUnits.isKeyframe(codec, au, 0, au.length)));
        }
        return out;
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
