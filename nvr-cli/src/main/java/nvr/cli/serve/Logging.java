package nvr.cli.serve;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import java.util.logging.ConsoleHandler;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * java.util.logging set up for one line per event: {@code <UTC time> <LEVEL> <logger> <message>}, an
 * exception folded into the same line (type and message; the stack only at debug level). Components put
 * {@code camera=<id>} in their messages so one grep follows a camera.
 */
public final class Logging {
    private Logging() {
    }

    /**
     * Keeps handlers through JVM shutdown: the JDK's LogManager resets (drops) every handler in its own
     * shutdown hook, which would silence what the store logs while it flushes on SIGTERM.
     * Installed by {@code Main} through {@code java.util.logging.manager} before any logger exists.
     */
    public static final class KeepAtShutdown extends java.util.logging.LogManager {
        @Override
        public void reset() {
            // no-op: configure() replaces handlers itself
        }
    }

    /** Admin commands: only warnings, so a failed command prints nothing but its one error line. */
    public static void configureQuiet() {
        configure(Level.WARNING);
    }

    public static void configure(String level) {
        configure(switch (level) {
            case "debug" -> Level.FINE;
            case "warning" -> Level.WARNING;
            case "error" -> Level.SEVERE;
            default -> Level.INFO;
        });
    }

    static void configure(Level level) {
        Logger root = Logger.getLogger("");
        for (Handler h : root.getHandlers()) {
            root.removeHandler(h);
        }
        ConsoleHandler h = new ConsoleHandler(); // stderr
        h.setLevel(level);
        h.setFormatter(new OneLine(level.intValue() <= Level.FINE.intValue()));
        root.addHandler(h);
        root.setLevel(level);
        // Netty and RocksDB chatter at debug level is not ours to show unless asked for.
        Logger.getLogger("io.netty").setLevel(level.intValue() <= Level.FINE.intValue() ? Level.INFO : Level.WARNING);
    }

    static final class OneLine extends Formatter {
        private final boolean stacks;

        OneLine(boolean stacks) {
            this.stacks = stacks;
        }

        @Override
        public String format(LogRecord r) {
            StringBuilder b = new StringBuilder(160);
            b.append(Instant.ofEpochMilli(r.getMillis())).append(' ')
                    .append(String.format("%-7s", name(r.getLevel()))).append(' ')
                    .append(shortName(r.getLoggerName())).append(' ')
                    .append(oneLine(formatMessage(r)));
            if (r.getThrown() != null) {
                b.append(" error=\"").append(oneLine(r.getThrown().toString())).append('"');
            }
            b.append(System.lineSeparator());
            if (stacks && r.getThrown() != null) {
                StringWriter sw = new StringWriter();
                r.getThrown().printStackTrace(new PrintWriter(sw));
                b.append(sw);
            }
            return b.toString();
        }

        private static String name(Level l) {
            if (l == Level.SEVERE) {
                return "ERROR";
            }
            if (l == Level.WARNING) {
                return "WARN";
            }
            if (l.intValue() < Level.INFO.intValue()) {
                return "DEBUG";
            }
            return l.getName();
        }

        private static String shortName(String logger) {
            if (logger == null || logger.isEmpty()) {
                return "-";
            }
            int dot = logger.lastIndexOf('.');
            return dot < 0 ? logger : logger.substring(dot + 1);
        }

        private static String oneLine(String s) {
            return s == null ? "" : s.replaceAll("\\s*[\\r\\n]+\\s*", " | ");
        }
    }
}
