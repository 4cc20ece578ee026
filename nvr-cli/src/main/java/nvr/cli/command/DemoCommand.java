package nvr.cli.command;

import java.util.concurrent.Callable;
import nvr.cli.serve.NvrServer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code nvr demo}: same as {@code nvr serve --demo}. */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Run the recorder with built-in simulated cameras (same as serve --demo).")
public final class DemoCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        return NvrServer.runUntilStopped(AdminCommand.loadConfig(spec), true);
    }
}
