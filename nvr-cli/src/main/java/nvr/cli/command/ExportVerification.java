package nvr.cli.command;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import nvr.cli.CliException;
import nvr.cli.output.Json;
import nvr.playback.export.Mp4Exporter;
import nvr.playback.export.VerifyResult;

/** Runs the playback module's MP4-vs-manifest check (no server needed) and prints its verdict. */
final class ExportVerification {
    private ExportVerification() {
    }

    static int run(Path file, boolean json, PrintStream out) {
        VerifyResult r;
        try {
            r = Mp4Exporter.verify(file);
        } catch (IOException e) {
            throw CliException.failed("cannot verify " + file + ": " + e.getMessage());
        }
        if (json) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("file", file.toString());
            m.put("ok", r.ok());
            m.put("expectedSha256", r.expectedSha256());
            m.put("actualSha256", r.actualSha256());
            m.put("message", r.message());
            out.println(Json.write(m));
        } else {
            out.println(r.ok() ? "OK " + file + ": SHA-256 " + r.actualSha256() + " matches " + file + ".sha256.json"
                    : "FAILED " + file + ": " + r.message());
        }
        return r.ok() ? 0 : 1;
    }
}
