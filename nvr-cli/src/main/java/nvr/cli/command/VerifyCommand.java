package nvr.cli.command;

import java.util.Map;
import picocli.CommandLine.Command;

/** {@code nvr verify}: every segment's CRCs and the index against the files; exit 1 on any error. */
@Command(name = "verify", mixinStandardHelpOptions = true,
        description = "Check every durable segment's CRCs and the index against the files.")
public final class VerifyCommand extends AdminCommand {
    @Override
    public Integer call() {
        Map<String, Object> r = map(client().post("/api/verify", Map.of()));
        java.util.List<Map<String, Object>> errors = list(r.get("errors"));
        if (json) {
            printJson(r);
        } else {
            out().println("checked " + n(r, "segments") + " segment(s), " + n(r, "frames") + " frame(s): "
                    + (errors.isEmpty() ? "no errors" : errors.size() + " error(s)"));
            for (Map<String, Object> e : errors) {
                out().println("  " + s(e, "file") + " @" + n(e, "offset") + ": " + s(e, "problem"));
            }
        }
        return errors.isEmpty() ? 0 : 1;
    }
}
