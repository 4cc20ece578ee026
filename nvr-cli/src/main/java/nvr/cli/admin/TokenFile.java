package nvr.cli.admin;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * The admin API's bearer token: 32 random bytes, hex, in {@code <first data root>/admin.token}, readable
 * by the owner only. Whoever can read the data root may administer the NVR; nobody else can.
 */
public final class TokenFile {
    public static final String NAME = "admin.token";

    private TokenFile() {
    }

    public static Path path(Path firstRoot) {
        return firstRoot.resolve(NAME);
    }

    /** Writes a fresh token (atomically, mode 600) and returns it. */
    public static String create(Path firstRoot) throws IOException {
        byte[] b = new byte[32];
        new SecureRandom().nextBytes(b);
        String token = HexFormat.of().formatHex(b);
        Path tmp = firstRoot.resolve(NAME + ".tmp");
        Files.deleteIfExists(tmp);
        try {
            Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException e) {
            Files.createFile(tmp);
        }
        Files.writeString(tmp, token + "\n", StandardCharsets.US_ASCII);
        Files.move(tmp, path(firstRoot), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return token;
    }

    /** The token, or null when no server has ever started on this data root. */
    public static String read(Path firstRoot) throws IOException {
        try {
            String t = Files.readString(path(firstRoot), StandardCharsets.US_ASCII).trim();
            return t.isEmpty() ? null : t;
        } catch (NoSuchFileException e) {
            return null;
        }
    }
}
