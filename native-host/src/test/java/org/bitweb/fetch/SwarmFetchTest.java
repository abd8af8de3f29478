package org.bitweb.fetch;

import org.bitweb.engine.Engine;
import org.bitweb.engine.EngineOptions;
import org.bitweb.site.Publisher;
import org.bitweb.address.SiteAddress;
import org.bitweb.gateway.SiteSource;
import org.bitweb.store.StateDir;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A site published on one engine is browsed through the gateway of another that knows only its infohash and a peer. */
@Timeout(120)
public class SwarmFetchTest {
    @TempDir
    Path temp;
    private Engine publisher;
    private Engine visitor;
    private byte[] big;
    private SiteAddress site;

    @BeforeEach
    void publishASiteWithOneBigFile() throws IOException {
        Path folder = Files.createDirectories(temp.resolve("site"));
        Files.writeString(folder.resolve("index.html"), "<h1>from the swarm</h1>");
        Files.createDirectories(folder.resolve("media"));
        big = new byte[24 * 1024 * 1024];
        new Random(7).nextBytes(big);
        Files.write(folder.resolve("media/big.bin"), big);
        Files.writeString(folder.resolve("zz-last.txt"), "last file");
        InetAddress loopback = InetAddress.getLoopbackAddress();
        publisher = Engine.start(new StateDir(temp.resolve("a")), new EngineOptions(0, 0, loopback));
        site = new SiteAddress(SiteAddress.Kind.INFOHASH, publisher.publish(folder, Publisher.Progress.NONE).address());
        visitor = Engine.start(new StateDir(temp.resolve("b")), new EngineOptions(0, 0, loopback,
                Duration.ofSeconds(60), Duration.ofSeconds(20)));
    }

    @AfterEach
    void stop() {
        if (visitor != null) {
            visitor.close();
        }
        if (publisher != null) {
            publisher.close();
        }
    }

    private List<InetSocketAddress> publisherPeer() {
        return List.of(new InetSocketAddress(InetAddress.getLoopbackAddress(), publisher.peerPort()));
    }

    private SiteSource.Lookup fetchUntilReady() {
        SiteSource.Lookup lookup = visitor.fetch(site, publisherPeer(), Duration.ofSeconds(45));
        assertInstanceOf(SiteSource.Lookup.Ready.class, lookup, () -> "not ready: " + lookup);
        return lookup;
    }

    @Test
    void theFirstPageArrivesWithoutTheRestOfTheSite() throws Exception {
        fetchUntilReady();
        String page = get(visitor.gatewayPort(), site.host(), "/");
        assertTrue(page.startsWith("HTTP/1.1 200"), page);
        assertTrue(page.endsWith("<h1>from the swarm</h1>"), page);
        // nobody asked for media/big.bin: most of its pieces were never fetched
        double completion = visitor.completion(site).orElseThrow();
        assertTrue(completion < 0.2, "fetched " + completion + " of the site for one page");
    }

    @Test
    void aRangeInTheMiddleOfABigFileIsServedBeforeTheFileIsComplete() throws Exception {
        fetchUntilReady();
        long from = 12L * 1024 * 1024 + 123;
        long to = from + 99_999;
        byte[] body = getBytes(visitor.gatewayPort(), site.host(), "/media/big.bin", "bytes=" + from + "-" + to);
        byte[] expected = java.util.Arrays.copyOfRange(big, (int) from, (int) to + 1);
        assertArrayEquals(expected, body);
        assertTrue(visitor.completion(site).orElseThrow() < 0.5, "the range should not need the whole file");
    }

    @Test
    void theWholeBigFileArrivesByteExact() throws Exception {
        fetchUntilReady();
        byte[] body = getBytes(visitor.gatewayPort(), site.host(), "/media/big.bin", null);
        assertArrayEquals(big, body);
    }

    @Test
    void aSiteNobodySharesFailsInBoundedTime() throws Exception {
        Engine lonely = Engine.start(new StateDir(temp.resolve("c")), new EngineOptions(0, 0,
                InetAddress.getLoopbackAddress(), Duration.ofSeconds(2), Duration.ofSeconds(2)));
        try {
            SiteAddress nobody = new SiteAddress(SiteAddress.Kind.INFOHASH, "0123456789abcdef0123456789abcdef01234567");
            String first = get(lonely.gatewayPort(), nobody.host(), "/");
            assertTrue(first.startsWith("HTTP/1.1 503"), first);
            assertTrue(first.contains("looking for peers"), first);
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            String page = first;
            while (page.startsWith("HTTP/1.1 503") && System.nanoTime() < deadline) {
                page = get(lonely.gatewayPort(), nobody.host(), "/");
            }
            assertTrue(page.startsWith("HTTP/1.1 404"), page);
            assertTrue(page.contains("No peer sent this site"), page);
        } finally {
            lonely.close();
        }
    }

    @Test
    void aVisitedSiteIsRememberedButNotSeeded() throws Exception {
        fetchUntilReady();
        var record = visitor.site(site.hex()).orElseThrow();
        assertFalse(record.seeding());
        assertFalse(record.published());
        assertEquals(3, record.files());
    }

    public static String get(int port, String host, String path) throws IOException {
        return new String(raw(port, host, path, null), StandardCharsets.UTF_8);
    }

    public static byte[] getBytes(int port, String host, String path, String range) throws IOException {
        byte[] response = raw(port, host, path, range);
        int split = indexOf(response, "\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        String head = new String(response, 0, split, StandardCharsets.US_ASCII);
        assertTrue(head.startsWith(range == null ? "HTTP/1.1 200" : "HTTP/1.1 206"), head);
        return java.util.Arrays.copyOfRange(response, split + 4, response.length);
    }

    private static byte[] raw(int port, String host, String path, String range) throws IOException {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            socket.setSoTimeout(60_000);
            OutputStream out = socket.getOutputStream();
            String request = "GET http://" + host + path + " HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n"
                    + (range == null ? "" : "Range: " + range + "\r\n") + "\r\n";
            out.write(request.getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            in.transferTo(all);
            return all.toByteArray();
        }
    }

    private static int indexOf(byte[] data, byte[] pattern) {
        outer:
        for (int i = 0; i <= data.length - pattern.length; i++) {
            for (int j = 0; j < pattern.length; j++) {
                if (data[i + j] != pattern[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
