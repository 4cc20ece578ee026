package nvr.gb28181.mansrtsp;

/** The MANSRTSP methods GB/T 28181 playback control uses. */
public enum MansRtspMethod {
    PLAY, PAUSE, TEARDOWN
}
