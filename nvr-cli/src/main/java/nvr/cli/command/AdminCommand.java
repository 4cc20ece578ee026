package nvr.cli.command;

import java.io.PrintStream;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import nvr.cli.CliException;
import nvr.cli.admin.AdminClient;
import nvr.cli.config.ConfigException;
import nvr.cli.config.ConfigLoader;
import nvr.cli.config.NvrConfig;
import nvr.cli.output.Json;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Base of the commands that ask a running server: config lookup, the admin client, --json output. */
abstract class AdminCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--json", description = "print JSON (DESIGN.md shapes, times in epoch ms) instead of a table")
    boolean json;

    final long nowMs = System.currentTimeMillis();

    NvrConfig config() {
        return loadConfig(spec);
    }

    static NvrConfig loadConfig(CommandSpec spec) {
        NvrCommand root = (NvrCommand) spec.root().userObject();
        java.nio.file.Path file = root.config;
        String home = System.getenv("NVR_HOME");
        if (!java.nio.file.Files.exists(file) && !file.isAbsolute() && home != null
                && file.toString().equals(NvrCommand.DEFAULT_CONFIG)) {
            file = java.nio.file.Path.of(home).resolve(file); // bin/nvr run from another folder: the checkout's config
        }
        try {
            return ConfigLoader.load(file);
        } catch (ConfigException e) {
            throw CliException.usage(e.getMessage());
        }
    }

    AdminClient client() {
        return new AdminClient(config());
    }

    PrintStream out() {
        return System.out;
    }

    void printJson(Object value) {
        out().println(Json.write(value));
    }

    static long time(String option, String value, long nowMs) {
        try {
            return nvr.cli.output.Times.parse(option, value, nowMs);
        } catch (IllegalArgumentException e) {
            throw CliException.usage(e.getMessage());
        }
    }

    static void range(long from, long to) {
        if (to <= from) {
            throw CliException.usage("--to must be after --from");
        }
    }

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> list(Object o) {
        return o instanceof List<?> l ? (List<Map<String, Object>>) l : List.of();
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object o) {
        return o instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
    }

    static long n(Map<String, Object> m, String key) {
        return m.get(key) instanceof Number x ? x.longValue() : 0;
    }

    static String s(Map<String, Object> m, String key) {
        Object v = m.get(key);
        return v == null ? "" : v.toString();
    }

    static String enc(String s) {
        return java.net.URLEncoder.encode(s, java.nio.charset.StandardCharsets.UTF_8);
    }
}
