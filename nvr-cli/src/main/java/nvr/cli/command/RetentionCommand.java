package nvr.cli.command;

import java.util.Map;
import nvr.cli.CliException;
import nvr.cli.output.Table;
import nvr.cli.output.Times;
import picocli.CommandLine.Command;

/** {@code nvr retention status|plan}. */
@Command(name = "retention", mixinStandardHelpOptions = true, description = "Is every camera kept for its tier?",
        subcommands = {RetentionCommand.Status.class, RetentionCommand.Plan.class})
public final class RetentionCommand implements Runnable {
    @Override
    public void run() {
        throw CliException.usage("missing subcommand; try: nvr retention status, or nvr retention plan");
    }

    @Command(name = "status", mixinStandardHelpOptions = true, description = "Per camera: tier, footage held, projection, status.")
    static final class Status extends AdminCommand {
        @Override
        public Integer call() {
            Object r = client().get("/api/retention/status");
            if (json) {
                printJson(r);
                return 0;
            }
            Table t = new Table("CAMERA", "TIER", "MIN DAYS", "OLDEST", "NEWEST", "PROJECTED DAYS", "STATUS", "REASON");
            for (Map<String, Object> c : list(r)) {
                Object pd = c.get("projectedDays");
                t.row(s(c, "camera"), s(c, "tier"), s(c, "minDays"), Times.show(n(c, "oldestMs")), Times.show(n(c, "newestMs")),
                        pd instanceof Number x ? String.format("%.1f", x.doubleValue()) : "-", s(c, "status"), s(c, "reason"));
            }
            t.print(out());
            return 0;
        }
    }

    @Command(name = "plan", mixinStandardHelpOptions = true, description = "Disk needed for every camera's tier vs what the volumes hold.")
    static final class Plan extends AdminCommand {
        @Override
        public Integer call() {
            Object r = client().get("/api/retention/plan");
            if (json) {
                printJson(r);
                return 0;
            }
            printPlan(map(r));
            return 0;
        }

        private void printPlan(Map<String, Object> plan) {
            // Tables for every list in the plan, scalars as "key: value" lines: the plan's shape is owned by storage.
            for (Map.Entry<String, Object> e : plan.entrySet()) {
                if (e.getValue() instanceof java.util.List<?> l && !l.isEmpty() && l.get(0) instanceof Map<?, ?> first) {
                    out().println(e.getKey() + ":");
                    java.util.List<String> cols = new java.util.ArrayList<>();
                    for (Object k : first.keySet()) {
                        cols.add(k.toString());
                    }
                    Table t = new Table(cols.toArray(String[]::new));
                    for (Map<String, Object> row : list(l)) {
                        t.row(cols.stream().map(c -> PlanCells.cell(c, row.get(c))).toArray());
                    }
                    t.print(out());
                } else {
                    out().println(e.getKey() + ": " + PlanCells.cell(e.getKey(), e.getValue()));
                }
            }
        }
    }

    /** Formats plan values: byte counts as sizes, times as dates, the rest as given. */
    static final class PlanCells {
        static String cell(String key, Object v) {
            if (v instanceof Number x) {
                String k = key.toLowerCase(java.util.Locale.ROOT);
                if (k.endsWith("bytes")) {
                    return Times.bytes(x.longValue());
                }
                if (k.endsWith("ms") && x.longValue() > 1_000_000_000_000L) {
                    return Times.show(x.longValue());
                }
                if (v instanceof Double d) {
                    return String.format("%.2f", d);
                }
            }
            return v == null ? "-" : v.toString();
        }
    }
}
