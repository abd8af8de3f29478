package org.bitweb.interop;

import org.bitweb.address.SiteAddress;
import org.bitweb.engine.Engine;
import org.bitweb.engine.EngineOptions;
import org.bitweb.site.Publisher;
import org.bitweb.gateway.SiteSource;
import org.bitweb.store.StateDir;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Interop, direction B, and privacy with an independent peer: BitWeb browses a torrent that only
 * libtorrent seeds, knowing nothing but its infohash and the seeder's address; a libtorrent peer
 * that connects to a BitWeb visitor gets nothing from it until the visitor chooses to seed.
 */
@Timeout(180)
class InteropBitwebBrowsesLibtorrentTest {
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    @TempDir
    static Path tmp;
    static Path site;

    @BeforeAll
    static void makeSite() throws Exception {
        Tools.assumeLibtorrent();
        site = SiteFixture.makeSite(tmp.resolve("src"), "lt-site", 3);
    }

    @Test
    void bitwebBrowsesASiteSeededOnlyByLibtorrent() throws Exception {
        Path torrent = tmp.resolve("seeded.torrent");
        try (LibtorrentPeer seeder = LibtorrentPeer.seedFolder(site, LibtorrentPeer.Kind.V1, torrent, tmp.resolve("logs"),
                Duration.ofSeconds(30));
             Engine visitor = Engine.start(new StateDir(tmp.resolve("visitor")), new EngineOptions(0, 0, LOOPBACK))) {
            SiteAddress address = SiteAddress.parseLabel(seeder.infohash());
            SiteSource.Lookup lookup = visitor.fetch(address, List.of(seeder.address()), Duration.ofSeconds(30));
            assertInstanceOf(SiteSource.Lookup.Ready.class, lookup, () -> lookup + "\n" + seeder.diagnostics());
            try (var files = Files.walk(site)) {
                for (Path file : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
                    String path = "/" + site.relativize(file).toString().replace('\\', '/');
                    assertArrayEquals(Files.readAllBytes(file), body(visitor.gatewayPort(), address.host(), path), path);
                }
            }
        }
    }

    @Test
    void aLibtorrentPeerGetsNothingFromAVisitorUntilItSeeds() throws Exception {
        try (Engine publisher = Engine.start(new StateDir(tmp.resolve("publisher")), new EngineOptions(0, 0, LOOPBACK));
             Engine visitor = Engine.start(new StateDir(tmp.resolve("visitor2")), new EngineOptions(0, 0, LOOPBACK))) {
            SiteAddress address = SiteAddress.parseLabel(publisher.publish(site, Publisher.Progress.NONE).address());
            assertInstanceOf(SiteSource.Lookup.Ready.class, visitor.fetch(address,
                    List.of(new InetSocketAddress(LOOPBACK, publisher.peerPort())), Duration.ofSeconds(30)));
            visitor.seed(address.hex()); // download everything, then stop sharing again:
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (visitor.completion(address).orElse(0.0) < 1.0 && System.nanoTime() < deadline) {
                Thread.sleep(50); // polling the download's progress, bounded by the deadline
            }
            assertEquals(1.0, visitor.completion(address).orElse(0.0), "the visitor holds the whole site");
            visitor.unseed(address.hex());
            Path torrent = publisher.stateDir().site(address.hex()).resolve("site.torrent");
            // an IP literal: libtorrent's connect_peer takes no host names
            InetSocketAddress visitorPeer = new InetSocketAddress("127.0.0.1", visitor.peerPort());

            LibtorrentDownload.Result refused = LibtorrentDownload.run(torrent, tmp.resolve("lt-refused"),
                    List.of(visitorPeer), Duration.ofSeconds(8), tmp.resolve("logs"));
            assertFalse(refused.ok(), "a visitor must not serve: " + refused.diagnostics());
            assertEquals(1, refused.exit(), "libtorrent ran and timed out, rather than failing to start: " + refused.diagnostics());
            assertFalse(hasAnyByte(tmp.resolve("lt-refused")), "not one piece byte reached libtorrent");

            visitor.seed(address.hex());
            LibtorrentDownload.Result served = LibtorrentDownload.run(torrent, tmp.resolve("lt-served"),
                    List.of(visitorPeer), Duration.ofSeconds(60), tmp.resolve("logs"));
            assertTrue(served.ok(), "a seeder serves: " + served.diagnostics());
            SiteFixture.assertSameTree(site, tmp.resolve("lt-served").resolve(site.getFileName().toString()));
        }
    }

    private static boolean hasAnyByte(Path folder) throws Exception {
        if (!Files.exists(folder)) {
            return false;
        }
        try (var files = Files.walk(folder)) {
            for (Path file : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
                for (byte b : Files.readAllBytes(file)) {
                    if (b != 0) {
                        return true; // libtorrent may preallocate zeros; any real byte came from the visitor
                    }
                }
            }
        }
        return false;
    }

    private static String encode(String path) {
        StringBuilder out = new StringBuilder();
        for (String segment : path.substring(1).split("/")) {
            out.append('/').append(java.net.URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20"));
        }
        return out.toString();
    }

    private static byte[] body(int port, String host, String path) throws Exception {
        try (Socket socket = new Socket(LOOPBACK, port)) {
            socket.setSoTimeout(60_000);
            socket.getOutputStream().write(("GET http://" + host + encode(path) + " HTTP/1.1\r\nHost: " + host
                    + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            in.transferTo(all);
            byte[] response = all.toByteArray();
            String text = new String(response, StandardCharsets.ISO_8859_1);
            int split = text.indexOf("\r\n\r\n");
            assertTrue(text.startsWith("HTTP/1.1 200"), text.substring(0, Math.max(0, Math.min(200, split))));
            return java.util.Arrays.copyOfRange(response, split + 4, response.length);
        }
    }
}
