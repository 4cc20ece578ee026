package nvr.cli.output;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/** A plain-text table with a header row, columns padded to their widest cell. */
public final class Table {
    private final List<String[]> rows = new ArrayList<>();
    private final int columns;

    public Table(String... header) {
        columns = header.length;
        rows.add(header);
    }

    public Table row(Object... cells) {
        String[] r = new String[columns];
        for (int i = 0; i < columns; i++) {
            r[i] = i < cells.length && cells[i] != null ? cells[i].toString() : "";
        }
        rows.add(r);
        return this;
    }

    public int size() {
        return rows.size() - 1;
    }

    public void print(PrintStream out) {
        int[] w = new int[columns];
        for (String[] r : rows) {
            for (int i = 0; i < columns; i++) {
                w[i] = Math.max(w[i], r[i].length());
            }
        }
        for (String[] r : rows) {
            StringBuilder b = new StringBuilder();
            for (int i = 0; i < columns; i++) {
                b.append(r[i]);
                if (i < columns - 1) {
                    b.append(" ".repeat(w[i] - r[i].length() + 2));
                }
            }
            out.println(b.toString().stripTrailing());
        }
    }
}
