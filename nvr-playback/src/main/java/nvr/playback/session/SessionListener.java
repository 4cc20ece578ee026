package nvr.playback.session;

/** Told once, from the session's event loop, when a session has ended and released its channel. */
@FunctionalInterface
public interface SessionListener {
    void onEnd(PlaybackSession session, EndReason reason, String detail);
}
