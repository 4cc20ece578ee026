package nvr.cli.command;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import nvr.cli.CliException;
import nvr.cli.output.ProgressBar;
import nvr.cli.output.Times;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code nvr export --camera ID --from T --to T --out FILE.mp4}: the server writes the MP4 and its
 * {@code .sha256.json} manifest (it owns the store); {@code nvr export verify FILE.mp4} checks a copy
 * against its manifest locally, with no server.
 */
@Command(name = "export", mixinStandardHelpOptions = true, description = "Export footage to an evidence MP4 with a hash manifest.",
        subcommands = ExportCommand.Verify.class)
public final class ExportCommand extends AdminCommand {
    @Option(names = "--camera", paramLabel = "ID")
    String camera;

    @Option(names = "--from", paramLabel = "T")
    String from;

    @Option(names = "--to", paramLabel = "T")
    String to;

    @Option(names = "--out", paramLabel = "FILE.mp4")
    Path out;

    @Override
    public Integer call() {
        // Checked here, not by picocli, so that "export verify FILE" needs none of them.
        if (camera == null || from == null || to == null || out == null) {
            throw CliException.usage("export needs --camera ID --from T --to T --out FILE.mp4");
        }
        long f = time("--from", from, nowMs);
        long t = time("--to", to, nowMs);
        range(f, t);
        Path file = out.toAbsolutePath().normalize();
        if (!file.getFileName().toString().toLowerCase(java.util.Locale.ROOT).endsWith(".mp4")) {
            throw CliException.usage("--out must name an .mp4 file, got " + out);
        }
        if (Files.exists(file)) {
            throw CliException.usage(out + " already exists; evidence is never overwritten, choose another --out");
        }
        if (file.getParent() != null && !Files.isDirectory(file.getParent())) {
            throw CliException.usage("folder " + file.getParent() + " does not exist");
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("camera", camera);
        body.put("fromMs", f);
        body.put("toMs", t);
        body.put("out", file.toString());
        ProgressBar bar = new ProgressBar(System.err, "exporting " + out.getFileName());
        Object r;
        try {
            r = client().postStreaming("/api/export", body, bar::update);
        } finally {
            bar.done();
        }
        if (json) {
            printJson(r);
        } else {
            Map<String, Object> m = map(r);
            out().println("wrote " + out + " (" + Times.bytes(Files.exists(file) ? size(file) : 0) + ", "
                    + n(m, "frames") + " frames" + (m.get("audioCodec") == null ? "" : ", " + m.get("audioCodec") + " audio")
                    + ") and " + out + ".sha256.json");
        }
        return 0;
    }

    private static long size(Path p) {
        try {
            return Files.size(p);
        } catch (java.io.IOException e) {
            return 0;
        }
    }

    @Command(name = "verify", mixinStandardHelpOptions = true, description = "Check an exported MP4 against its .sha256.json manifest.")
    static final class Verify implements Callable<Integer> {
        @Parameters(paramLabel = "FILE.mp4")
        Path file;

        @Option(names = "--json", description = "print the result as JSON")
        boolean json;

        @Override
        public Integer call() {
            return ExportVerification.run(file, json, System.out);
        }
    }
}
