package org.bitweb.updates;

import org.bitweb.address.SiteAddress;
import org.bitweb.dht.DhtNode;
import org.bitweb.dht.MutableItem;
import org.bitweb.dht.Testnet;
import org.bitweb.engine.Engine;
import org.bitweb.keys.KeyRing;
import org.bitweb.site.Publisher;
import org.bitweb.store.StateDir;
import org.bitweb.testing.TestnetEngineTest;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A version published with no engine running ({@code bitweb publish --key} while no engine is up)
 * is signed from what this machine knows and marked to be checked; the engine, when it next
 * starts, asks the DHT before its first put of it. On the private DHT testnet.
 */
class OfflinePublishTestnetTest extends TestnetEngineTest {
    private static final byte[] NO_SALT = new byte[0];
    /** The first round of puts one second after the timing is set, then every second. */
    private static final UpdateTiming FAST_PUTS = UpdateTiming.DEFAULTS.withRepublish(Duration.ofSeconds(1), Duration.ofSeconds(1));

    private Publishing.PublishedOffline publishOffline(String machine, String text) throws Exception {
        Path folder = Files.createDirectories(temp.resolve("src-" + machine));
        Files.writeString(folder.resolve("index.html"), text);
        // testnet.engine(machine) starts its engine on this same state folder
        return Publishing.publishOffline(new StateDir(temp.resolve(machine)), folder, "blog", NO_SALT, Publisher.Progress.NONE);
    }

    /** The site's item as a DHT node finds it; empty while none is found. */
    private static Optional<MutableItem> seenBy(DhtNode node, SiteAddress site) {
        try {
            return node.getMutable(site.bytes(), NO_SALT, Duration.ofSeconds(10)).get(15, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private Optional<MutableItem> inDht(SiteAddress site) {
        return seenBy(testnet.net.node(5), site);
    }

    @Test
    void anOfflineVersionIsPutAsSignedWhenTheDhtHasNothingNewer() throws Exception {
        Publishing.PublishedOffline offline = publishOffline("laptop", "<h1>written on a train</h1>");
        assertEquals(1, offline.seq());

        Engine engine = testnet.engine("laptop");
        KeySiteRecord pending = engine.keySites().record(offline.site()).orElseThrow();
        assertTrue(pending.pendingCheck(), "signed without asking the DHT");
        engine.keySites().timing(FAST_PUTS);

        Testnet.await("the engine to check the offline version against the DHT", Duration.ofSeconds(30),
                () -> engine.keySites().record(offline.site()).map(r -> !r.pendingCheck()).orElse(false));
        assertEquals(1, engine.keySites().record(offline.site()).orElseThrow().seq(), "nothing newer: not signed again");
        Testnet.await("the item in the DHT", Duration.ofSeconds(30), () -> inDht(offline.site()).isPresent());
        MutableItem item = inDht(offline.site()).orElseThrow();
        assertEquals(1, item.seq());
        assertEquals(offline.version().infohash(), SiteValue.infohash(item.value()));
    }

    @Test
    void anOfflineVersionIsSignedAgainAboveAnotherMachinesNewerOne() throws Exception {
        Publishing.PublishedOffline offline = publishOffline("laptop", "<h1>the latest, from the laptop</h1>");
        SiteAddress site = offline.site();
        // meanwhile the desktop, with an imported copy of the key, published seq 5 of another version
        MutableItem desktops = KeyRing.of(new StateDir(temp.resolve("laptop"))).load("blog")
                .signItem(NO_SALT, 5, SiteValue.encode("ab".repeat(20)));
        assertTrue(testnet.net.node(3).putMutable(desktops, Duration.ofSeconds(10)).get(15, TimeUnit.SECONDS) > 0);

        Engine engine = testnet.engine("laptop");
        // a node that just joined can miss an item in its first lookups: the check is made once it sees it
        Testnet.await("the engine's DHT node to find seq 5", Duration.ofSeconds(30),
                () -> seenBy(engine.dht().orElseThrow(), site).map(i -> i.seq() == 5).orElse(false));
        engine.keySites().timing(FAST_PUTS);

        Testnet.await("the engine to sign the offline version again above seq 5", Duration.ofSeconds(30),
                () -> engine.keySites().record(site).map(r -> !r.pendingCheck() && r.seq() == 6).orElse(false));
        KeySiteRecord record = engine.keySites().record(site).orElseThrow();
        assertEquals(offline.version().infohash(), record.infohash(), "the latest publish on this machine is the intent");
        assertEquals(6, KeyRing.of(engine.stateDir()).lastSeq("blog", NO_SALT));
        Testnet.await("seq 6 in the DHT", Duration.ofSeconds(30),
                () -> inDht(site).map(i -> i.seq() == 6).orElse(false));
        assertEquals(offline.version().infohash(), SiteValue.infohash(inDht(site).orElseThrow().value()));
    }
}
