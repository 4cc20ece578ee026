package nvr.playback.export;

/** An export that cannot be made (no footage, unsupported codec, unreadable segment); message is one line for people. */
public final class ExportException extends Exception {
    public ExportException(String message) {
        super(message);
    }

    public ExportException(String message, Throwable cause) {
        super(message, cause);
    }
}
