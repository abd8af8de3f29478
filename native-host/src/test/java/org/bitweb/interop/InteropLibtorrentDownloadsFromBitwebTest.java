package org.bitweb.interop;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Interop, direction A: Debian's python3-libtorrent 2.0 downloads a site that a BitWeb engine
 * published and seeds, knowing nothing but the torrent file and BitWeb's peer address. Proves
 * BitWeb's torrents are plain v1 torrents and its seeder speaks standard BitTorrent, with each of
 * libtorrent's handshakes: plaintext, its default (encrypted handshake (MSE) first, plaintext as
 * fallback) and RC4 only.
 *
 * <p>bt 1.10 drops some incoming encrypted handshakes (it does not read libtorrent's initial
 * payload when it arrives in its own TCP segment, and its read limit leaves the payload out), so
 * libtorrent may need more than one connection; lt_download.py retries every second and reports
 * the count, which this test prints.
 */
@Timeout(180)
class InteropLibtorrentDownloadsFromBitwebTest {
    @TempDir
    static Path tmp;
    static Path site;
    static BitwebSeeder seeder;

    @BeforeAll
    static void publish() throws Exception {
        Tools.assumeLibtorrent();
        site = SiteFixture.makeSite(tmp.resolve("src"), "interop-site", 1);
        seeder = BitwebSeeder.publish(site, tmp.resolve("state"));
    }

    @AfterAll
    static void stop() {
        if (seeder != null) {
            seeder.close();
        }
    }

    @ParameterizedTest
    // BitWeb speaks plaintext only (bt 1.10's encryption is broken: docs/TUNING.md), so a
    // libtorrent that insists on encryption (FORCED) cannot download; its default (ENABLED)
    // falls back to plaintext
    @EnumSource(value = LibtorrentDownload.Encryption.class, names = {"DISABLED", "ENABLED"})
    void libtorrentDownloadsTheWholeSiteByteForByte(LibtorrentDownload.Encryption encryption) throws Exception {
        Path save = tmp.resolve("lt-" + encryption);
        LibtorrentDownload.Result result = LibtorrentDownload.run(seeder.torrent(), save, List.of(seeder.peerAddress()),
                encryption, Duration.ofSeconds(60), tmp.resolve("logs"));
        assertTrue(result.ok(), "libtorrent (encryption " + encryption + ") did not download the site from BitWeb:\n"
                + result.diagnostics());
        System.err.printf("libtorrent <- BitWeb, encryption %s: %.2f s, %d connection(s)%n",
                encryption, result.seconds(), result.connections());
        SiteFixture.assertSameTree(site, save.resolve("interop-site"));
    }
}
