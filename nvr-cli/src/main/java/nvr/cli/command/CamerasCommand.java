package nvr.cli.command;

import java.util.Map;
import nvr.cli.CliException;
import nvr.cli.output.Table;
import nvr.cli.output.Times;
import picocli.CommandLine.Command;

/** {@code nvr cameras list}. */
@Command(name = "cameras", mixinStandardHelpOptions = true, description = "Cameras and their recording state.",
        subcommands = CamerasCommand.List.class)
public final class CamerasCommand implements Runnable {
    @Override
    public void run() {
        throw CliException.usage("missing subcommand; try: nvr cameras list");
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List cameras: state, last frame, bitrate, tier.")
    static final class List extends AdminCommand {
        @Override
        public Integer call() {
            Object cams = client().get("/api/cameras");
            if (json) {
                printJson(cams);
                return 0;
            }
            Table t = new Table("ID", "NAME", "TIER", "STATE", "LAST FRAME", "BITRATE", "LOCATION", "WHY");
            for (Map<String, Object> c : list(cams)) {
                t.row(s(c, "id"), s(c, "name"), s(c, "tier"), s(c, "state"), Times.show(n(c, "lastFrameMs")),
                        String.format("%.0f kbit/s", n(c, "bitrateBps") / 1000.0), s(c, "location"), s(c, "reason"));
            }
            t.print(out());
            return 0;
        }
    }
}
