package org.bitweb.address;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Salted key sites: one host name, one origin, per (key, salt). */
class SaltLabelTest {
    static final byte[] KEY = HexFormat.of().parseHex("77ff84905a91936367c01360803104f92432fcd904a43511876df5cdf3e7e548");
    static final String KEY_LABEL = Base32.encode(KEY);

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    @Test
    void aSaltThatIsALabelIsWrittenAsItIs() {
        SiteAddress site = SiteAddress.publicKey(KEY, ascii("blog"));
        assertEquals("blog." + KEY_LABEL, site.label());
        assertEquals("http://blog." + KEY_LABEL + ".bitweb/", site.url());
        assertEquals(KEY_LABEL, site.keyLabel());
        assertEquals(site, SiteAddress.parseHostPart(site.label()));
        BitwebHost host = BitwebHost.parse("blog." + KEY_LABEL + ".bitweb.localhost:47800").orElseThrow();
        assertEquals(site, host.site());
        assertTrue(host.isCanonical());
    }

    @Test
    void otherSaltsAreBase32AfterAReservedPrefix() {
        for (String text : new String[] {"Blog", "foobar!", "-x", "x-", "ab--cd", "a.b", "\u00e9t\u00e9"}) {
            byte[] salt = text.getBytes(StandardCharsets.UTF_8);
            String label = SaltLabel.encode(salt);
            assertTrue(label.startsWith("bw--"), label);
            assertArrayEquals(salt, SaltLabel.decode(label));
            assertArrayEquals(salt, SiteAddress.parseHostPart(label + "." + KEY_LABEL).salt());
        }
        byte[] binary = new byte[36];
        binary[3] = (byte) 0xff;
        assertEquals(62, SaltLabel.encode(binary).length());
        assertThrows(IllegalArgumentException.class, () -> SaltLabel.encode(new byte[37]));
        assertEquals(63, SaltLabel.encode(ascii("a".repeat(63))).length());
        assertThrows(IllegalArgumentException.class, () -> SiteAddress.publicKey(KEY, ascii("a".repeat(64))));
    }

    @Test
    void anEncodedSpellingOfAPlainSaltIsTheSameSiteButNotCanonical() {
        String encoded = "bw--" + Base32.encode(ascii("blog"));
        BitwebHost host = BitwebHost.parse(encoded + "." + KEY_LABEL + ".bitweb").orElseThrow();
        assertEquals(SiteAddress.publicKey(KEY, ascii("blog")), host.site());
        assertFalse(host.isCanonical(), "redirected to blog.<key>.bitweb");
    }

    @Test
    void noSaltIsTheKeysOwnSite() {
        assertEquals(SiteAddress.publicKey(KEY), SiteAddress.publicKey(KEY, new byte[0]));
        assertEquals(KEY_LABEL, SiteAddress.publicKey(KEY, null).label());
        assertFalse(SiteAddress.publicKey(KEY).hasSalt());
    }

    @Test
    void badSaltedHostsAreRefused() {
        String ih = "0123456789abcdef0123456789abcdef01234567";
        for (String host : new String[] {"blog." + ih + ".bitweb", "ab--cd." + KEY_LABEL + ".bitweb",
                "-x." + KEY_LABEL + ".bitweb", "bw--1." + KEY_LABEL + ".bitweb", "a.b." + KEY_LABEL + ".bitweb",
                "bw--." + KEY_LABEL + ".bitweb"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> BitwebHost.parse(host), host);
            assertTrue(e.getMessage().contains(host), e.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> new SiteAddress(SiteAddress.Kind.INFOHASH, ih, "00"));
    }
}
