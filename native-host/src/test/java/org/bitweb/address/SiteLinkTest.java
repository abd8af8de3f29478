package org.bitweb.address;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What a user may paste: links, labels and magnets, for immutable and key sites. */
class SiteLinkTest {
    static final String KEY_HEX = "77ff84905a91936367c01360803104f92432fcd904a43511876df5cdf3e7e548";
    static final byte[] KEY = HexFormat.of().parseHex(KEY_HEX);
    static final String IH = "0123456789abcdef0123456789abcdef01234567";

    @Test
    void aKeyMagnetIsTheKeySite() {
        SiteLink link = SiteLink.parse("magnet:?xs=urn:btpk:" + KEY_HEX);
        assertEquals(SiteAddress.publicKey(KEY), link.site());
        assertEquals("/", link.path());
        assertEquals("magnet:?xs=urn:btpk:" + KEY_HEX, SiteLink.magnet(link.site()));
    }

    @Test
    void aKeyMagnetWithASaltIsTheSaltedSiteInAnyOrder() {
        String salt = HexFormat.of().formatHex("blog".getBytes(StandardCharsets.US_ASCII));
        SiteAddress expected = SiteAddress.publicKey(KEY, "blog".getBytes(StandardCharsets.US_ASCII));
        assertEquals(expected, SiteLink.parse("magnet:?xs=urn:btpk:" + KEY_HEX + "&s=" + salt).site());
        assertEquals(expected, SiteLink.parse("magnet:?s=" + salt.toUpperCase() + "&xs=urn:btpk:" + KEY_HEX).site());
        assertTrue(expected.url().startsWith("http://blog."), expected.url());
        assertEquals(expected, SiteLink.parse(SiteLink.magnet(expected)).site());
        // an empty salt is no salt
        assertEquals(SiteAddress.publicKey(KEY), SiteLink.parse("magnet:?xs=urn:btpk:" + KEY_HEX + "&s=").site());
    }

    @Test
    void badSaltsAreRefusedWithTheReason() {
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> SiteLink.parse("magnet:?xs=urn:btpk:" + KEY_HEX + "&s=zz")).getMessage().contains("hex"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> SiteLink.parse("magnet:?xt=urn:btih:" + IH + "&s=00")).getMessage().contains("key"));
        String tooLong = "ff".repeat(40);
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> SiteLink.parse("magnet:?xs=urn:btpk:" + KEY_HEX + "&s=" + tooLong)).getMessage().contains("host name"));
        assertThrows(IllegalArgumentException.class, () -> SiteLink.parse("magnet:?xs=urn:btpk:" + KEY_HEX.substring(2)));
    }

    @Test
    void httpLinksOfKeySitesWithAndWithoutSalt() {
        SiteAddress plain = SiteAddress.publicKey(KEY);
        assertEquals(plain, SiteLink.parse(plain.url() + "a/b.html").site());
        assertEquals("/a/b.html", SiteLink.parse(plain.url() + "a/b.html?x=1#top").path());
        SiteAddress salted = SiteAddress.publicKey(KEY, "photos".getBytes(StandardCharsets.US_ASCII));
        assertEquals(salted, SiteLink.parse("http://" + salted.label() + ".bitweb.localhost:47800/x").site());
        assertEquals(salted, SiteLink.parse(salted.label()).site(), "a bare host part");
    }

    @Test
    void infohashMagnetsKeepTheirPeers() {
        SiteLink link = SiteLink.parse("magnet:?xt=urn:btih:" + IH + "&x.pe=198.18.0.5:6881");
        assertEquals(new SiteAddress(SiteAddress.Kind.INFOHASH, IH), link.site());
        assertEquals(1, link.peers().size());
    }
}
