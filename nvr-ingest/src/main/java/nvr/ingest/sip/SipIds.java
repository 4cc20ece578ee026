package nvr.ingest.sip;

import java.security.SecureRandom;
import java.util.HexFormat;

/** Random identifiers: Via branches (with the RFC 3261 magic cookie), tags and Call-IDs. */
final class SipIds {
    private static final SecureRandom RANDOM = new SecureRandom();

    private SipIds() {
    }

    static String hex(int bytes) {
        byte[] b = new byte[bytes];
        RANDOM.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    static String branch() {
        return nvr.gb28181.sip.Via.MAGIC_COOKIE + hex(8);
    }

    static String tag() {
        return hex(5);
    }

    static String callId() {
        return hex(12);
    }
}
