package org.bitweb.gateway;

import org.bitweb.address.Base32;
import org.bitweb.address.SiteAddress;
import org.bitweb.gateway.RawHttp.Reply;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The gateway, started for real on a free loopback port and spoken to over sockets. */
class GatewayTest {

    static final SiteAddress SITE = SiteAddress.infohash(bytes(20, 1));
    static final SiteAddress KEY_SITE = SiteAddress.publicKey(bytes(32, 7));
    static final SiteAddress UNKNOWN = SiteAddress.infohash(bytes(20, 100));
    static final SiteAddress TIMES_OUT = SiteAddress.infohash(bytes(20, 40));
    static final SiteAddress BREAKS = SiteAddress.infohash(bytes(20, 60));
    static final String HOST = SITE.host();
    static final String SECRET = "TOP SECRET: outside every site";

    @TempDir
    static Path dir;
    static Gateway gateway;
    static int port;
    static byte[] allBytes;
    static byte[] big;
    /** Every path the gateway asked a site view about. */
    static final List<String> asked = new CopyOnWriteArrayList<>();
    /** Every file the gateway opened (read). */
    static final List<String> opened = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void startGateway() throws IOException {
        Path site = Files.createDirectories(dir.resolve("site"));
        Files.writeString(dir.resolve("secret.txt"), SECRET);
        Files.createDirectories(dir.resolve("sibling"));
        Files.writeString(dir.resolve("sibling/secret.txt"), SECRET);
        Files.writeString(site.resolve("index.html"), "<h1>home</h1>");
        Files.createDirectories(site.resolve("docs"));
        Files.writeString(site.resolve("docs/index.html"), "<h1>docs</h1>");
        Files.writeString(site.resolve("docs/page.html"), "<p>page</p>");
        Files.createDirectories(site.resolve("noindex"));
        Files.writeString(site.resolve("noindex/file.txt"), "x");
        Files.writeString(site.resolve("notes.txt"), "héllo");
        Files.writeString(site.resolve("100% a+b.txt"), "odd name");
        Files.writeString(site.resolve("twice.css"), "body { color: teal }");
        Files.write(site.resolve("empty.txt"), new byte[0]);
        for (String name : List.of("style.css", "app.js", "mod.mjs", "data.json", "pic.svg", "pic.png",
                "pic.jpg", "pic.jpeg", "anim.gif", "pic.webp", "pic.avif", "favicon.ico", "font.woff",
                "font.woff2", "font.ttf", "font.otf", "clip.mp4", "clip.webm", "sound.ogg", "sound.mp3",
                "sound.wav", "subs.vtt", "song.flac", "site.zip", "feed.xml", "paper.pdf", "code.wasm", "readme.md", "SHOUT.PNG", "blob.unknownext",
                "Makefile")) {
            Files.writeString(site.resolve(name), name);
        }
        allBytes = new byte[512];
        for (int i = 0; i < allBytes.length; i++) {
            allBytes[i] = (byte) i;
        }
        Files.write(site.resolve("all-bytes.bin"), allBytes);
        big = new byte[3 * 1024 * 1024 + 12345];
        new Random(42).nextBytes(big);
        Files.write(site.resolve("big.dat"), big);

        SiteView folder = recording(new DirectorySiteView(site, "v1"));
        SiteView timesOut = new FailingView(folder, 0);
        SiteView breaks = new FailingView(folder, 100_000);
        Map<SiteAddress, SiteView> sites = Map.of(SITE, folder, KEY_SITE, folder,
                TIMES_OUT, timesOut, BREAKS, breaks);
        gateway = new Gateway(address -> Optional.ofNullable(sites.get(address)), 0);
        gateway.start();
        port = gateway.port();
    }

    @AfterAll
    static void stopGateway() {
        gateway.close();
    }

    static Reply get(String path, String... headers) throws IOException {
        return RawHttp.proxyGet(port, HOST, path, headers);
    }

    @Nested
    @DisplayName("the gateway process")
    class Process {

        @Test
        void listensOnTheLoopbackAddressOnly() {
            assertEquals("127.0.0.1", gateway.connector().getHost());
            var bound = (InetSocketAddress) assertInstance(ServerSocketChannel.class,
                    gateway.connector().getTransport()).socket().getLocalSocketAddress();
            assertTrue(bound.getAddress().isLoopbackAddress(), "bound to " + bound);
            assertEquals(port, bound.getPort());
        }

