package nvr.cli.demo;

import nvr.gb28181.media.Codec;

/** Where a simulated camera's video comes from: one Annex-B access unit per call, in decode order. */
interface FrameSource {
    Codec codec();

    /** The next access unit; {@code wallMs} is the capture time to burn in, when the source draws one. */
    Frame next(long wallMs);

    record Frame(byte[] annexB, boolean keyframe) {
    }
}
