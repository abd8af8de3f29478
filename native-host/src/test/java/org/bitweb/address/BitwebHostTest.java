package org.bitweb.address;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Locale;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Reading the site out of a Host header, in the two forms that reach the gateway. */
class BitwebHostTest {
    static final String HEX = "0123456789abcdef0123456789abcdef01234567";
    static final SiteAddress SITE = SiteAddress.parseLabel(HEX);

    @Test
    void proxyFormNamesTheSite() {
        BitwebHost host = BitwebHost.parse(HEX + ".bitweb").orElseThrow();
        assertEquals(SITE, host.site());
        assertFalse(host.subdomain());
        assertTrue(host.isCanonical());
    }

    @Test
    void proxyFormWithAPortStillNamesTheSite() {
        assertEquals(SITE, BitwebHost.parse(HEX + ".bitweb:80").orElseThrow().site());
    }

    @Test
    void subdomainFormWithAPortNamesTheSite() {
        BitwebHost host = BitwebHost.parse(HEX + ".bitweb.localhost:47800").orElseThrow();
        assertEquals(SITE, host.site());
        assertTrue(host.subdomain());
        assertEquals(HEX, host.label());
    }

    @Test
    void aTrailingDotIsTheSameHost() {
        assertEquals(SITE, BitwebHost.parse(HEX + ".bitweb.").orElseThrow().site());
        assertEquals(SITE, BitwebHost.parse(HEX + ".bitweb.localhost.:8080").orElseThrow().site());
    }

    @Test
    void upperCaseHostsAreTheSameSiteButNotTheCanonicalSpelling() {
        BitwebHost host = BitwebHost.parse(HEX.toUpperCase(Locale.ROOT) + ".BITWEB").orElseThrow();
        assertEquals(SITE, host.site());
        // labels are lowercased on the way in, so this one is canonical once read
        assertTrue(host.isCanonical());
        BitwebHost base32 = BitwebHost.parse(Base32.encode(SITE.bytes()) + ".bitweb").orElseThrow();
        assertEquals(SITE, base32.site());
        assertFalse(base32.isCanonical(), "base32 spelling of an infohash redirects to the hex label");
    }

    @ParameterizedTest(name = "not a bitweb host: \"{0}\"")
    @ValueSource(strings = {"example.com", "localhost", "localhost:47800", "127.0.0.1:47800", "bitweb",
            "bitweb.localhost", "notbitweb", "x.bitweb.example.com", "x.bitwebx", "[::1]", "[::1]:47800",
            "[fe80::1%eth0]:80", "", "   "})
    void foreignHostsAreNotBitwebHosts(String host) {
        assertEquals(Optional.empty(), BitwebHost.parse(host));
    }

    @Test
    void noHostIsNotABitwebHost() {
        assertEquals(Optional.empty(), BitwebHost.parse(null));
    }

    @ParameterizedTest(name = "bitweb host but no site: \"{0}\"")
    @ValueSource(strings = {"a.b.bitweb", "www." + HEX + ".bitweb", ".bitweb", "nope.bitweb",
            "a.b.bitweb.localhost:1", HEX + "0.bitweb"})
    void aBitwebHostWithoutOneValidLabelIsAnErrorNamingTheHost(String host) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> BitwebHost.parse(host));
        assertTrue(e.getMessage().contains(host) || e.getMessage().contains(host.split("\\.")[0]), e.getMessage());
    }
}