        @Test
        void selectsOnTwoThreadsSoPagesFromMemoryUseTwoCores() {
            // pages in memory are answered on the selector thread that read the request: with one
            // selector they all shared one core (docs/GATEWAY.md, "Performance")
            assertTrue(gateway.connector().getSelectorManager().getSelectorCount() >= 2,
                    "selectors: " + gateway.connector().getSelectorManager().getSelectorCount());
            // hundreds of connections opened at once are queued, not dropped by the kernel
            assertTrue(gateway.connector().getAcceptQueueSize() >= 512,
                    "accept queue: " + gateway.connector().getAcceptQueueSize());
        }

        @Test
        void reportsItsAddressWithThePortItPicked() {
            assertTrue(port > 0);
            assertEquals("http://127.0.0.1:" + port, gateway.address());
        }

        @Test
        void aRequestMadeWhileTheEngineStartsWaitsForTheGatewayAndIsAnswered() throws Exception {
            // the engine listens first (GatewayPort.listen), builds the rest, then serves: a browser's
            // page asked for in between is connected and waits, where a refused one failed
            try (ServerSocketChannel listening = GatewayPort.listen(0)) {
                int early = ((InetSocketAddress) listening.getLocalAddress()).getPort();
                var answer = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                    try {
                        return RawHttp.proxyGet(early, HOST, "/docs/page.html");
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                });
                // its request is sent (the kernel took the connection): nothing serves it yet
                assertThrows(java.util.concurrent.TimeoutException.class,
                        () -> answer.get(300, java.util.concurrent.TimeUnit.MILLISECONDS));
                Map<SiteAddress, SiteView> sites = Map.of(SITE, new DirectorySiteView(dir.resolve("site"), "v1"));
                try (Gateway starting = new Gateway(address -> Optional.ofNullable(sites.get(address)), early)) {
                    starting.start(listening);
                    assertEquals(early, starting.port());
                    Reply r = answer.get(20, java.util.concurrent.TimeUnit.SECONDS);
                    assertEquals(200, r.status());
                    assertEquals("<p>page</p>", r.text());
                }
            }
        }

        @Test
        void aPortListenedToAsTheProcessBeganIsTakenOnceByTheStart() throws IOException {
            // the bridge's engine listens first thing (GatewayPort.listenEarly); its start takes that channel
            assertTrue(GatewayPort.listenEarly(0));
            try (ServerSocketChannel early = GatewayPort.listenOrTake(0); ServerSocketChannel later = GatewayPort.listenOrTake(0)) {
                int port = ((InetSocketAddress) early.getLocalAddress()).getPort();
                assertNotEquals(port, ((InetSocketAddress) later.getLocalAddress()).getPort(), "taken once, then bound anew");
                // a port taken now is left to the start, which binds it again and says why
                assertFalse(GatewayPort.listenEarly(port));
                assertThrows(IOException.class, () -> GatewayPort.listenOrTake(port));
            }
        }

        @Test
        void listensOnlyOnLoopbackBeforeItStarts() throws IOException {
            try (ServerSocketChannel listening = GatewayPort.listen(0)) {
                InetSocketAddress bound = (InetSocketAddress) listening.getLocalAddress();
                assertTrue(bound.getAddress().isLoopbackAddress(), "bound to " + bound);
                assertThrows(IOException.class, () -> GatewayPort.listen(bound.getPort()), "a taken port fails");
            }
        }

