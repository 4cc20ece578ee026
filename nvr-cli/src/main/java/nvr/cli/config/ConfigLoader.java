package nvr.cli.config;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;

/**
 * Reads {@code nvr.yaml} strictly: SafeConstructor only (plain maps, lists and scalars, never arbitrary
 * types), bounded size/nesting/aliases, duplicate keys rejected, every key checked against what it allows.
 * Any problem is one {@link ConfigException} naming the file, the key path and what is allowed.
 */
public final class ConfigLoader {
    /** A real config is a few KB; anything near this bound is not a config file. */
    static final int MAX_BYTES = 1 << 20;

    private static final Pattern GB_ID = Pattern.compile("[0-9]{20}");
    private static final Pattern DOMAIN = Pattern.compile("[0-9]{10}");
    private static final Pattern CAMERA_ID = Pattern.compile("[0-9A-Za-z_-]{1,64}");
    private static final Pattern NAME = Pattern.compile("[0-9A-Za-z_-]{1,32}");
    private static final Pattern HOST = Pattern.compile("[0-9A-Za-z.:\\-]{1,253}");
    private static final Pattern IP = Pattern.compile("[0-9]{1,3}(\\.[0-9]{1,3}){3}|[0-9A-Fa-f:]*:[0-9A-Fa-f:.]*");
    private static final Pattern IP_OR_AUTO = Pattern.compile("auto|" + IP.pattern());
    private static final Pattern PORT_RANGE = Pattern.compile("([0-9]{1,5})-([0-9]{1,5})");
    private static final Pattern HOST_PORT = Pattern.compile("(\\[[0-9A-Fa-f:]+]|[0-9A-Za-z.\\-]+):([0-9]{1,5})");
    private static final Pattern ANY_TEXT = Pattern.compile("[^\\x00-\\x1f\\x7f]{1,200}");
    private static final Pattern PASSWORD = Pattern.compile("[^\\x00-\\x1f\\x7f]{1,128}");

    private ConfigLoader() {
    }

    public static NvrConfig load(Path file) throws ConfigException {
        String shown = file.toString();
        byte[] bytes;
        try {
            if (Files.size(file) > MAX_BYTES) {
                throw new ConfigException("", shown + ": file is larger than 1 MiB; is this really an nvr.yaml?");
            }
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new ConfigException("", shown + ": no such config file; pass --config FILE (default config/nvr.yaml)");
        } catch (IOException e) {
            throw new ConfigException("", shown + ": cannot read config file: " + e.getMessage());
        }
        NvrConfig c = parse(shown, bytes, file.toAbsolutePath().normalize().getParent());
        return c.withFile(file.toAbsolutePath().normalize());
    }

