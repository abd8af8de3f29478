package org.bitweb.interop;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Interop, direction B, the fixture: a site seeded only by libtorrent ({@link LibtorrentPeer})
 * is downloadable by libtorrent and by a plain bt 1.10 client, the library BitWeb's engine is
 * built on. When the engine can download, its own tests use the same fixture.
 */
@Timeout(120)
class InteropLibtorrentSeederTest {
    @TempDir
    static Path tmp;
    static Path site;

    @BeforeAll
    static void makeSite() throws Exception {
        Tools.assumeLibtorrent();
        site = SiteFixture.makeSite(tmp.resolve("src"), "lt-site", 2);
    }

    @Test
    void seederStartsReportsItsPortAndInfohashAndStopsWhenClosed() throws Exception {
        Path torrent = tmp.resolve("fixture.torrent");
        LibtorrentPeer peer;
        try (LibtorrentPeer seeder = LibtorrentPeer.seedFolder(site, LibtorrentPeer.Kind.V1, torrent, tmp.resolve("logs"),
                Duration.ofSeconds(30))) {
            peer = seeder;
            assertTrue(seeder.port() > 0 && seeder.port() < 65536, "port " + seeder.port());
            assertTrue(seeder.infohash().matches("[0-9a-f]{40}"), "infohash " + seeder.infohash());
            assertEquals(seeder.infohash(), org.bitweb.torrent.TorrentInfo.parseTorrent(
                    java.nio.file.Files.readAllBytes(torrent)).infohash(), "the torrent written is the one seeded");
            assertTrue(seeder.isAlive());
        }
        assertTrue(!peer.isAlive(), "closing the fixture stops the seeder");
    }

    @Test
    void libtorrentDownloadsFromTheLibtorrentSeeder() throws Exception {
        Path torrent = tmp.resolve("lt-lt.torrent");
        try (LibtorrentPeer seeder = LibtorrentPeer.seedFolder(site, LibtorrentPeer.Kind.V1, torrent, tmp.resolve("logs"),
                Duration.ofSeconds(30))) {
            Path save = tmp.resolve("lt-lt");
            LibtorrentDownload.Result result = LibtorrentDownload.run(torrent, save, List.of(seeder.address()),
                    Duration.ofSeconds(60), tmp.resolve("logs"));
            assertTrue(result.ok(), result.diagnostics() + "\n" + seeder.diagnostics());
            SiteFixture.assertSameTree(site, save.resolve("lt-site"));
        }
    }

    @Test
    void plainBtClientDownloadsAV1TorrentFromTheLibtorrentSeeder() throws Exception {
        Path torrent = tmp.resolve("lt-bt.torrent");
        try (LibtorrentPeer seeder = LibtorrentPeer.seedFolder(site, LibtorrentPeer.Kind.V1, torrent, tmp.resolve("logs"),
                Duration.ofSeconds(30))) {
            Path save = tmp.resolve("lt-bt");
            try {
                BtDownload.run(BtDownload.defaultConfig(), torrent, save, List.of(seeder.address()), Duration.ofSeconds(60));
            } catch (java.util.concurrent.TimeoutException e) {
                throw new AssertionError(e.getMessage() + "\n" + seeder.diagnostics(), e);
            }
            SiteFixture.assertSameTree(site, save.resolve("lt-site"));
        }
    }

    @Test
    void plainBtClientDownloadsAHybridTorrentFromTheLibtorrentSeeder() throws Exception {
        Path torrent = tmp.resolve("lt-bt-hybrid.torrent");
        try (LibtorrentPeer seeder = LibtorrentPeer.seedFolder(site, LibtorrentPeer.Kind.HYBRID, torrent, tmp.resolve("logs"),
                Duration.ofSeconds(30))) {
            Path save = tmp.resolve("lt-bt-hybrid");
            try {
                BtDownload.run(BtDownload.defaultConfig(), torrent, save, List.of(seeder.address()), Duration.ofSeconds(60));
            } catch (java.util.concurrent.TimeoutException e) {
                throw new AssertionError(e.getMessage() + "\n" + seeder.diagnostics(), e);
            }
            // bt 1.10 knows nothing of BEP 47 and writes the pad files out as files (zeros) under
            // ".pad/": the engine must keep them out of sites it serves
            int pads = SiteFixture.assertSameTree(site, save.resolve("lt-site"), SiteFixture.Leniency.PAD_FILES_WRITTEN);
            System.err.println("hybrid torrent: bt wrote " + pads + " BEP 47 pad files as .pad/<n> (all zeros)");
        }
    }
}
