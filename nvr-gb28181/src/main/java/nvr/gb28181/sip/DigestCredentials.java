package nvr.gb28181.sip;

import java.util.Map;
import nvr.gb28181.WireFormatException;

/** An Authorization Digest header (RFC 2617 3.2.2). {@code qop}, {@code nc}, {@code cnonce} are null without qop. */
public record DigestCredentials(String username, String realm, String nonce, String uri, String response,
                                String algorithm, String qop, String nc, String cnonce, String opaque) {
    public static DigestCredentials parse(String header) throws WireFormatException {
        Map<String, String> p = DigestParams.parse(header);
        String[] required = {"username", "realm", "nonce", "uri", "response"};
        for (String r : required) {
            if (p.get(r) == null) {
                throw new WireFormatException("sip", "Authorization without " + r);
            }
        }
        return new DigestCredentials(p.get("username"), p.get("realm"), p.get("nonce"), p.get("uri"),
                p.get("response"), p.get("algorithm"), p.get("qop"), p.get("nc"), p.get("cnonce"), p.get("opaque"));
    }

    public String toHeader() {
        StringBuilder b = new StringBuilder("Digest username=\"").append(username).append("\", realm=\"").append(realm)
                .append("\", nonce=\"").append(nonce).append("\", uri=\"").append(uri).append("\", response=\"")
                .append(response).append('"');
        b.append(", algorithm=").append(algorithm == null ? "MD5" : algorithm);
        if (qop != null) {
            b.append(", qop=").append(qop).append(", nc=").append(nc).append(", cnonce=\"").append(cnonce).append('"');
        }
        if (opaque != null) {
            b.append(", opaque=\"").append(opaque).append('"');
        }
        return b.toString();
    }
}
