package org.bitweb.gateway;

import org.bitweb.address.SiteAddress;
import org.bitweb.gateway.RawHttp.Reply;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 12, items 2 and 4, on the real gateway: whatever a site holds and whatever is asked, no
 * response sets a cookie or carries a preload or speculation header, every response asks for an
 * agent cluster of its own and keeps DNS prefetching off, the policy allows no speculation rules
 * by keyword and no origin outside BitWeb, and speculative requests never reach the engine.
 */
class GatewayHeadersTest {
    static final SiteAddress SITE = SiteAddress.infohash(GatewayTest.bytes(20, 3));
    static final SiteAddress LOADING = SiteAddress.infohash(GatewayTest.bytes(20, 4));
    static final SiteAddress UNKNOWN = SiteAddress.infohash(GatewayTest.bytes(20, 5));

    @TempDir
    static Path dir;
    static Gateway gateway;
    static int port;
    /** Every site the gateway asked the engine to look up. */
    static final List<SiteAddress> lookedUp = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void start() throws IOException {
        Path site = Files.createDirectories(dir.resolve("site"));
        // what a hostile site may hold: markup that asks for cookies and connections, files named like headers
        Files.writeString(site.resolve("index.html"), "<!doctype html><meta http-equiv=\"Set-Cookie\" content=\"s=1; Domain=bitweb.localhost\">"
                + "<link rel=\"preconnect\" href=\"https://tracker.example\"><link rel=\"dns-prefetch\" href=\"//tracker.example\">"
                + "<script type=\"speculationrules\">{\"prefetch\":[{\"urls\":[\"https://tracker.example/\"]}]}</script>"
                + "<script>document.cookie = 'a=1; Domain=bitweb.localhost'</script>");
        Files.writeString(site.resolve("_headers"), "/*\n  Set-Cookie: s=1; Domain=bitweb.localhost\n  Link: <https://tracker.example>; rel=preconnect\n");
        Files.writeString(site.resolve("Link"), "<https://tracker.example>; rel=preconnect");
        Files.writeString(site.resolve("a\r\nSet-Cookie: s=1"), "a file whose name holds a header");
        Files.createDirectories(site.resolve("docs"));
        Files.writeString(site.resolve("docs/index.html"), "<p>docs</p>");
        byte[] big = new byte[300_000]; // past the small-file cache: sent by FileBody
        new Random(1).nextBytes(big);
        Files.write(site.resolve("big.bin"), big);
        SiteView folder = new DirectorySiteView(site, "v1");
        gateway = new Gateway(new SiteSource() {
            @Override
            public Optional<SiteView> site(SiteAddress address) {
                return address.equals(SITE) ? Optional.of(folder) : Optional.empty();
            }

            @Override
            public Lookup fetch(SiteAddress address, Duration wait, Demand demand) {
                lookedUp.add(address);
                if (address.equals(LOADING)) {
                    return new Lookup.Loading("looking for peers", 0, 0);
                }
                return SiteSource.super.fetch(address, wait, demand);
            }
        }, 0);
        gateway.start();
        port = gateway.port();
    }

    @AfterAll
    static void stop() {
        gateway.close();
    }

    private static Reply proxy(SiteAddress site, String path, String... headers) throws IOException {
        return RawHttp.proxyGet(port, site.host(), path, headers);
    }

