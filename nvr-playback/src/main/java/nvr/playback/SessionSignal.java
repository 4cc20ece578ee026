package nvr.playback;

/**
 * The in-dialog requests a session sends back to the platform; the SIP adapter implements it over the
 * dialog. Called from a session's event loop: implementations must not block.
 */
public interface SessionSignal {
    /** End of range: MESSAGE MANSCDP MediaStatus NotifyType 121 for {@code channelId}, then (after its answer) BYE. */
    void endOfRange(String channelId);

    /** The session failed (receiver gone/stalled, read error): BYE. */
    void abort(String reason);
}
