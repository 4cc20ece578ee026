package nvr.cli;

/** A command's expected failure: one line for stderr and the exit code (1 failed, 2 bad usage/input). */
public final class CliException extends RuntimeException {
    public static final int FAILED = 1;
    public static final int USAGE = 2;

    private final int exitCode;

    public CliException(int exitCode, String message) {
        super(message, null, false, false);
        this.exitCode = exitCode;
    }

    public static CliException usage(String message) {
        return new CliException(USAGE, message);
    }

    public static CliException failed(String message) {
        return new CliException(FAILED, message);
    }

    public int exitCode() {
        return exitCode;
    }
}
