package nvr.gb28181.sip;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * RFC 2617 Digest with MD5 and qop=auth as GB/T 28181 devices implement it.
 * Server side: {@link #newNonce}/{@link #nonceAgeMs} make stateless, expiring nonces
 * ({@code hex(time) + hex(md5(time:secret))}) so no table of issued nonces can be flooded.
 * Client side: {@link #answer} builds the Authorization for a challenge.
 */
public final class DigestAuth {
    private static final HexFormat HEX = HexFormat.of();
    private final byte[] secret = new byte[16];
    private final SecureRandom random = new SecureRandom();

    public DigestAuth() {
        random.nextBytes(secret);
    }

    public static String md5Hex(String s) {
        try {
            return HEX.formatHex(MessageDigest.getInstance("MD5").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("MD5 missing from the JDK", e);
        }
    }

    /** The expected response for these credentials given the password and request method. */
    public static String expectedResponse(DigestCredentials c, String method, String password) {
        String ha1 = md5Hex(c.username() + ":" + c.realm() + ":" + password);
        String ha2 = md5Hex(method + ":" + c.uri());
        if (c.qop() != null && !c.qop().isEmpty()) {
            return md5Hex(ha1 + ":" + c.nonce() + ":" + c.nc() + ":" + c.cnonce() + ":" + c.qop() + ":" + ha2);
        }
        return md5Hex(ha1 + ":" + c.nonce() + ":" + ha2);
    }

    /** Constant-time check of the response (case-insensitive hex). */
    public static boolean verify(DigestCredentials c, String method, String password) {
        if (c.qop() != null && !c.qop().isEmpty() && (c.nc() == null || c.cnonce() == null)) {
            return false;
        }
        byte[] want = expectedResponse(c, method, password).getBytes(StandardCharsets.US_ASCII);
        byte[] got = c.response().toLowerCase(java.util.Locale.ROOT).getBytes(StandardCharsets.US_ASCII);
        return MessageDigest.isEqual(want, got);
    }

    public String newNonce(long nowMs) {
        String t = Long.toHexString(nowMs);
        return t + md5Hex(t + ":" + HEX.formatHex(secret)).substring(0, 24);
    }

    /** Age of a nonce we issued, or -1 when it is not one of ours (forged or from before a restart). */
    public long nonceAgeMs(String nonce, long nowMs) {
        if (nonce == null || nonce.length() < 25 || nonce.length() > 40) {
            return -1;
        }
        String t = nonce.substring(0, nonce.length() - 24);
        String mac = md5Hex(t + ":" + HEX.formatHex(secret)).substring(0, 24);
        if (!MessageDigest.isEqual(mac.getBytes(StandardCharsets.US_ASCII),
                nonce.substring(nonce.length() - 24).getBytes(StandardCharsets.US_ASCII))) {
            return -1;
        }
        try {
            long issued = Long.parseLong(t, 16);
            return issued > nowMs ? -1 : nowMs - issued;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    public String newOpaque() {
        byte[] b = new byte[8];
        random.nextBytes(b);
        return HEX.formatHex(b);
    }

    /** Client side: answers a challenge for (method, uri) with qop=auth when offered. */
    public DigestCredentials answer(DigestChallenge ch, String username, String password, String method, String uri,
                                    int nonceCount) {
        boolean qop = ch.offersAuthQop();
        String nc = qop ? String.format("%08x", nonceCount) : null;
        String cnonce = null;
        if (qop) {
            byte[] b = new byte[8];
            random.nextBytes(b);
            cnonce = HEX.formatHex(b);
        }
        DigestCredentials unsigned = new DigestCredentials(username, ch.realm(), ch.nonce(), uri, "", "MD5",
                qop ? "auth" : null, nc, cnonce, ch.opaque());
        String resp = expectedResponse(unsigned, method, password);
        return new DigestCredentials(username, ch.realm(), ch.nonce(), uri, resp, "MD5", qop ? "auth" : null, nc,
                cnonce, ch.opaque());
    }
}
