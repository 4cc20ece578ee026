package nvr.cli.command;

import java.util.LinkedHashMap;
import java.util.Map;
import nvr.cli.CliException;
import nvr.cli.output.Table;
import nvr.cli.output.Times;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code nvr hold create|list|release}: legal holds; held footage is never deleted by retention. */
@Command(name = "hold", mixinStandardHelpOptions = true, description = "Legal holds on footage.",
        subcommands = {HoldCommand.Create.class, HoldCommand.List.class, HoldCommand.Release.class})
public final class HoldCommand implements Runnable {
    @Override
    public void run() {
        throw CliException.usage("missing subcommand; try: nvr hold create|list|release");
    }

    @Command(name = "create", mixinStandardHelpOptions = true, description = "Hold a camera's footage in a range; prints the hold id.")
    static final class Create extends AdminCommand {
        @Option(names = "--camera", required = true, paramLabel = "ID")
        String camera;

        @Option(names = "--from", required = true, paramLabel = "T")
        String from;

        @Option(names = "--to", required = true, paramLabel = "T")
        String to;

        @Option(names = "--case", required = true, paramLabel = "CASE", description = "case id the hold is for")
        String caseId;

        @Option(names = "--until", paramLabel = "T", description = "hold expires at T (default: until released)")
        String until;

        @Override
        public Integer call() {
            long f = time("--from", from, nowMs);
            long t = time("--to", to, nowMs);
            range(f, t);
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("camera", camera);
            body.put("fromMs", f);
            body.put("toMs", t);
            body.put("case", caseId);
            if (until != null) {
                body.put("untilMs", time("--until", until, nowMs));
            }
            Object r = client().post("/api/holds", body);
            if (json) {
                printJson(r);
            } else {
                out().println(s(map(r), "id"));
            }
            return 0;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List active holds.")
    static final class List extends AdminCommand {
        @Override
        public Integer call() {
            Object r = client().get("/api/holds");
            if (json) {
                printJson(r);
                return 0;
            }
            Table t = new Table("ID", "CAMERA", "FROM", "TO", "CASE", "UNTIL");
            for (Map<String, Object> h : list(r)) {
                t.row(s(h, "id"), s(h, "camera"), Times.show(n(h, "fromMs")), Times.show(n(h, "toMs")), s(h, "case"),
                        n(h, "untilMs") > 0 ? Times.show(n(h, "untilMs")) : "released by hand");
            }
            t.print(out());
            return 0;
        }
    }

    @Command(name = "release", mixinStandardHelpOptions = true, description = "Release a hold by id.")
    static final class Release extends AdminCommand {
        @Parameters(paramLabel = "ID")
        String id;

        @Override
        public Integer call() {
            Object r = client().delete("/api/holds/" + enc(id));
            if (json) {
                printJson(r);
            } else {
                out().println("released " + id);
            }
            return 0;
        }
    }
}
