package nvr.cli.command;

import java.util.concurrent.Callable;
import nvr.cli.serve.NvrServer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code nvr serve}: runs the recorder until SIGTERM/Ctrl-C. */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = "Run the recorder: SIP, RTP ingest, storage, retention, playback, admin API.")
public final class ServeCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--demo", description = "also start built-in simulated cameras (H.264 and H.265 over loopback)")
    boolean demo;

    @Override
    public Integer call() throws Exception {
        return NvrServer.runUntilStopped(AdminCommand.loadConfig(spec), demo);
    }
}
