package org.bitweb.interop;

import org.bitweb.engine.Engine;
import org.bitweb.testing.TestnetEngineTest;
import org.bitweb.site.Publisher;
import org.bitweb.updates.Publishing;
import com.fasterxml.jackson.databind.JsonNode;
import org.bitweb.address.Hex;
import org.bitweb.address.SiteAddress;
import org.bitweb.dht.MutableItem;
import org.bitweb.keys.Ed25519;
import org.bitweb.json.Json;
import org.bitweb.updates.ItemCheck;
import org.bitweb.updates.RejectedItem;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * BEP 44/46 interop with an independent implementation, libtorrent 2.0 (Debian's
 * python3-libtorrent), on the DHT testnet: libtorrent's {@code dht_get_mutable_item}, which
 * verifies the signature, reads back the item a BitWeb engine put when it published, and BitWeb
 * reads and verifies an item libtorrent put. The Python script ({@code interop/lt_mutable.py})
 * runs as a child of this JVM, so it shares the testnet's network namespace; the test skips
 * where libtorrent is missing ({@link Tools#assumeLibtorrent}).
 */
class LibtorrentInteropTest extends TestnetEngineTest {
    static final String PYTHON = Tools.PYTHON;

    @Override
    protected void assumeTools() {
        Tools.assumeLibtorrent();
    }



    /** Runs the script against this testnet and returns its JSON line. */
    private JsonNode libtorrent(String... args) throws Exception {
        String bootstrap = testnet.net.nodes().stream().limit(6)
                .map(n -> n.localAddress().getAddress().getHostAddress() + ":" + n.localAddress().getPort())
                .collect(Collectors.joining(","));
        List<String> command = new ArrayList<>(List.of(PYTHON, Tools.script("lt_mutable.py").toString(), args[0], testnet.address().getHostAddress(), bootstrap));
        command.addAll(Arrays.asList(args).subList(1, args.length));
        Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("libtorrent did not finish: " + command);
        }
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertEquals(0, process.exitValue(), out);
        return Json.MAPPER.readTree(out);
    }

    @Test
    void libtorrentReadsAndVerifiesTheItemABitwebEnginePublished() throws Exception {
        Path folder = Files.createDirectories(temp.resolve("site"));
        Files.writeString(folder.resolve("index.html"), "<h1>read by libtorrent</h1>");
        Engine engine = testnet.engine("home");
        for (byte[] salt : new byte[][] {new byte[0], "blog".getBytes(StandardCharsets.US_ASCII)}) {
            Publishing.Published published = engine.keySites().publish(folder, "interop", salt, Publisher.Progress.NONE);
            assertTrue(published.dhtNodes() > 0);
            SiteAddress site = SiteAddress.parseHostPart(published.site().address());
            MutableItem item = engine.keySites().record(site).orElseThrow().item();

            JsonNode got = libtorrent("get", site.hex(), Hex.encode(salt), "40");
            assertTrue(got.path("found").asBoolean(), got.toString());
            assertEquals(published.seq(), got.path("seq").asLong(), got.toString());
            assertEquals(published.site().infohash(), got.path("ih").asText(), "libtorrent decoded {ih}: " + got);
            assertEquals(Hex.encode(item.signature()), got.path("signature").asText());
        }
    }

    @Test
    void bitwebReadsAndVerifiesAnItemLibtorrentPutAndRefusesItAsASite() throws Exception {
        byte[] seed = Ed25519.newSeed();
        byte[] publicKey = Ed25519.publicKey(seed);
        byte[] expanded = MessageDigest.getInstance("SHA-512").digest(seed); // libtorrent signs with ref10's expanded key
        expanded[0] &= (byte) 248;
        expanded[31] &= 127;
        expanded[31] |= 64;
        JsonNode put = libtorrent("put", "hello from libtorrent", "", "40", Hex.encode(expanded), Hex.encode(publicKey));
        assertTrue(put.path("nodes").asInt() > 0, put.toString());

        Optional<MutableItem> found = testnet.net.node(9).getMutable(publicKey, new byte[0], Duration.ofSeconds(10)).get(15, TimeUnit.SECONDS);
        MutableItem item = found.orElseThrow(() -> new AssertionError("BitWeb found no item libtorrent put"));
        assertEquals("21:hello from libtorrent", new String(item.value(), StandardCharsets.US_ASCII));
        assertTrue(Ed25519.verify(publicKey, item.signedBuffer(), item.signature()), "Bouncy Castle verifies libtorrent's signature");
        assertEquals(put.path("seq").asLong(), item.seq());
        // a string is a valid BEP 44 item but no BEP 46 site: BitWeb refuses to resolve it
        RejectedItem refused = assertThrows(RejectedItem.class,
                () -> ItemCheck.verify(SiteAddress.publicKey(publicKey), item, Optional.empty()));
        assertTrue(refused.getMessage().contains("not a dictionary"), refused.getMessage());
    }
}
