package nvr.ingest.media;

/**
 * An inclusive range of local ports for RTP, as written in {@code media.port-range} ("30000-30999").
 */
public record PortRange(int first, int last) {
    public PortRange {
        if (first < 1 || last > 65535 || first > last) {
            throw new IllegalArgumentException("port range " + first + "-" + last
                    + " is invalid: use FIRST-LAST with 1 <= FIRST <= LAST <= 65535");
        }
    }

    /** Parses "FIRST-LAST"; the message of the IllegalArgumentException says what to write instead. */
    public static PortRange parse(String text) {
        String t = text == null ? "" : text.trim();
        int dash = t.indexOf('-');
        try {
            if (dash <= 0) {
                throw new NumberFormatException();
            }
            return new PortRange(Integer.parseInt(t.substring(0, dash).trim()), Integer.parseInt(t.substring(dash + 1).trim()));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("media.port-range \"" + text + "\" is not FIRST-LAST, e.g. 30000-30999");
        }
    }

    public boolean contains(int port) {
        return port >= first && port <= last;
    }

    public int size() {
        return last - first + 1;
    }

    @Override
    public String toString() {
        return first + "-" + last;
    }
}
