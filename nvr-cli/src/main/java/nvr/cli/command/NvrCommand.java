package nvr.cli.command;

import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/** {@code nvr}: the root command; {@code --config} may be given before or after the subcommand. */
@Command(name = "nvr", mixinStandardHelpOptions = true, version = "nvr 0.1.0",
        description = "GB/T 28181 network video recorder.",
        subcommands = {ServeCommand.class, DemoCommand.class, CamerasCommand.class, RecordingsCommand.class,
                RetentionCommand.class, HoldCommand.class, ExportCommand.class, VerifyCommand.class},
        footer = {"", "Times: ISO-8601 with offset (2026-11-21T08:00:00+08:00), epoch ms, now or now-10m.",
                "Exit codes: 0 ok, 1 failed, 2 bad usage or input."})
public final class NvrCommand implements Runnable {
    static final String DEFAULT_CONFIG = "config/nvr.yaml";

    @Option(names = "--config", paramLabel = "FILE", scope = ScopeType.INHERIT, defaultValue = "config/nvr.yaml",
            description = "config file (default: ${DEFAULT-VALUE})")
    Path config;

    @Override
    public void run() {
        throw nvr.cli.CliException.usage("missing command; try: nvr serve --config config/nvr.yaml --demo, or nvr --help");
    }
}
