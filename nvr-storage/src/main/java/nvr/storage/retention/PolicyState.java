package nvr.storage.retention;

import java.io.IOException;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What the retention policy decided that must survive a restart: the tiers and cameras whose new footage
 * {@code protect} refuses, and the cameras {@code overwrite-oldest} left under their minimum (camera -> trusted
 * end of the youngest such deletion). Without it a restart would accept gated footage and report a violated
 * camera OK until the next sweep decided again. Owns one text file ({@code <first root>/retention-state},
 * replaced atomically): a header line, then {@code used-when-gated N}, {@code gated-tier NAME},
 * {@code gated CAMERA}, {@code violation CAMERA TRUSTED-END-MS} lines (names URL-encoded).
 */
record PolicyState(Set<String> gatedTiers, Set<String> gatedCameras, long usedWhenGated, Map<String, Long> violations) {
    private static final System.Logger LOG = System.getLogger(PolicyState.class.getName());
    static final String FILE_NAME = "retention-state";
    private static final String HEADER = "nvr-retention-state 1";

    static final PolicyState NONE = new PolicyState(Set.of(), Set.of(), 0, Map.of());

    PolicyState {
        gatedTiers = Set.copyOf(new TreeSet<>(gatedTiers));
        gatedCameras = Set.copyOf(gatedCameras);
        violations = Map.copyOf(violations);
    }

    /** The saved state, or {@link #NONE} when there is none; an unreadable file is reported and ignored. */
    static PolicyState load(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return NONE;
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "cannot read " + file + ": " + e.getMessage() + "; gates and violations"
                    + " are decided again by the first sweep");
            return NONE;
        }
        if (lines.isEmpty() || !lines.get(0).equals(HEADER)) {
            LOG.log(System.Logger.Level.WARNING, file + " is not a retention state file; ignored (the first sweep decides"
                    + " gates and violations again)");
            return NONE;
        }
        Set<String> tiers = new TreeSet<>();
        Set<String> cameras = new TreeSet<>();
        Map<String, Long> violations = new TreeMap<>();
        long used = 0;
        for (String line : lines.subList(1, lines.size())) {
            String[] f = line.split(" ");
            try {
                switch (f[0]) {
                    case "used-when-gated" -> used = Long.parseLong(f[1]);
                    case "gated-tier" -> tiers.add(decode(f[1]));
                    case "gated" -> cameras.add(decode(f[1]));
                    case "violation" -> violations.put(decode(f[1]), Long.parseLong(f[2]));
                    default -> throw new IllegalArgumentException("unknown line");
                }
            } catch (RuntimeException e) { // one bad line costs that line only
                LOG.log(System.Logger.Level.WARNING, "ignoring unreadable line '" + line + "' in " + file);
            }
        }
        return new PolicyState(tiers, cameras, used, violations);
    }

    /** Replaces the file atomically (write a temporary file, fsync, rename). */
    void save(Path file) throws IOException {
        StringBuilder sb = new StringBuilder(HEADER).append('\n');
        sb.append("used-when-gated ").append(usedWhenGated).append('\n');
        new TreeSet<>(gatedTiers).forEach(t -> sb.append("gated-tier ").append(encode(t)).append('\n'));
        new TreeSet<>(gatedCameras).forEach(c -> sb.append("gated ").append(encode(c)).append('\n'));
        new TreeMap<>(violations).forEach((c, end) -> sb.append("violation ").append(encode(c)).append(' ').append(end).append('\n'));
        replace(file, sb.toString());
    }

    /** Writes text to a temporary sibling, fsyncs it and renames it over file. */
    static void replace(Path file, String text) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ch.write(java.nio.ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)));
            ch.force(true);
        }
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private static String decode(String s) {
        return URLDecoder.decode(s, StandardCharsets.UTF_8);
    }

    /** Tier names in the order they were gated are not kept: gating order is lowest minimum first anyway. */
    List<String> gatedTiersByMinimum(RetentionConfig cfg) {
        List<String> out = new ArrayList<>();
        cfg.tiers().stream().sorted((a, b) -> Integer.compare(a.minDays(), b.minDays()))
                .filter(t -> gatedTiers.contains(t.name())).forEach(t -> out.add(t.name()));
        for (String t : new TreeSet<>(gatedTiers)) { // a tier no longer configured stays listed until ungated
            if (!out.contains(t)) {
                out.add(t);
            }
        }
        return out;
    }
}
