package nvr.gb28181.manscdp;

/** The root element of a MANSCDP document: what kind of message it is. */
public enum ManscdpType {
    QUERY("Query"),
    RESPONSE("Response"),
    NOTIFY("Notify"),
    CONTROL("Control");

    private final String element;

    ManscdpType(String element) {
        this.element = element;
    }

    public String element() {
        return element;
    }

    static ManscdpType of(String root) {
        for (ManscdpType t : values()) {
            if (t.element.equalsIgnoreCase(root)) {
                return t;
            }
        }
        return null;
    }
}
