package nvr.playback.export;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import nvr.storage.Gap;
import nvr.storage.json.JsonText;

/**
 * {@code FILE.mp4.sha256.json}: what an export contains and the hashes to check it by. Written by hand
 * (no JSON library is allowed); read back only for the fields {@link Mp4Exporter#verify} needs.
 */
final class ExportManifest {
    static final String SUFFIX = ".sha256.json";
    private static final Pattern FILE_SHA = Pattern.compile("\"fileSha256\"\\s*:\\s*\"([0-9a-f]{64})\"");
    private static final Pattern FILE_BYTES = Pattern.compile("\"fileBytes\"\\s*:\\s*(\\d{1,19})");

    private ExportManifest() {
    }

    static Path pathFor(Path mp4) {
        return mp4.resolveSibling(mp4.getFileName() + SUFFIX);
    }

    static String toJson(String camera, long fromMs, long toMs, String who, long exportedAtMs, ExportResult r) {
        StringBuilder b = new StringBuilder(1024);
        b.append("{\n");
        field(b, "file", r.mp4().getFileName().toString()).append(",\n");
        b.append("  \"fileBytes\": ").append(r.bytes()).append(",\n");
        field(b, "fileSha256", r.sha256()).append(",\n");
        field(b, "camera", camera).append(",\n");
        b.append("  \"fromMs\": ").append(fromMs).append(",\n");
        b.append("  \"toMs\": ").append(toMs).append(",\n");
        b.append("  \"firstFrameMs\": ").append(r.firstFrameMs()).append(",\n");
        b.append("  \"lastFrameMs\": ").append(r.lastFrameMs()).append(",\n");
        b.append("  \"frames\": ").append(r.frames()).append(",\n");
        field(b, "codec", r.codec().name()).append(",\n");
        b.append("  \"width\": ").append(r.width()).append(",\n");
        b.append("  \"height\": ").append(r.height()).append(",\n");
        if (r.audio() != null) { // only with a sound track: a video-only export's manifest is as before
            field(b, "audioCodec", r.audio().name()).append(",\n");
            b.append("  \"audioFrames\": ").append(r.audioFrames()).append(",\n");
        }
        field(b, "exportedBy", who).append(",\n");
        b.append("  \"exportedAtMs\": ").append(exportedAtMs).append(",\n");
        b.append("  \"segments\": [");
        for (int i = 0; i < r.segments().size(); i++) {
            ExportResult.SegmentHash s = r.segments().get(i);
            b.append(i == 0 ? "\n" : ",\n").append("    {\"file\": ").append(JsonText.quote(s.file()))
                .append(", \"startMs\": ").append(s.startMs()).append(", \"endMs\": ").append(s.endMs())
                .append(", \"bytes\": ").append(s.bytes()).append(", \"sha256\": ").append(JsonText.quote(s.sha256())).append('}');
        }
        b.append(r.segments().isEmpty() ? "],\n" : "\n  ],\n");
        b.append("  \"gaps\": [");
        for (int i = 0; i < r.gaps().size(); i++) {
            Gap g = r.gaps().get(i);
            b.append(i == 0 ? "" : ", ").append("{\"startMs\": ").append(g.startMs()).append(", \"endMs\": ")
                .append(g.endMs()).append('}');
        }
        b.append("]\n}\n");
        return b.toString();
    }

    private static StringBuilder field(StringBuilder b, String name, String value) {
        return b.append("  \"").append(name).append("\": ").append(JsonText.quote(value));
    }

    /** The recorded file hash and size, or null when the manifest lacks them. */
    static String[] readFileHash(Path manifest) throws IOException {
        if (Files.size(manifest) > (16 << 20)) {
            throw new IOException("manifest " + manifest + " is larger than 16 MiB; not an export manifest");
        }
        String json = Files.readString(manifest, StandardCharsets.UTF_8);
        Matcher sha = FILE_SHA.matcher(json);
        Matcher bytes = FILE_BYTES.matcher(json);
        if (!sha.find() || !bytes.find()) {
            return null;
        }
        return new String[] {sha.group(1), bytes.group(1)};
    }
}
