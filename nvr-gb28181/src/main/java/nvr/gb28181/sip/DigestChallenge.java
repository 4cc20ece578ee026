package nvr.gb28181.sip;

import java.util.Map;
import nvr.gb28181.WireFormatException;

/** A WWW-Authenticate Digest challenge (RFC 2617): realm, nonce, optional opaque/qop/algorithm/stale. */
public record DigestChallenge(String realm, String nonce, String opaque, String qop, String algorithm, boolean stale) {
    public static DigestChallenge parse(String header) throws WireFormatException {
        Map<String, String> p = DigestParams.parse(header);
        String realm = p.get("realm");
        String nonce = p.get("nonce");
        if (realm == null || nonce == null) {
            throw new WireFormatException("sip", "digest challenge without realm or nonce");
        }
        return new DigestChallenge(realm, nonce, p.get("opaque"), p.get("qop"), p.get("algorithm"),
                "true".equalsIgnoreCase(p.get("stale")));
    }

    /** True when the server offers qop=auth (possibly among others). */
    public boolean offersAuthQop() {
        if (qop == null) {
            return false;
        }
        for (String q : qop.split(",")) {
            if (q.trim().equalsIgnoreCase("auth")) {
                return true;
            }
        }
        return false;
    }

    public String toHeader() {
        StringBuilder b = new StringBuilder("Digest realm=\"").append(realm).append("\", nonce=\"").append(nonce).append('"');
        if (opaque != null) {
            b.append(", opaque=\"").append(opaque).append('"');
        }
        if (qop != null) {
            b.append(", qop=\"").append(qop).append('"');
        }
        b.append(", algorithm=").append(algorithm == null ? "MD5" : algorithm);
        if (stale) {
            b.append(", stale=TRUE");
        }
        return b.toString();
    }
}