    /** Every kind of response the gateway gives, by what was asked. */
    private static Map<String, Reply> everyKindOfResponse() throws IOException {
        String subdomain = SITE.label() + ".bitweb.localhost:" + port;
        Map<String, Reply> replies = new LinkedHashMap<>();
        replies.put("a page", proxy(SITE, "/"));
        replies.put("a page again, from memory", proxy(SITE, "/"));
        replies.put("a page with cookies sent", proxy(SITE, "/", "Cookie: s=1; a=1"));
        replies.put("a page, subdomain form", RawHttp.get(port, subdomain, "/"));
        replies.put("a page, subdomain form, from memory", RawHttp.get(port, subdomain, "/"));
        replies.put("a file named _headers", proxy(SITE, "/_headers"));
        replies.put("a file named Link", proxy(SITE, "/Link"));
        replies.put("a big file", proxy(SITE, "/big.bin"));
        replies.put("a range", proxy(SITE, "/big.bin", "Range: bytes=0-9"));
        replies.put("a range past the end", proxy(SITE, "/big.bin", "Range: bytes=999999-"));
        replies.put("not modified", proxy(SITE, "/big.bin", "If-None-Match: " + proxy(SITE, "/big.bin").header("ETag")));
        replies.put("a folder redirect with a header in its query", proxy(SITE, "/docs?x=%0d%0aSet-Cookie:%20s=1"));
        replies.put("a missing file", proxy(SITE, "/nope.html"));
        replies.put("a header in the path", proxy(SITE, "/a%0D%0ASet-Cookie:%20s=1"));
        replies.put("a traversal Jetty refuses", proxy(SITE, "/%2e%2e/secret"));
        replies.put("a POST", RawHttp.send(port, "POST", "http://" + SITE.host() + "/", "Host: " + SITE.host(), "Content-Length: 0"));
        replies.put("another host", RawHttp.get(port, "127.0.0.1:" + port, "/"));
        replies.put("a bad site address", RawHttp.get(port, "zz.bitweb.localhost:" + port, "/"));
        replies.put("a site on its way", proxy(LOADING, "/"));
        replies.put("an unknown site", proxy(UNKNOWN, "/"));
        replies.put("a prefetch", proxy(SITE, "/", "Sec-Purpose: prefetch"));
        return replies;
    }

    @Test
    void noResponseSetsACookieOrCarriesAPreloadOrSpeculationHeader() throws IOException {
        everyKindOfResponse().forEach((what, reply) -> {
            for (String header : SecurityHeaders.NEVER_SENT) {
                assertNull(reply.header(header), what + ": " + header + " " + reply.headers());
            }
        });
        // the query is sent back as it came, percent-encoded: a header line cannot be made of it
        assertEquals("/docs/?x=%0d%0aSet-Cookie:%20s=1", proxy(SITE, "/docs?x=%0d%0aSet-Cookie:%20s=1").header("Location"));
        assertEquals(200, proxy(SITE, "/Link").status(), "such files are served, as files");
    }

    @Test
    void everyResponseAsksForAnAgentClusterOfItsOwnAndNoDnsPrefetching() throws IOException {
        everyKindOfResponse().forEach((what, reply) -> {
            assertEquals("?1", reply.header("Origin-Agent-Cluster"), what);
            assertEquals("off", reply.header("X-DNS-Prefetch-Control"), what);
        });
    }

    @Test
    void thePolicyAllowsNoSpeculationRulesByKeywordAndNothingOutsideBitweb() throws IOException {
        Set<String> allowed = Set.of("'self'", "http://*.bitweb", "http://*.bitweb.localhost:" + port, "data:", "blob:",
                "'unsafe-inline'", "'unsafe-eval'", "'none'");
        everyKindOfResponse().forEach((what, reply) -> {
            String policy = reply.header("Content-Security-Policy");
            assertNotNull(policy, what);
            for (String directive : policy.split(";")) {
                List<String> tokens = new ArrayList<>(List.of(directive.trim().split("\\s+")));
                String name = tokens.remove(0);
                for (String source : tokens) {
                    assertTrue(allowed.contains(source), what + ": " + name + " allows " + source);
                }
            }
        });
    }

    @Test
    void speculativeLoadsAreRefusedAndNeverMakeTheEngineLookASiteUp() throws IOException {
        assertEquals(200, proxy(SITE, "/").status()); // in memory from now on: the fast path refuses too
        SiteAddress madeUp = SiteAddress.infohash(GatewayTest.bytes(20, 77));
        lookedUp.clear();
        for (String purpose : List.of("Sec-Purpose: prefetch", "Sec-Purpose: prefetch;prerender",
                "Sec-Purpose: prefetch;anonymous-client-ip", "Purpose: prefetch", "X-Purpose: preview", "X-Moz: prefetch")) {
            for (SiteAddress site : List.of(SITE, madeUp)) {
                Reply reply = proxy(site, "/", purpose);
                assertEquals(503, reply.status(), purpose + " of " + site.label());
                assertEquals("no-store", reply.header("Cache-Control"), "the reader's own visit is not spoiled");
                assertFalse(reply.text().contains("document.cookie"), "none of the site's page is sent");
            }
        }
        assertEquals(List.of(), lookedUp, "no lookup for a speculative load");
        assertEquals(200, proxy(SITE, "/", "Sec-Purpose: not-a-prefetch").status(), "only prefetches");
    }
}