    /** Parses config text; relative paths are resolved against {@code baseDir}. */
    public static NvrConfig parse(String shown, byte[] bytes, Path baseDir) throws ConfigException {
        if (bytes.length > MAX_BYTES) {
            throw new ConfigException("", shown + ": file is larger than 1 MiB; is this really an nvr.yaml?");
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(java.nio.ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new ConfigException("", shown + ": not UTF-8 text; save the config as UTF-8");
        }
        Object root;
        try {
            root = yaml().load(text);
        } catch (MarkedYAMLException e) {
            Mark m = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
            String at = m == null ? "" : "line " + (m.getLine() + 1) + ", column " + (m.getColumn() + 1) + ": ";
            String problem = e.getProblem() != null ? e.getProblem() : String.valueOf(e.getContext());
            throw new ConfigException("", shown + ": " + at + "invalid YAML: " + oneLine(problem));
        } catch (RuntimeException | StackOverflowError e) {
            throw new ConfigException("", shown + ": invalid YAML: " + oneLine(String.valueOf(e.getMessage())));
        }
        try {
            return map(YamlSection.of("", root), baseDir);
        } catch (ConfigException e) {
            throw new ConfigException(e.keyPath(), shown + ": " + e.getMessage());
        }
    }

    private static Yaml yaml() {
        LoaderOptions o = new LoaderOptions();
        o.setAllowDuplicateKeys(false);
        o.setMaxAliasesForCollections(20);
        o.setNestingDepthLimit(20);
        o.setCodePointLimit(MAX_BYTES);
        o.setAllowRecursiveKeys(false);
        return new Yaml(new SafeConstructor(o));
    }

    private static NvrConfig map(YamlSection top, Path baseDir) throws ConfigException {
        YamlSection st = top.section("storage");
        List<Path> roots = new ArrayList<>();
        List<Object> rawRoots = st.has("roots") ? st.list("roots") : List.of("data");
        if (rawRoots.isEmpty()) {
            throw new ConfigException("storage.roots", "storage.roots: must name at least one data folder, e.g. [data]");
        }
        for (int i = 0; i < rawRoots.size(); i++) {
            String key = "storage.roots[" + i + "]";
            if (!(rawRoots.get(i) instanceof String s) || s.isBlank() || !ANY_TEXT.matcher(s).matches()) {
                throw new ConfigException(key, key + ": " + YamlSection.describe(rawRoots.get(i))
                        + " is not allowed; allowed: a folder path (relative to the config file's folder)");
            }
            try {
                Path p = baseDir.resolve(s).normalize();
                if (roots.contains(p)) {
                    throw new ConfigException(key, key + ": " + YamlSection.quote(s) + " is listed twice; each data root once");
                }
                roots.add(p);
            } catch (InvalidPathException e) {
                throw new ConfigException(key, key + ": " + YamlSection.quote(s) + " is not a valid path");
            }
        }
        NvrConfig.Storage storage = new NvrConfig.Storage(roots,
                (int) st.integer("segment-max-seconds", 60L, 1, 3600),
                st.integer("segment-max-bytes", 256L << 20, 1L << 20, 4L << 30),
                (int) st.integer("fsync-ms", 1000L, 10, 60_000),
                st.integer("writer-queue-bytes", 256L << 20, 1L << 20, 4L << 30));
        st.rejectUnknown();

        YamlSection si = top.section("sip");
        NvrConfig.Sip sip = new NvrConfig.Sip(
                si.string("id", "34020000002000000001", GB_ID, "a quoted 20-digit GB/T 28181 id"),
                si.string("domain", "3402000000", DOMAIN, "a quoted 10-digit GB/T 28181 domain"),
                (int) si.integer("port", 5060L, 1, 65535),
                si.string("password", "changeme", PASSWORD, "1-128 printable characters"),
                si.string("advertise-ip", "auto", IP_OR_AUTO, "auto or this host's IP address that cameras and platforms reach"),
                si.choice("invite-transport", "udp", "udp", "tcp-passive", "tcp-active"),
                (int) si.integer("keepalive-seconds", 60L, 5, 3600));
        si.rejectUnknown();

        YamlSection me = top.section("media");
        var m = me.matched("port-range", "30000-30999", PORT_RANGE, "\"LOW-HIGH\", ports 1024-65535");
        int lo = Integer.parseInt(m.group(1));
        int hi = Integer.parseInt(m.group(2));
        if (lo < 1024 || hi > 65535 || lo > hi) {
            throw me.notAllowed("port-range", m.group(), "\"LOW-HIGH\" with 1024 <= LOW <= HIGH <= 65535");
        }
        NvrConfig.Media media = new NvrConfig.Media(lo, hi,
                me.string("bind", "0.0.0.0", IP, "an IP address of this host, or 0.0.0.0 for all"),
                (int) me.integer("stall-ms", 3000L, 500, 4500),
                (int) me.integer("offline-seconds", 60L, 5, 3600));
        me.rejectUnknown();

        YamlSection ad = top.section("admin");
        var hp = ad.matched("listen", "127.0.0.1:8080", HOST_PORT, "\"HOST:PORT\" on loopback, e.g. \"127.0.0.1:8080\"");
        String adminHost = hp.group(1).replace("[", "").replace("]", "");
        int adminPort = Integer.parseInt(hp.group(2));
        if (adminPort < 1 || adminPort > 65535 || !isLoopback(adminHost)) {
            throw ad.notAllowed("listen", hp.group(), "a loopback address and port 1-65535, e.g. \"127.0.0.1:8080\"");
        }
        ad.rejectUnknown();

        YamlSection re = top.section("retention");
        NvrConfig.Retention retention = new NvrConfig.Retention(
                re.choice("policy", "protect", "protect", "overwrite-oldest"),
                (int) re.integer("sweep-seconds", 60L, 1, 86_400),
                (int) re.integer("high-watermark-percent", 90L, 50, 99));
        re.rejectUnknown();

        List<NvrConfig.Tier> tiers = new ArrayList<>();
        List<Object> rawTiers = top.has("tiers") ? top.list("tiers")
                : List.of(java.util.Map.of("name", "general", "min-days", 30), java.util.Map.of("name", "city", "min-days", 60),
                java.util.Map.of("name", "key-area", "min-days", 90));
        if (!top.has("tiers")) {
            top.raw("tiers");
        }
        if (rawTiers.isEmpty()) {
            throw new ConfigException("tiers", "tiers: must define at least one tier, e.g. [{name: general, min-days: 30}]");
        }
        Set<String> tierNames = new HashSet<>();
        for (int i = 0; i < rawTiers.size(); i++) {
            YamlSection t = YamlSection.of("tiers[" + i + "]", rawTiers.get(i));
            String name = t.string("name", null, NAME, "1-32 letters, digits, - or _");
            int min = (int) t.integer("min-days", null, 1, 3650);
            int max = (int) t.integer("max-days", 0L, 0, 36500);
            if (max != 0 && max < min) {
                throw new ConfigException(t.child("max-days"), t.child("max-days") + ": " + max
                        + " is below min-days " + min + "; allowed: 0 (no maximum) or >= min-days");
            }
            if (!tierNames.add(name)) {
                throw new ConfigException(t.child("name"), t.child("name") + ": tier " + YamlSection.quote(name) + " is defined twice");
            }
            t.rejectUnknown();
            tiers.add(new NvrConfig.Tier(name, min, max));
        }
        String defaultTier = top.string("default-tier", tiers.get(0).name(), NAME, "the name of a tier");
        if (!tierNames.contains(defaultTier)) {
            throw new ConfigException("default-tier", "default-tier: " + YamlSection.quote(defaultTier)
                    + " is not a tier; allowed: " + String.join(" | ", tierNames));
        }

        List<NvrConfig.Camera> cameras = new ArrayList<>();
        Set<String> cameraIds = new HashSet<>();
        Set<Integer> cameraPorts = new HashSet<>();
        List<Object> rawCams = top.list("cameras");
        for (int i = 0; i < rawCams.size(); i++) {
            YamlSection c = YamlSection.of("cameras[" + i + "]", rawCams.get(i));
            String id = c.string("id", null, CAMERA_ID, "a quoted camera id (20-digit GB/T 28181 id; letters, digits, - and _)");
            String name = c.string("name", id, ANY_TEXT, "1-200 printable characters");
            String tier = c.string("tier", defaultTier, NAME, "the name of a tier");
            if (!tierNames.contains(tier)) {
                throw new ConfigException(c.child("tier"), c.child("tier") + ": " + YamlSection.quote(tier)
                        + " is not a tier; allowed: " + String.join(" | ", tierNames));
            }
            int port = (int) c.integer("port", null, 1024, 65535);
            String transport = c.choice("transport", "udp", "udp", "tcp-passive");
            Long ssrc = c.has("ssrc") ? c.integer("ssrc", null, 0, 0xFFFF_FFFFL) : null;
            c.raw("ssrc");
            String location = c.string("location", "", null, "text");
            if (!cameraIds.add(id)) {
                throw new ConfigException(c.child("id"), c.child("id") + ": camera " + YamlSection.quote(id) + " is listed twice");
            }
            if (!cameraPorts.add(port) || port == sip.port()) {
                throw new ConfigException(c.child("port"), c.child("port") + ": " + port
                        + " is already used by another camera or SIP; allowed: a port of its own");
            }
            c.rejectUnknown();
            cameras.add(new NvrConfig.Camera(id, name, tier, port, transport, ssrc, location));
        }

        List<NvrConfig.Device> devices = new ArrayList<>();
        List<Object> rawDevs = top.list("devices");
        for (int i = 0; i < rawDevs.size(); i++) {
            YamlSection d = YamlSection.of("devices[" + i + "]", rawDevs.get(i));
            String id = d.string("id", null, GB_ID, "a quoted 20-digit GB/T 28181 device id");
            String password = d.string("password", null, PASSWORD, "1-128 printable characters");
            d.rejectUnknown();
            devices.add(new NvrConfig.Device(id, password));
        }

        List<NvrConfig.Upstream> upstream = new ArrayList<>();
        List<Object> rawUp = top.list("upstream");
        for (int i = 0; i < rawUp.size(); i++) {
            YamlSection u = YamlSection.of("upstream[" + i + "]", rawUp.get(i));
            upstream.add(new NvrConfig.Upstream(
                    u.string("id", null, GB_ID, "a quoted 20-digit GB/T 28181 platform id"),
                    u.string("domain", null, DOMAIN, "a quoted 10-digit GB/T 28181 domain"),
                    u.string("host", null, HOST, "the platform's IP address or host name"),
                    (int) u.integer("port", 5060L, 1, 65535),
                    u.string("password", null, PASSWORD, "1-128 printable characters"),
                    (int) u.integer("register-seconds", 3600L, 60, 86_400),
                    (int) u.integer("keepalive-seconds", 60L, 5, 3600)));
            u.rejectUnknown();
        }

        YamlSection lg = top.section("log");
        NvrConfig.Log log = new NvrConfig.Log(lg.choice("level", "info", "debug", "info", "warning", "error"));
        lg.rejectUnknown();
        top.rejectUnknown();
        return new NvrConfig(null, storage, sip, media, new NvrConfig.Admin(adminHost, adminPort), retention, List.copyOf(tiers),
                defaultTier, List.copyOf(cameras), List.copyOf(devices), List.copyOf(upstream), log);
    }

    private static boolean isLoopback(String host) {
        if (host.equals("localhost")) {
            return true;
        }
        if (!host.matches("[0-9.]+|[0-9A-Fa-f:]+")) {
            return false; // never resolve names here: a config must not depend on DNS
        }
        try {
            return InetAddress.getByName(host).isLoopbackAddress();
        } catch (IOException e) {
            return false;
        }
    }

    private static String oneLine(String s) {
        String t = s.replaceAll("\\s+", " ").trim();
        return t.length() > 200 ? t.substring(0, 200) + "..." : t;
    }
}
