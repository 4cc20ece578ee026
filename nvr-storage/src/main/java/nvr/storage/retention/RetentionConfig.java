package nvr.storage.retention;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Retention settings, already parsed from {@code nvr.yaml} by the CLI.
 *
 * @param cameraTiers camera id -> tier name for cameras configured with a tier; others get {@code defaultTier}
 * @param volumes one entry per data root, in the Store's root order
 * @param sweepPeriod how often the sweeper runs even when no volume passed its high watermark
 * @param maxTrustedDowntime at start, a wall clock further ahead of the last trusted time than this is
 *                           treated as a forward jump, not as downtime (ages then run from the last
 *                           trusted time, which only keeps footage longer)
 */
public record RetentionConfig(List<Tier> tiers, String defaultTier, Map<String, String> cameraTiers,
                              RetentionPolicy policy, List<VolumeConfig> volumes, Duration sweepPeriod,
                              Duration maxTrustedDowntime) {
    public RetentionConfig {
        tiers = List.copyOf(tiers);
        cameraTiers = Map.copyOf(cameraTiers);
        volumes = List.copyOf(volumes);
        if (tiers.isEmpty()) {
            throw new IllegalArgumentException("no retention tier defined; define at least one, e.g. general with min-days 30");
        }
        Set<String> names = new HashSet<>();
        for (Tier t : tiers) {
            if (!names.add(t.name())) {
                throw new IllegalArgumentException("tier " + t.name() + " is defined twice; give each tier one entry");
            }
        }
        if (!names.contains(defaultTier)) {
            throw new IllegalArgumentException("default tier " + defaultTier + " is not a defined tier; use one of " + names);
        }
        for (Map.Entry<String, String> e : cameraTiers.entrySet()) {
            if (!names.contains(e.getValue())) {
                throw new IllegalArgumentException("camera " + e.getKey() + " has tier " + e.getValue()
                        + " which is not defined; use one of " + names);
            }
        }
        if (volumes.isEmpty()) {
            throw new IllegalArgumentException("no data root given to retention; pass the Store's roots");
        }
        if (policy == null) {
            policy = RetentionPolicy.PROTECT;
        }
        if (sweepPeriod == null || sweepPeriod.isNegative() || sweepPeriod.isZero()) {
            throw new IllegalArgumentException("retention sweep period " + sweepPeriod + " must be positive");
        }
        if (maxTrustedDowntime == null || maxTrustedDowntime.isNegative()) {
            maxTrustedDowntime = Duration.ofDays(30);
        }
    }

    public RetentionConfig(List<Tier> tiers, String defaultTier, Map<String, String> cameraTiers,
                           RetentionPolicy policy, List<VolumeConfig> volumes, Duration sweepPeriod) {
        this(tiers, defaultTier, cameraTiers, policy, volumes, sweepPeriod, Duration.ofDays(30));
    }

    /** The contract's default tiers (general 30, city 60, key-area 90), protect, 90/85% watermarks, 60 s sweeps. */
    public static RetentionConfig defaults(List<Path> roots) {
        List<VolumeConfig> v = new ArrayList<>();
        for (Path r : roots) {
            v.add(VolumeConfig.of(r));
        }
        return new RetentionConfig(List.of(new Tier("general", 30), new Tier("city", 60), new Tier("key-area", 90)),
                "general", Map.of(), RetentionPolicy.PROTECT, v, Duration.ofSeconds(60));
    }

    public Tier tier(String name) {
        for (Tier t : tiers) {
            if (t.name().equals(name)) {
                return t;
            }
        }
        throw new IllegalArgumentException("tier " + name + " is not defined");
    }

    /** The camera's tier: its configured one, else the default tier. */
    public Tier tierOf(String camera) {
        return tier(cameraTiers.getOrDefault(camera, defaultTier));
    }

    public RetentionConfig withCameraTier(String camera, String tier) {
        tier(tier);
        Map<String, String> m = new HashMap<>(cameraTiers);
        m.put(camera, tier);
        return new RetentionConfig(tiers, defaultTier, m, policy, volumes, sweepPeriod, maxTrustedDowntime);
    }

    public RetentionConfig withVolumes(List<VolumeConfig> v) {
        return new RetentionConfig(tiers, defaultTier, cameraTiers, policy, v, sweepPeriod, maxTrustedDowntime);
    }

    public RetentionConfig withPolicy(RetentionPolicy p) {
        return new RetentionConfig(tiers, defaultTier, cameraTiers, p, volumes, sweepPeriod, maxTrustedDowntime);
    }
}
