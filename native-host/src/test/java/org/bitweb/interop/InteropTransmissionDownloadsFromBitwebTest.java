package org.bitweb.interop;

import bt.runtime.Config;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Interop, direction A: Transmission 3 ({@code transmission-cli}) downloads a site that BitWeb
 * published: BitWeb's torrent and BitWeb's data folder, seeded by bt 1.10 configured as the engine
 * configures it, which connects to Transmission.
 *
 * <p>Why bt connects out instead of Transmission connecting to the engine: Transmission 3.00 drops
 * every peer in 127.0.0.0/8 that a tracker, PEX or its resume file names (libtransmission's
 * {@code isMartianAddr}) and cannot be handed a peer directly, so on loopback it never connects
 * out; it does accept peers that connect to it. The engine cannot yet be told to connect to a
 * peer (the swarm engine's peer hints will), so the test runs bt itself; once the engine can, it
 * should connect to Transmission here instead.
 *
 * <p>DHT, local peer discovery, PEX, uTP and port mapping are off, and Transmission listens on
 * 127.0.0.1 only (settings.json in its own config dir; its command line cannot switch these off).
 */
@Timeout(180)
class InteropTransmissionDownloadsFromBitwebTest {
    @TempDir
    static Path tmp;
    static Path site;
    static Path torrent;
    static Path data;

    @BeforeAll
    static void publish() throws Exception {
        Tools.assumeBinary("transmission-cli", "transmission-cli");
        site = SiteFixture.makeSite(tmp.resolve("src"), "interop-site", 3);
        try (BitwebSeeder published = BitwebSeeder.publish(site, tmp.resolve("state"))) {
            torrent = published.torrent();
            data = published.dataRoot();
        }
    }

    /** bt with a plain BitTorrent handshake (MSE off): works. */
    @Test
    void transmissionDownloadsTheWholeSiteByteForByteOverAPlainHandshake() throws Exception {
        Config config = BtDownload.defaultConfig();
        config.setMseDisabled(true);
        downloadWithTransmission(config, "plain");
    }

    /**
     * bt with its default encryption settings, as the engine runs it today: bt opens with an MSE
     * handshake offering plaintext and RC4, Transmission (encryption "preferred") selects RC4, and
     * bt 1.10 garbles the stream: bytes that arrived during the handshake (Transmission's
     * BitTorrent handshake) are decrypted in place by MSEHandshakeProcessor and then again by the
     * channel pipeline (InboundMessageProcessor decodes its buffer from offset 0), which also
     * leaves the RC4 keystream out of step ("Unknown message type ID: <random>"). BitWeb will
     * meet the same with every Transmission peer it downloads from. Enable when the engine patches
     * bt's MSE or turns it off.
     */
    @Test
    @Disabled("bt 1.10 MSE: RC4 leftovers decrypted twice; fails against Transmission (see javadoc)")
    void transmissionDownloadsFromBtWithTheEnginesEncryptionSettings() throws Exception {
        downloadWithTransmission(BtDownload.defaultConfig(), "mse");
    }

    private void downloadWithTransmission(Config btConfig, String label) throws Exception {
        Path config = Files.createDirectories(tmp.resolve("transmission-config-" + label));
        Path save = Files.createDirectories(tmp.resolve("transmission-download-" + label));
        int port = BtDownload.freePort();
        Files.writeString(config.resolve("settings.json"), """
                {
                  "dht-enabled": false,
                  "lpd-enabled": false,
                  "pex-enabled": false,
                  "utp-enabled": false,
                  "port-forwarding-enabled": false,
                  "bind-address-ipv4": "127.0.0.1",
                  "bind-address-ipv6": "::1",
                  "peer-port": %d,
                  "peer-port-random-on-start": false,
                  "rpc-enabled": false,
                  "blocklist-enabled": false,
                  "rename-partial-files": false,
                  "incomplete-dir-enabled": false,
                  "watch-dir-enabled": false,
                  "download-dir": "%s",
                  "message-level": 2
                }
                """.formatted(port, save));
        List<String> command = List.of(Tools.which("transmission-cli").orElseThrow().toString(),
                "-g", config.toString(), "-w", save.toString(), "-p", Integer.toString(port), "-M", torrent.toString());
        try (Proc transmission = Proc.start("transmission-cli-" + label, command, tmp.resolve("logs"))) {
            Optional<String> listening = awaitListening(port, Duration.ofSeconds(20));
            assertTrue(listening.isEmpty(), listening.orElse("") + "\n" + transmission.diagnostics());
            try (BtSeed seed = BtSeed.start(btConfig, torrent, data, List.of(new InetSocketAddress("127.0.0.1", port)))) {
                // transmission-cli never exits by itself: it seeds once complete
                Optional<String> seeding = transmission.awaitLine(l -> l.contains("Seeding"), Duration.ofSeconds(60));
                assertTrue(seeding.isPresent(), "transmission did not complete the download from bt:\n"
                        + transmission.diagnostics());
            }
            transmission.terminate();
        }
        SiteFixture.assertSameTree(site, save.resolve("interop-site"), SiteFixture.Leniency.EMPTY_FILES_NOT_CREATED,
                SiteFixture.Leniency.PAD_FILES_WRITTEN);
    }

    /** Empty when something accepts on 127.0.0.1:port within the deadline, else why not. */
    private static Optional<String> awaitListening(int port, Duration deadline) throws InterruptedException {
        long end = System.nanoTime() + deadline.toNanos();
        while (System.nanoTime() < end) {
            try (java.net.Socket ignored = new java.net.Socket("127.0.0.1", port)) {
                return Optional.empty();
            } catch (java.io.IOException e) {
                Thread.sleep(100);
            }
        }
        return Optional.of("transmission is not listening on 127.0.0.1:" + port + " after " + deadline.toSeconds() + "s");
    }
}
