package nvr.storage.retention;

/**
 * A retention tier: footage of its cameras is kept at least {@code minDays} and, when {@code maxDays > 0},
 * trimmed after {@code maxDays} whatever the free space.
 */
public record Tier(String name, int minDays, int maxDays) {
    public Tier {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("tier name is empty; give every tier a name");
        }
        if (minDays < 0) {
            throw new IllegalArgumentException("tier " + name + ": min-days " + minDays + " is negative; use 0 or more");
        }
        if (maxDays != 0 && maxDays < minDays) {
            throw new IllegalArgumentException("tier " + name + ": max-days " + maxDays + " is below min-days "
                    + minDays + "; use 0 (no maximum) or >= min-days");
        }
    }

    public Tier(String name, int minDays) {
        this(name, minDays, 0);
    }

    public boolean hasMaximum() {
        return maxDays > 0;
    }
}
