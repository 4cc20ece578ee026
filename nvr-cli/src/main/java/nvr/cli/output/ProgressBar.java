package nvr.cli.output;

import java.io.PrintStream;

/** A one-line progress bar redrawn with carriage returns; silent when stderr is not a terminal. */
public final class ProgressBar {
    private final PrintStream out;
    private final boolean enabled;
    private final String label;
    private int lastPermille = -1;

    public ProgressBar(PrintStream out, String label) {
        this.out = out;
        this.label = label;
        this.enabled = System.console() != null;
    }

    public void update(double fraction) {
        if (!enabled) {
            return;
        }
        int permille = (int) Math.round(Math.max(0, Math.min(1, fraction)) * 1000);
        if (permille == lastPermille) {
            return;
        }
        lastPermille = permille;
        int filled = permille * 30 / 1000;
        out.print("\r" + label + " [" + "#".repeat(filled) + " ".repeat(30 - filled) + "] "
                + String.format("%5.1f%%", permille / 10.0));
        out.flush();
    }

    public void done() {
        if (enabled && lastPermille >= 0) {
            out.println();
        }
    }
}
