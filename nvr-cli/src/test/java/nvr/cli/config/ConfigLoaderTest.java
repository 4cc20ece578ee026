package nvr.cli.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ConfigLoaderTest {
    static final Path DEFAULT = Path.of("..", "config", "nvr.yaml");
    static final Path BASE = Path.of("/srv/nvr");

    static NvrConfig parse(String yaml) throws ConfigException {
        return ConfigLoader.parse("t.yaml", yaml.getBytes(StandardCharsets.UTF_8), BASE);
    }

    @Test
    void defaultConfigLoadsWithContractDefaults() throws Exception {
        NvrConfig c = ConfigLoader.load(DEFAULT);
        assertEquals(List.of(DEFAULT.toAbsolutePath().normalize().getParent().resolve("data")), c.storage().roots());
        assertEquals(60, c.storage().segmentMaxSeconds());
        assertEquals(1000, c.storage().fsyncMs());
        assertEquals("34020000002000000001", c.sip().id());
        assertEquals("3402000000", c.sip().domain());
        assertEquals(5060, c.sip().port());
        assertEquals(30000, c.media().portMin());
        assertEquals(30999, c.media().portMax());
        assertEquals("127.0.0.1", c.admin().host());
        assertEquals(8080, c.admin().port());
        assertEquals(List.of(new NvrConfig.Tier("general", 30, 0), new NvrConfig.Tier("city", 60, 0),
                new NvrConfig.Tier("key-area", 90, 0)), c.tiers());
        assertEquals("general", c.defaultTier());
        assertTrue(c.cameras().isEmpty());
        assertTrue(c.upstream().isEmpty());
    }

    @Test
    void emptyFileMeansAllDefaults() throws Exception {
        NvrConfig c = parse("");
        assertEquals(List.of(BASE.resolve("data")), c.storage().roots());
        assertEquals(3, c.tiers().size());
    }

    @Test
    void designExampleCamerasAndUpstreamParse() throws Exception {
        NvrConfig c = parse("""
                cameras:
                  - {id: "34020000001320000001", name: "gate", tier: general, port: 30000, transport: udp}
                  - {id: "34020000001320000002", tier: city, port: 30002, transport: tcp-passive, ssrc: 100000001, location: "north door"}
                upstream:
                  - {id: "34020000002000000009", domain: "3402000000", host: "127.0.0.1", port: 5061, password: "x"}
                storage: {roots: [/abs/one, rel/two]}
                """);
        assertEquals(2, c.cameras().size());
        assertEquals(new NvrConfig.Camera("34020000001320000002", "34020000001320000002", "city", 30002, "tcp-passive",
                100000001L, "north door"), c.cameras().get(1));
        assertEquals(5061, c.upstream().get(0).port());
        assertEquals(List.of(Path.of("/abs/one"), BASE.resolve("rel/two")), c.storage().roots());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "storage: {rootz: [data]}                               | storage.rootz     | unknown key",
            "colour: blue                                           | colour            | unknown key",
            "sip: {port: 70000}                                     | sip.port          | 1..65535",
            "sip: {port: \"5060\"}                                  | sip.port          | integer",
            "sip: {id: 34020000002000000001}                        | sip.id            | quote",
            "sip: {id: \"1234\"}                                    | sip.id            | 20-digit",
            "media: {port-range: \"40000-30000\"}                   | media.port-range  | LOW <= HIGH",
            "media: {port-range: 30000}                             | media.port-range  | LOW-HIGH",
            "admin: {listen: \"0.0.0.0:8080\"}                      | admin.listen      | loopback",
            "storage: {fsync-ms: 0}                                 | storage.fsync-ms  | 10..60000",
            "storage: {roots: []}                                   | storage.roots     | at least one",
            "storage: [1, 2]                                        | storage           | mapping",
            "default-tier: gold                                     | default-tier      | general",
            "tiers: [{name: a, min-days: 10, max-days: 5}]          | tiers[0].max-days | min-days",
            "tiers: [{name: a}]                                     | tiers[0].min-days | required",
            "cameras: [{id: \"c1\", port: 30000, transport: rtsp}]  | cameras[0].transport | udp | tcp-passive",
            "cameras: [{id: \"c1\"}]                                | cameras[0].port   | required",
            "cameras: [{id: \"c1\", port: 30000, tier: gold}]       | cameras[0].tier   | not a tier",
            "cameras: [{id: \"c/../x\", port: 30000}]               | cameras[0].id     | allowed",
            "cameras: [{id: c1, port: 30000}, {id: c2, port: 30000}] | cameras[1].port  | already used",
            "upstream: [{id: \"34020000002000000009\"}]             | upstream[0].domain | required",
            "retention: {policy: yolo}                              | retention.policy  | protect | overwrite-oldest",
            "log: {level: chatty}                                   | log.level         | info",
    })
    void badValuesNameTheKeyAndWhatIsAllowed(String yaml, String key, String allowed) {
        ConfigException e = assertThrows(ConfigException.class, () -> parse(yaml.trim()));
        assertEquals(key.trim(), e.keyPath(), e.getMessage());
        assertTrue(e.getMessage().startsWith("t.yaml: " + key.trim() + ": "), e.getMessage());
        assertTrue(e.getMessage().contains(allowed.trim()), e.getMessage());
        assertFalse(e.getMessage().contains("\n"));
    }

    @Test
    void yamlSyntaxErrorsGiveLineAndColumn() {
        ConfigException e = assertThrows(ConfigException.class, () -> parse("sip:\n  port: [5060\nmedia: {}\n"));
        assertTrue(e.getMessage().matches("t\\.yaml: line \\d+, column \\d+: invalid YAML: .*"), e.getMessage());
        e = assertThrows(ConfigException.class, () -> parse("sip: {port: 1}\nsip: {port: 2}\n"));
        assertTrue(e.getMessage().contains("duplicate key"), e.getMessage());
    }

    @Test
    void arbitraryTypesAreNeverConstructed() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> parse("sip: !!javax.script.ScriptEngineManager [!!java.net.URLClassLoader [[!!java.net.URL [\"http://x\"]]]]"));
        assertTrue(e.getMessage().contains("invalid YAML"), e.getMessage());
    }

    @Test
    void billionLaughsIsRefused() {
        StringBuilder y = new StringBuilder("a: &a [x,x,x,x,x,x,x,x,x]\n");
        for (char c = 'b'; c <= 'k'; c++) {
            char p = (char) (c - 1);
            y.append(c).append(": &").append(c).append(" [*").append(p).append(",*").append(p).append(",*").append(p)
                    .append(",*").append(p).append(",*").append(p).append(",*").append(p).append(",*").append(p).append("]\n");
        }
        assertThrows(ConfigException.class, () -> parse(y.toString()));
    }

    @Test
    void missingFileSaysWhatToDo() {
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(Path.of("/nonexistent/nvr.yaml")));
        assertTrue(e.getMessage().contains("--config"), e.getMessage());
    }

    @Test
    void everyKeyOfTheShippedConfigIsDocumented() throws Exception {
        // Each "key: value" line of config/nvr.yaml carries a one-line comment.
        for (String line : Files.readAllLines(DEFAULT)) {
            String t = line.trim();
            if (t.isEmpty() || t.startsWith("#") || t.startsWith("- {")) {
                continue;
            }
            assertTrue(t.contains("#"), "undocumented line in config/nvr.yaml: " + line);
        }
    }
}
