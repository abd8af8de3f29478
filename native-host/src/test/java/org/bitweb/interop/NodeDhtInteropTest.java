package org.bitweb.interop;

import org.bitweb.engine.Engine;
import org.bitweb.testing.TestnetEngineTest;
import org.bitweb.site.Publisher;
import org.bitweb.updates.UpdatableSiteTestnetTest;
import com.fasterxml.jackson.databind.JsonNode;
import org.bitweb.address.Hex;
import org.bitweb.address.SiteAddress;
import org.bitweb.dht.MutableItem;
import org.bitweb.keys.Ed25519;
import org.bitweb.json.Json;
import org.bitweb.testing.Http;
import org.bitweb.updates.ItemCheck;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A BEP 46 site published by an independent implementation is resolved and read by BitWeb: the
 * npm package {@code bittorrent-dht} (webtorrent's DHT, signing with Node's own ed25519) puts
 * {@code {ih}} under a key and salt on the DHT testnet, and a BitWeb engine opens
 * {@code http://<salt>.<key>.bitweb/} through its gateway. Skips without {@code node} or without
 * the package ({@code npm ci} in {@code src/test/node}, which scripts/install-test-deps.sh runs).
 */
class NodeDhtInteropTest extends TestnetEngineTest {
    static final Path FOLDER = Path.of("src/test/node").toAbsolutePath();

    @Override
    protected void assumeTools() {
        Tools.assumeBittorrentDht();
        Tools.assumeBinary("node", "nodejs");
    }




    @Test
    void aSitePublishedByBittorrentDhtIsReadThroughBitwebsGateway() throws Exception {
        Path folder = Files.createDirectories(temp.resolve("site"));
        Files.writeString(folder.resolve("index.html"), "<h1>put by bittorrent-dht</h1>");
        Engine seeder = testnet.engine("seeder");
        String ih = seeder.publish(folder, Publisher.Progress.NONE).infohash();

        byte[] seed = Ed25519.newSeed();
        byte[] salt = "node".getBytes(StandardCharsets.US_ASCII);
        SiteAddress site = SiteAddress.publicKey(Ed25519.publicKey(seed), salt);
        String bootstrap = testnet.net.nodes().stream().limit(6)
                .map(n -> n.localAddress().getAddress().getHostAddress() + ":" + n.localAddress().getPort())
                .collect(Collectors.joining(","));
        Process process = new ProcessBuilder("node", FOLDER.resolve("bep46_put.mjs").toString(), testnet.address().getHostAddress(),
                bootstrap, Hex.encode(seed), ih, Hex.encode(salt), "7", "40")
                .directory(FOLDER.toFile()).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "bittorrent-dht finished");
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertEquals(0, process.exitValue(), out);
        JsonNode put = Json.MAPPER.readTree(out);
        assertEquals(site.hex(), put.path("key").asText(), "Node derived the same public key from the seed");
        assertEquals(Hex.encode(MutableItem.target(site.bytes(), salt)), put.path("target").asText(), "same BEP 44 target");
        assertTrue(put.path("nodes").asInt() > 0, out);

        Optional<MutableItem> found = testnet.net.node(11).getMutable(site.bytes(), salt, Duration.ofSeconds(10)).get(15, TimeUnit.SECONDS);
        ItemCheck.Verified verified = ItemCheck.verify(site, found.orElseThrow(), Optional.empty());
        assertEquals(7, verified.seq());
        assertEquals(ih, verified.infohash());

        Engine visitor = testnet.engine("visitor");
        Http.Reply page = UpdatableSiteTestnetTest.getReady(visitor, site, "/", Duration.ofSeconds(45));
        assertEquals("<h1>put by bittorrent-dht</h1>", page.text());
        assertEquals(7, visitor.keySites().record(site).orElseThrow().seq());
    }
}
