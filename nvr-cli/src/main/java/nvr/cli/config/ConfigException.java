package nvr.cli.config;

/** A config file that cannot be used: the message is one line naming the file, the key path and what is allowed. */
public final class ConfigException extends Exception {
    private final String keyPath;

    public ConfigException(String keyPath, String message) {
        super(message, null, false, false); // no stack trace: a bad config is a user error, not a bug
        this.keyPath = keyPath;
    }

    /** Dotted key path of the offending value, e.g. {@code cameras[0].port}; empty for whole-file errors. */
    public String keyPath() {
        return keyPath;
    }
}
