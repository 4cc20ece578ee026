package nvr.playback.export;

/** Outcome of {@link Mp4Exporter#verify}: ok when the file's SHA-256 and size match its manifest. */
public record VerifyResult(boolean ok, String expectedSha256, String actualSha256, String message) {
}
