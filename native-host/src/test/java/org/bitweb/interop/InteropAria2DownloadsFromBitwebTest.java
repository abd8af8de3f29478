package org.bitweb.interop;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Interop, direction A: aria2 downloads a site that BitWeb seeds. aria2 cannot be handed a peer
 * address, so the test serves BitWeb's address from an in-test HTTP tracker on loopback
 * ({@link TinyTracker}, passed with {@code --bt-tracker}; the torrent stays BitWeb's own). DHT,
 * local peer discovery and PEX are off, aria2 reads no config file and binds to 127.0.0.1;
 * {@code --seed-time=0} makes it exit once the download is complete.
 */
@Timeout(180)
class InteropAria2DownloadsFromBitwebTest {
    @TempDir
    static Path tmp;
    static Path site;
    static BitwebSeeder seeder;

    @BeforeAll
    static void publish() throws Exception {
        Tools.assumeBinary("aria2c", "aria2");
        site = SiteFixture.makeSite(tmp.resolve("src"), "interop-site", 4);
        seeder = BitwebSeeder.publish(site, tmp.resolve("state"));
    }

    @AfterAll
    static void stop() {
        if (seeder != null) {
            seeder.close();
        }
    }

    @Test
    void aria2DownloadsTheWholeSiteByteForByte() throws Exception {
        Path save = Files.createDirectories(tmp.resolve("aria2-download"));
        int port = BtDownload.freePort();
        try (TinyTracker tracker = new TinyTracker(List.of(seeder.peerAddress()))) {
            List<String> command = List.of(Tools.which("aria2c").orElseThrow().toString(),
                    "--no-conf=true",
                    "--dir=" + save,
                    "--enable-dht=false", "--enable-dht6=false",
                    "--bt-enable-lpd=false",
                    "--enable-peer-exchange=false",
                    "--disable-ipv6=true",
                    "--interface=127.0.0.1",
                    "--listen-port=" + port,
                    "--bt-external-ip=127.0.0.1",
                    "--bt-tracker=" + tracker.announceUrl(),
                    "--seed-time=0",
                    "--bt-stop-timeout=90",
                    "--file-allocation=none",
                    "--summary-interval=1",
                    "--console-log-level=notice",
                    "--enable-color=false",
                    seeder.torrent().toString());
            try (Proc proc = Proc.start("aria2c", command, tmp.resolve("logs"))) {
                Optional<Integer> exit = proc.waitFor(Duration.ofSeconds(120));
                assertEquals(Optional.of(0), exit, "aria2 did not complete the download from BitWeb (tracker saw "
                        + tracker.announces() + " announces):\n" + proc.diagnostics());
            }
        }
        // aria2 writes BitWeb's BEP 47 pad files out as files of zeros
        SiteFixture.assertSameTree(site, save.resolve("interop-site"), SiteFixture.Leniency.PAD_FILES_WRITTEN);
    }
}
