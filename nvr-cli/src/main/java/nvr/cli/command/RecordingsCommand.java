package nvr.cli.command;

import java.util.Map;
import nvr.cli.CliException;
import nvr.cli.output.Table;
import nvr.cli.output.Times;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code nvr recordings list --camera ID --from T --to T}. */
@Command(name = "recordings", mixinStandardHelpOptions = true, description = "Recorded spans and gaps.",
        subcommands = RecordingsCommand.List.class)
public final class RecordingsCommand implements Runnable {
    @Override
    public void run() {
        throw CliException.usage("missing subcommand; try: nvr recordings list --camera ID --from T --to T");
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "Recorded spans and gaps of a camera.")
    static final class List extends AdminCommand {
        @Option(names = "--camera", required = true, paramLabel = "ID")
        String camera;

        @Option(names = "--from", paramLabel = "T", defaultValue = "now-1d", description = "start (default: ${DEFAULT-VALUE})")
        String from;

        @Option(names = "--to", paramLabel = "T", defaultValue = "now", description = "end (default: ${DEFAULT-VALUE})")
        String to;

        @Override
        public Integer call() {
            long f = time("--from", from, nowMs);
            long t = time("--to", to, nowMs);
            range(f, t);
            Object r = client().get("/api/recordings?camera=" + enc(camera) + "&from=" + f + "&to=" + t);
            if (json) {
                printJson(r);
                return 0;
            }
            Map<String, Object> cov = map(r);
            Table table = new Table("FROM", "TO", "LENGTH", "SIZE", "FRAMES");
            for (Map<String, Object> sp : list(cov.get("spans"))) {
                table.row(Times.show(n(sp, "startMs")), Times.show(n(sp, "endMs")),
                        Times.duration(n(sp, "endMs") - n(sp, "startMs")), Times.bytes(n(sp, "bytes")), n(sp, "frames"));
            }
            table.print(out());
            java.util.List<Map<String, Object>> gaps = list(cov.get("gaps"));
            long gapMs = gaps.stream().mapToLong(g -> n(g, "endMs") - n(g, "startMs")).sum();
            out().println(table.size() + " span(s), " + gaps.size() + " gap(s) totalling " + Times.duration(gapMs));
            return 0;
        }
    }
}
