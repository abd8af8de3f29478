package org.bitweb.site;

import org.bitweb.engine.Engine;
import org.bitweb.engine.EngineOptions;
import org.bitweb.fetch.SwarmFetchTest;
import org.bitweb.address.SiteAddress;
import org.bitweb.gateway.SiteSource;
import org.bitweb.store.StateDir;
import org.bitweb.torrent.TorrentInfo;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
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

/**
 * Sites are laid out with BEP 47 pad files: between two real engines the padding never touches a
 * disk, is not served as a file, and its zeros are not asked of the publisher.
 */
@Timeout(120)
class PadFilesTest {
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    @TempDir
    Path temp;
    private Engine publisher;
    private Engine visitor;

    @AfterEach
    void stop() {
        if (visitor != null) {
            visitor.close();
        }
        if (publisher != null) {
            publisher.close();
        }
    }

    @Test
    void aPaddedSiteArrivesWholeWithoutItsPaddingOnDiskOrOnTheWire() throws Exception {
        Path folder = Files.createDirectories(temp.resolve("site"));
        Files.writeString(folder.resolve("index.html"), "<h1>padded</h1>");
        byte[][] blobs = {new byte[70_000], new byte[5_000], new byte[200_000]};
        for (int i = 0; i < blobs.length; i++) {
            new Random(i).nextBytes(blobs[i]);
            Files.write(folder.resolve("blob" + i + ".bin"), blobs[i]);
        }
        publisher = Engine.start(new StateDir(temp.resolve("publisher")), new EngineOptions(0, 0, LOOPBACK));
        SiteAddress site = new SiteAddress(SiteAddress.Kind.INFOHASH, publisher.publish(folder, Publisher.Progress.NONE).address());
        visitor = Engine.start(new StateDir(temp.resolve("visitor")), new EngineOptions(0, 0, LOOPBACK));

        assertInstanceOf(SiteSource.Lookup.Ready.class, visitor.fetch(site,
                List.of(new InetSocketAddress(LOOPBACK, publisher.peerPort())), Duration.ofSeconds(45)));
        TorrentInfo info = visitor.torrentInfo(site).orElseThrow();
        List<TorrentInfo.TorrentFile> pads = info.files().stream().filter(TorrentInfo.TorrentFile::pad).toList();
        assertEquals(3, pads.size(), "a pad after each file but the last");
        long padding = pads.stream().mapToLong(TorrentInfo.TorrentFile::length).sum();

        visitor.keepWholeSite(site);
        for (int i = 0; i < blobs.length; i++) {
            assertArrayEquals(blobs[i], SwarmFetchTest.getBytes(visitor.gatewayPort(), site.host(), "/blob" + i + ".bin", null));
        }
        String padPath = "/" + pads.get(0).joined();
        String notServed = SwarmFetchTest.get(visitor.gatewayPort(), site.host(), padPath);
        assertTrue(notServed.startsWith("HTTP/1.1 404"), notServed);

        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        SiteStatus status = visitor.site(site.hex()).orElseThrow();
        while ((status.progress() < 1.0 || status.downloaded() < info.contentSize()) && System.nanoTime() < deadline) {
            Thread.sleep(50); // stats are reported every 0.5 s: poll them, bounded by the deadline
            status = visitor.site(site.hex()).orElseThrow();
        }
        assertEquals(1.0, status.progress(), "the whole site, pieces of padding included, is verified");
        // Blocks that are padding only are never requested: what came over the wire is the files
        // plus at most one 16 KiB block per pad that also holds a file's tail.
        assertTrue(status.downloaded() <= info.contentSize() + pads.size() * 16 * 1024L,
                "downloaded " + status.downloaded() + " for " + info.contentSize() + " bytes of files and " + padding + " of padding");
        assertTrue(status.downloaded() < info.totalSize(), "padding was downloaded");

        Path data = visitor.stateDir().sites().resolve(site.hex()).resolve("data");
        try (var walk = Files.walk(data)) {
            assertFalse(walk.anyMatch(p -> p.toString().contains(".pad")), "padding is never written to disk");
        }
        assertEquals(info.contentFiles().size(), visitor.site(site.hex()).orElseThrow().files());
        assertEquals(info.contentSize(), visitor.site(site.hex()).orElseThrow().size());
    }
}
