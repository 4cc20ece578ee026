package nvr.gb28181.sip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class DigestAuthTest {
    @Test
    void rfc2617Vector() throws Exception {
        // RFC 2617 section 3.5 example (method GET, qop=auth).
        DigestCredentials c = DigestCredentials.parse("Digest username=\"Mufasa\", realm=\"testrealm@host.com\", "
                + "nonce=\"dcd98b7102dd2f0e8b11d0f600bfb0c093\", uri=\"/dir/index.html\", qop=auth, nc=00000001, "
                + "cnonce=\"0a4f113b\", response=\"6629fae49393a05397450978507c4ef1\", opaque=\"5ccc069c403ebaf9f0171e9517f40e41\"");
        assertEquals("6629fae49393a05397450978507c4ef1", DigestAuth.expectedResponse(c, "GET", "Circle Of Life"));
        assertTrue(DigestAuth.verify(c, "GET", "Circle Of Life"));
        assertFalse(DigestAuth.verify(c, "GET", "circle of life"));
    }

    @Test
    void clientAnswerVerifiesOnServerAndNoncesExpire() throws Exception {
        DigestAuth server = new DigestAuth();
        long now = 1_000_000;
        DigestChallenge ch = DigestChallenge.parse(new DigestChallenge("3402000000", server.newNonce(now), null, "auth", "MD5",
                false).toHeader());
        assertTrue(ch.offersAuthQop());
        DigestCredentials c = new DigestAuth().answer(ch, "34020000001320000001", "12345678", "REGISTER",
                "sip:34020000002000000001@3402000000", 1);
        DigestCredentials parsed = DigestCredentials.parse(c.toHeader());
        assertTrue(DigestAuth.verify(parsed, "REGISTER", "12345678"));
        assertEquals(5_000, server.nonceAgeMs(parsed.nonce(), now + 5_000));
        assertEquals(-1, new DigestAuth().nonceAgeMs(parsed.nonce(), now)); // another server's secret
        assertEquals(-1, server.nonceAgeMs(parsed.nonce().replace('0', '1'), now));
    }

    @Test
    void withoutQopUsesRfc2069Form() {
        DigestCredentials c = new DigestAuth().answer(new DigestChallenge("r", "n", null, null, "MD5", false), "u", "p",
                "REGISTER", "sip:x@y", 1);
        assertEquals(null, c.qop());
        assertTrue(DigestAuth.verify(c, "REGISTER", "p"));
    }
}
