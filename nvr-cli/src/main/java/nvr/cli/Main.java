package nvr.cli;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import nvr.cli.command.NvrCommand;
import nvr.cli.serve.Logging;
import picocli.CommandLine;

/**
 * The {@code nvr} executable. Every failure ends as one stderr line and an exit code: 0 ok, 1 failed,
 * 2 bad usage or bad input; usage text only with {@code --help}.
 */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        System.setProperty("java.util.logging.manager", Logging.KeepAtShutdown.class.getName());
        int code = run(args, System.out, System.err);
        System.out.flush();
        System.exit(code);
    }

    /** Runs one command line; returns its exit code (no System.exit, so tests can call it in-process). */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        Logging.configureQuiet();
        CommandLine cmd = new CommandLine(new NvrCommand());
        cmd.setOut(new PrintWriter(out, true, StandardCharsets.UTF_8));
        cmd.setErr(new PrintWriter(err, true, StandardCharsets.UTF_8));
        cmd.setParameterExceptionHandler((ex, a) -> {
            String where = ex.getCommandLine().getCommandSpec().qualifiedName();
            err.println(where + ": " + oneLine(ex.getMessage()) + " (see '" + where + " --help')");
            return CliException.USAGE;
        });
        cmd.setExecutionExceptionHandler((ex, c, parsed) -> {
            if (ex instanceof CliException e) {
                err.println("nvr: " + oneLine(e.getMessage()));
                return e.exitCode();
            }
            err.println("nvr: internal error: " + oneLine(ex.toString()) + "; please report it with the command you ran");
            return CliException.FAILED;
        });
        try {
            return cmd.execute(args);
        } catch (RuntimeException | Error e) {
            err.println("nvr: internal error: " + oneLine(e.toString()));
            return CliException.FAILED;
        }
    }

    static String oneLine(String s) {
        if (s == null) {
            return "(no detail)";
        }
        String t = s.replaceAll("\\s*[\\r\\n]+\\s*", "; ").trim();
        return t.length() > 400 ? t.substring(0, 400) + "..." : t;
    }
}