        @Test
        void refusesToStartOnAPortInUse() throws IOException {
            try (Gateway second = new Gateway(a -> Optional.empty(), port)) {
                assertThrows(IOException.class, second::start);
            }
        }
    }

    @Nested
    @DisplayName("which requests it accepts")
    class Hosts {

        @Test
        void servesProxyFormRequestsWithAnAbsoluteUri() throws IOException {
            Reply r = RawHttp.proxyGet(port, HOST, "/docs/page.html");
            assertEquals(200, r.status());
            assertEquals("<p>page</p>", r.text());
        }

        @Test
        void servesSubdomainFormRequestsOnLocalhostWithThePort() throws IOException {
            Reply r = RawHttp.get(port, HOST + ".localhost:" + port, "/docs/page.html");
            assertEquals(200, r.status());
            assertEquals("<p>page</p>", r.text());
        }

        @Test
        void servesSitesNamedByAPublicKey() throws IOException {
            Reply r = RawHttp.proxyGet(port, KEY_SITE.host(), "/notes.txt");
            assertEquals(200, r.status());
            assertEquals("héllo", r.text());
        }

        @ParameterizedTest(name = "Host: {0}")
        @ValueSource(strings = {"127.0.0.1", "localhost", "example.com", "bitweb", "localhost.bitweb.example"})
        void refusesHostsThatAreNotBitwebSitesNamingWhatItAccepts(String host) throws IOException {
            Reply r = RawHttp.get(port, host.equals("127.0.0.1") ? host + ":" + port : host, "/index.html");
            assertEquals(421, r.status());
            assertTrue(r.text().contains("&lt;site&gt;.bitweb"), r.text());
            assertFalse(r.text().contains("home"));
        }

        @Test
        void refusesAnAbsoluteUriToAForeignHost() throws IOException {
            Reply r = RawHttp.send(port, "GET", "http://example.com/", "Host: example.com");
            assertEquals(421, r.status());
        }

        @Test
        void rejectsAMalformedSiteLabelWithTheParseError() throws IOException {
            Reply r = RawHttp.proxyGet(port, "not-a-site.bitweb", "/");
            assertEquals(400, r.status());
            assertTrue(r.text().contains("not a site address"), r.text());
        }

        @Test
        void redirectsABase32InfohashToTheCanonicalHexHostKeepingPathAndQuery() throws IOException {
            String base32 = Base32.encode(SITE.bytes());
            Reply r = RawHttp.proxyGet(port, base32 + ".bitweb", "/docs/page.html?a=1&b=2");
            assertEquals(301, r.status());
            assertEquals("http://" + HOST + "/docs/page.html?a=1&b=2", r.header("Location"));
        }

        @Test
        void redirectsAnUppercaseSubdomainHostToLowercaseKeepingThePort() throws IOException {
            String upper = SITE.label().toUpperCase(Locale.ROOT) + ".bitweb.localhost:" + port;
            Reply r = RawHttp.get(port, upper, "/x?q");
            assertEquals(301, r.status());
            assertEquals("http://" + HOST + ".localhost:" + port + "/x?q", r.header("Location"));
        }

        @Test
        void redirectsAHostWithATrailingDotToTheHostWithout() throws IOException {
            Reply r = RawHttp.proxyGet(port, HOST + ".", "/");
            assertEquals(301, r.status());
            assertEquals("http://" + HOST + "/", r.header("Location"));
        }

        @Test
        void answersAnUnknownSiteWith404SayingTheEngineDoesNotKnowIt() throws IOException {
            Reply r = RawHttp.proxyGet(port, UNKNOWN.host(), "/");
            assertEquals(404, r.status());
            assertTrue(r.text().contains("not known to this engine"), r.text());
        }

        @Test
        void allowsOnlyGetAndHead() throws IOException {
            Reply r = RawHttp.send(port, "POST", "http://" + HOST + "/index.html", "Host: " + HOST,
                    "Content-Length: 0");
            assertEquals(405, r.status());
            assertEquals("GET, HEAD", r.header("Allow"));
        }
    }

    @Nested
    @DisplayName("files")
    class FilesAndFolders {

        @Test
        void servesBinaryFilesByteForByte() throws IOException {
            Reply r = get("/all-bytes.bin");
            assertEquals(200, r.status());
            assertArrayEquals(allBytes, r.body());
            assertEquals(allBytes.length, r.contentLength());
        }

        @Test
        void servesAFileOfSeveralMegabytesByteForByte() throws IOException {
            Reply r = get("/big.dat");
            assertEquals(200, r.status());
            assertEquals(big.length, r.contentLength());
            assertArrayEquals(big, r.body());
        }

        @Test
        void servesAnEmptyFile() throws IOException {
            Reply r = get("/empty.txt");
            assertEquals(200, r.status());
            assertEquals(0, r.contentLength());
            assertEquals(0, r.body().length);
        }

        @ParameterizedTest(name = "{0} is {1}")
        @CsvSource(delimiter = '|', value = {
                "/index.html|text/html; charset=utf-8",
                "/style.css|text/css; charset=utf-8",
                "/app.js|text/javascript; charset=utf-8",
                "/mod.mjs|text/javascript; charset=utf-8",
                "/data.json|application/json",
                "/pic.svg|image/svg+xml",
                "/pic.png|image/png",
                "/SHOUT.PNG|image/png",
                "/pic.jpg|image/jpeg",
                "/pic.jpeg|image/jpeg",
                "/anim.gif|image/gif",
                "/pic.webp|image/webp",
                "/pic.avif|image/avif",
                "/favicon.ico|image/x-icon",
                "/font.woff|font/woff",
                "/font.woff2|font/woff2",
                "/font.ttf|font/ttf",
                "/font.otf|font/otf",
                "/clip.mp4|video/mp4",
                "/clip.webm|video/webm",
                "/sound.ogg|audio/ogg",
                "/sound.mp3|audio/mpeg",
                "/sound.wav|audio/wav",
                "/subs.vtt|text/vtt; charset=utf-8",
                "/song.flac|audio/flac",
                "/site.zip|application/zip",
                "/notes.txt|text/plain; charset=utf-8",
                "/feed.xml|application/xml",
                "/paper.pdf|application/pdf",
                "/code.wasm|application/wasm",
                "/readme.md|text/markdown; charset=utf-8",
                "/blob.unknownext|application/octet-stream",
                "/Makefile|application/octet-stream"})
        void sendsTheContentTypeOfTheExtensionAndForbidsSniffing(String path, String type) throws IOException {
            Reply r = get(path);
            assertEquals(200, r.status());
            assertEquals(type, r.header("Content-Type"));
            assertEquals("nosniff", r.header("X-Content-Type-Options"));
            assertEquals("off", r.header("X-DNS-Prefetch-Control"), "links on a page make no DNS lookups");
        }

        @Test
        void servesTheRootFolderIndex() throws IOException {
            Reply r = get("/");
            assertEquals(200, r.status());
            assertEquals("<h1>home</h1>", r.text());
            assertEquals("text/html; charset=utf-8", r.header("Content-Type"));
        }

        @Test
        void servesASubFolderIndex() throws IOException {
            assertEquals("<h1>docs</h1>", get("/docs/").text());
        }

        @Test
        void redirectsAFolderWithoutTrailingSlashSoRelativeLinksWork() throws IOException {
            Reply r = get("/docs?x=1");
            assertEquals(301, r.status());
            assertEquals("/docs/?x=1", r.header("Location"));
        }

        @Test
        void answersAMissingFileWithA404Page() throws IOException {
            Reply r = get("/nope.html");
            assertEquals(404, r.status());
            assertEquals("text/html; charset=utf-8", r.header("Content-Type"));
            assertTrue(r.text().contains("Not found"), r.text());
        }

        @Test
        void answersAFolderWithoutIndexWith404() throws IOException {
            assertEquals(404, get("/noindex/").status());
        }

        @Test
        void decodesPercentEscapesOnceAndKeepsPlusLiteral() throws IOException {
            assertEquals("<p>page</p>", get("/docs/p%61ge.html").text());
            assertEquals("odd name", get("/100%25%20a+b.txt").text());
        }

        @Test
        void answersHeadWithTheHeadersOfGetAndNoBody() throws IOException {
            Reply r = RawHttp.send(port, "HEAD", "http://" + HOST + "/big.dat", "Host: " + HOST);
            assertEquals(200, r.status());
            assertEquals(big.length, r.contentLength());
            assertEquals("application/octet-stream", r.header("Content-Type"));
            assertEquals(get("/big.dat", "Range: bytes=0-0").header("ETag"), r.header("ETag"));
            assertEquals(0, r.body().length);
        }
    }

    @Nested
    @DisplayName("small files, kept in memory after the first request")
    class FromMemory {

        @Test
        void answerWithTheSameBytesAndHeadersTheSecondTime() throws IOException {
            Reply first = get("/twice.css");
            assertTrue(opened.contains("twice.css"));
            opened.clear();
            Reply second = get("/twice.css");
            assertFalse(opened.contains("twice.css"), "the file was not read again");
            assertEquals(200, second.status());
            assertEquals("body { color: teal }", second.text());
            for (String header : List.of("Content-Type", "Content-Length", "ETag", "Cache-Control", "Accept-Ranges",
                    "Content-Security-Policy", "X-Content-Type-Options", "Referrer-Policy", "X-DNS-Prefetch-Control")) {
                assertEquals(first.header(header), second.header(header), header);
            }
            assertEquals(first.headers().keySet(), second.headers().keySet());
        }

        @Test
        void answerRangesRevalidationAndHeadFromMemory() throws IOException {
            String etag = get("/index.html").header("ETag");
            Reply range = get("/index.html", "Range: bytes=1-2");
            assertEquals(206, range.status());
            assertEquals("h1", range.text());
            assertEquals("bytes 1-2/13", range.header("Content-Range"));
            assertEquals(304, get("/index.html", "If-None-Match: " + etag).status());
            Reply head = RawHttp.send(port, "HEAD", "http://" + HOST + "/index.html", "Host: " + HOST);
            assertEquals(13, head.contentLength());
            assertEquals(0, head.body().length);
        }

        @Test
        void keepTheSubdomainFormsPolicyOnThisPort() throws IOException {
            RawHttp.get(port, HOST + ".localhost:" + port, "/twice.css");
            Reply r = RawHttp.get(port, HOST + ".localhost:" + port, "/twice.css");
            assertTrue(r.header("Content-Security-Policy").startsWith("default-src 'self' http://*.bitweb.localhost:"
                    + port + " "), r.header("Content-Security-Policy"));
        }
    }

    @Nested
    @DisplayName("ranges")
    class Ranges {

        @Test
        void servesAClosedRange() throws IOException {
            Reply r = get("/all-bytes.bin", "Range: bytes=10-19");
            assertEquals(206, r.status());
            assertEquals("bytes 10-19/512", r.header("Content-Range"));
            assertEquals(10, r.contentLength());
            assertArrayEquals(Arrays.copyOfRange(allBytes, 10, 20), r.body());
        }

        @Test
        void servesAnOpenEndedRange() throws IOException {
            Reply r = get("/big.dat", "Range: bytes=3000000-");
            assertEquals(206, r.status());
            assertEquals("bytes 3000000-" + (big.length - 1) + "/" + big.length, r.header("Content-Range"));
            assertArrayEquals(Arrays.copyOfRange(big, 3_000_000, big.length), r.body());
        }

        @Test
        void servesASuffixRange() throws IOException {
            Reply r = get("/all-bytes.bin", "Range: bytes=-5");
            assertEquals(206, r.status());
            assertEquals("bytes 507-511/512", r.header("Content-Range"));
            assertArrayEquals(Arrays.copyOfRange(allBytes, 507, 512), r.body());
        }

        @Test
        void answersARangePastTheEndWith416AndTheLength() throws IOException {
            Reply r = get("/all-bytes.bin", "Range: bytes=512-600");
            assertEquals(416, r.status());
            assertEquals("bytes */512", r.header("Content-Range"));
        }

        @Test
        void answersSeveralRangesWithTheWholeFile() throws IOException {
            Reply r = get("/all-bytes.bin", "Range: bytes=0-1,5-6");
            assertEquals(200, r.status());
            assertArrayEquals(allBytes, r.body());
        }

        @Test
        void advertisesByteRanges() throws IOException {
            assertEquals("bytes", get("/all-bytes.bin").header("Accept-Ranges"));
        }

        @Test
        void honoursIfRangeWhenTheEtagMatches() throws IOException {
            String etag = get("/all-bytes.bin").header("ETag");
            Reply r = get("/all-bytes.bin", "Range: bytes=0-3", "If-Range: " + etag);
            assertEquals(206, r.status());
            assertArrayEquals(Arrays.copyOfRange(allBytes, 0, 4), r.body());
        }

        @Test
        void sendsTheWholeFileWhenIfRangeNamesAnotherVersion() throws IOException {
            Reply r = get("/all-bytes.bin", "Range: bytes=0-3", "If-Range: \"another-version\"");
            assertEquals(200, r.status());
            assertNull(r.header("Content-Range"));
            assertArrayEquals(allBytes, r.body());
        }
    }

    @Nested
    @DisplayName("caching")
    class Caching {

        @Test
        void givesEachFileAStrongEtagAndAsksForRevalidation() throws IOException {
            Reply r = get("/index.html");
            String etag = r.header("ETag");
            assertTrue(etag.startsWith("\"") && etag.endsWith("\""), etag);
            assertEquals("no-cache", r.header("Cache-Control"));
            assertNotEquals(etag, get("/notes.txt").header("ETag"));
            assertEquals(etag, get("/").header("ETag"), "/ is index.html");
        }

        @Test
        void answersIfNoneMatchWith304AndNoBody() throws IOException {
            String etag = get("/index.html").header("ETag");
            Reply r = get("/index.html", "If-None-Match: \"other\", " + etag);
            assertEquals(304, r.status());
            assertEquals(etag, r.header("ETag"));
            assertEquals(0, r.body().length);
        }

        @Test
        void servesTheFileWhenIfNoneMatchDiffers() throws IOException {
            assertEquals(200, get("/index.html", "If-None-Match: \"other\"").status());
        }

        @Test
        void doesNotLetErrorsBeCached() throws IOException {
            assertEquals("no-store", get("/nope.html").header("Cache-Control"));
        }
    }

    @Nested
    @DisplayName("security headers")
    class Security {

        @Test
        void keepsProxyFormPagesWithinBitweb() throws IOException {
            Reply r = get("/index.html");
            String csp = r.header("Content-Security-Policy");
            assertTrue(csp.startsWith("default-src 'self' http://*.bitweb "), csp);
            assertTrue(csp.contains("frame-ancestors 'self' http://*.bitweb;"), csp);
            assertTrue(csp.contains("form-action 'self' http://*.bitweb;"), csp);
            assertFalse(csp.contains("https:") || csp.contains(" *;") || csp.contains("http: "), csp);
            assertEquals("no-referrer", r.header("Referrer-Policy"));
        }

        @Test
        void keepsSubdomainFormPagesWithinBitwebOnThisPort() throws IOException {
            Reply r = RawHttp.get(port, HOST + ".localhost:" + port, "/index.html");
            String csp = r.header("Content-Security-Policy");
            assertTrue(csp.startsWith("default-src 'self' http://*.bitweb.localhost:" + port + " "), csp);
            assertEquals("no-referrer", r.header("Referrer-Policy"));
        }

        @Test
        void sendsTheSecurityHeadersOnErrorPagesToo() throws IOException {
            Reply r = get("/nope.html");
            assertTrue(r.header("Content-Security-Policy").contains("http://*.bitweb"));
            assertEquals("no-referrer", r.header("Referrer-Policy"));
            assertEquals("nosniff", r.header("X-Content-Type-Options"));
        }

        @Test
        void letsNothingLoadOnThePageForAForeignHost() throws IOException {
            Reply r = RawHttp.get(port, "example.com", "/");
            assertTrue(r.header("Content-Security-Policy").startsWith("default-src 'none'"));
        }

        @Test
        void doesNotAdvertiseTheServer() throws IOException {
            assertNull(get("/index.html").header("Server"));
        }
    }

    @Nested
    @DisplayName("paths that try to leave the site")
    class Traversal {

        @ParameterizedTest(name = "{0}")
        @ValueSource(strings = {
                "/../secret.txt",
                "/docs/../../secret.txt",
                "/%2e%2e/secret.txt",
                "/%2E%2E/%2e%2e/secret.txt",
                "/docs/%2e%2e/%2e%2e/secret.txt",
                "/..%2fsecret.txt",
                "/..%5csecret.txt",
                "/docs%2f..%2f..%2fsecret.txt",
                "/..\\secret.txt",
                "/notes.txt%00.html",
                "/%00",
                "/./index.html",
                "/docs/.",
                "/.../secret.txt",
                "//secret.txt",
                "/%c0%ae%c0%ae/secret.txt",
                "/%ZZ"})
        void areRejectedWith400AndNeverReadOutside(String path) throws IOException {
            asked.clear();
            Reply proxy = get(path);
            Reply subdomain = RawHttp.get(port, HOST + ".localhost:" + port, path);
            for (Reply r : List.of(proxy, subdomain)) {
                assertEquals(400, r.status(), () -> path + " -> " + r.status() + " " + r.text());
                assertFalse(r.text().contains(SECRET));
                assertEquals("nosniff", r.header("X-Content-Type-Options"), "the gateway's own page");
            }
            for (String p : asked) {
                assertFalse(p.startsWith("/") || p.contains("\\") || p.contains("\0")
                        || Arrays.asList(p.split("/")).contains(".."), "the site view was asked " + p);
            }
        }

        @Test
        void aDoubleEncodedDotDotIsJustAMissingFile() throws IOException {
            Reply r = get("/%252e%252e/secret.txt");
            assertEquals(404, r.status());
            assertFalse(r.text().contains(SECRET));
        }

        @Test
        void anEncodedSlashIsNotASeparator() throws IOException {
            assertEquals(400, get("/docs%2fpage.html").status());
        }
    }

    @Nested
    @DisplayName("when the engine fails")
    class EngineFailures {

        @Test
        void answers504WhenThePeersDoNotSendTheFileInTime() throws IOException {
            Reply r = RawHttp.proxyGet(port, TIMES_OUT.host(), "/big.dat");
            assertEquals(504, r.status());
            assertTrue(r.text().contains("did not send this file in time; try again"), r.text());
            assertEquals("no-store", r.header("Cache-Control"));
        }

        @Test
        void abortsTheConnectionWhenTheFileFailsMidStream() throws IOException {
            Reply r = RawHttp.proxyGet(port, BREAKS.host(), "/big.dat");
            assertEquals(200, r.status());
            assertEquals(big.length, r.contentLength());
            assertTrue(r.body().length < big.length, "got " + r.body().length + " bytes");
            assertArrayEquals(Arrays.copyOf(big, r.body().length), r.body(), "what did arrive is the file");
        }

        @Test
        void keepsServingAfterFailures() throws IOException {
            RawHttp.proxyGet(port, BREAKS.host(), "/big.dat");
            assertEquals(200, get("/index.html").status());
        }
    }

    // --- test doubles ---

    private static SiteView recording(SiteView view) {
        return new SiteView() {
            @Override
            public String version() {
                return view.version();
            }

            @Override
            public Optional<FileEntry> file(String path) {
                asked.add(path);
                return view.file(path);
            }

            @Override
            public boolean isDirectory(String path) {
                asked.add(path);
                return view.isDirectory(path);
            }

            @Override
            public InputStream open(FileEntry file, long offset, long length) throws IOException {
                asked.add(file.path());
                opened.add(file.path());
                return view.open(file, offset, length);
            }
        };
    }

    /** A site whose bytes stop coming after {@code failAfter} bytes (0: open itself times out). */
    private static final class FailingView implements SiteView {
        private final SiteView files;
        private final long failAfter;

        FailingView(SiteView files, long failAfter) {
            this.files = files;
            this.failAfter = failAfter;
        }

        @Override
        public String version() {
            return "failing";
        }

        @Override
        public Optional<FileEntry> file(String path) {
            return files.file(path);
        }

        @Override
        public boolean isDirectory(String path) {
            return files.isDirectory(path);
        }

        @Override
        public InputStream open(FileEntry file, long offset, long length) throws IOException {
            if (failAfter == 0) {
                throw new SocketTimeoutException("no piece arrived");
            }
            InputStream real = files.open(file, offset, length);
            return new InputStream() {
                private long sent;

                @Override
                public int read() throws IOException {
                    throw new UnsupportedOperationException();
                }

                @Override
                public int read(byte[] b, int off, int len) throws IOException {
                    if (sent >= failAfter) {
                        throw new SocketTimeoutException("peers went away");
                    }
                    int n = real.read(b, off, (int) Math.min(len, failAfter - sent));
                    sent += Math.max(n, 0);
                    return n;
                }

                @Override
                public void close() throws IOException {
                    real.close();
                }
            };
        }
    }

    private static <T> T assertInstance(Class<T> type, Object value) {
        assertTrue(type.isInstance(value), () -> "not a " + type.getSimpleName() + ": " + value);
        return type.cast(value);
    }

    static byte[] bytes(int length, int seed) {
        byte[] b = new byte[length];
        for (int i = 0; i < length; i++) {
            b[i] = (byte) (seed + i);
        }
        return b;
    }
}
