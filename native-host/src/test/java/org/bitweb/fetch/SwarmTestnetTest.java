package org.bitweb.fetch;

import org.bitweb.engine.Engine;
import org.bitweb.testing.TestnetEngineTest;
import org.bitweb.site.Publisher;
import org.bitweb.address.SiteAddress;
import org.bitweb.dht.DhtNode;
import org.bitweb.dht.Testnet;
import org.bitweb.gateway.SiteSource;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * On the private DHT testnet: a site published on one engine is browsed through the gateway of
 * another that knows only the infohash, and an independent DHT node never sees the visitor as a
 * peer until the visitor chooses to seed.
 */
class SwarmTestnetTest extends TestnetEngineTest {
    private static final Duration LOOKUP = Duration.ofSeconds(20);




    private List<InetAddress> peersSeenBy(DhtNode observer, SiteAddress site) throws Exception {
        return observer.getPeers(site.bytes(), LOOKUP, p -> { }).get(LOOKUP.toSeconds() + 5, TimeUnit.SECONDS)
                .stream().map(InetSocketAddress::getAddress).toList();
    }

    @Test
    void aSiteIsFoundThroughTheDhtAloneAndAVisitorStaysHiddenUntilItSeeds() throws Exception {
        Path folder = Files.createDirectories(temp.resolve("site"));
        Files.writeString(folder.resolve("index.html"), "<h1>found through the DHT</h1>");
        Engine publisher = testnet.engine("publisher");
        SiteAddress site = new SiteAddress(SiteAddress.Kind.INFOHASH,
                publisher.publish(folder, Publisher.Progress.NONE).address());
        InetAddress publisherAddress = publisher.dht().orElseThrow().localAddress().getAddress();
        DhtNode observer = testnet.net.node(testnet.net.size() - 1);
        Testnet.await("the publisher's announce to reach the DHT", Duration.ofSeconds(60),
                () -> {
                    try {
                        return peersSeenBy(observer, site).contains(publisherAddress);
                    } catch (Exception e) {
                        return false;
                    }
                });

        Engine visitor = testnet.engine("visitor");
        InetAddress visitorAddress = visitor.dht().orElseThrow().localAddress().getAddress();
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        SiteSource.Lookup lookup = visitor.fetch(site, List.of(), Duration.ofSeconds(5));
        while (!(lookup instanceof SiteSource.Lookup.Ready) && System.nanoTime() < deadline) {
            lookup = visitor.fetch(site, List.of(), Duration.ofSeconds(5));
        }
        assertTrue(lookup instanceof SiteSource.Lookup.Ready, "found and fetched through the DHT: " + lookup);
        String page = SwarmFetchTest.get(visitor.gatewayPort(), site.host(), "/");
        assertTrue(page.endsWith("<h1>found through the DHT</h1>"), page);

        List<InetAddress> seen = peersSeenBy(observer, site);
        assertTrue(seen.contains(publisherAddress), "the publisher announced: " + seen);
        assertFalse(seen.contains(visitorAddress), "a visitor looks up but never announces: " + seen);

        visitor.seed(site.hex());
        Testnet.await("the visitor, now seeding, to be announced", Duration.ofSeconds(60), () -> {
            try {
                return peersSeenBy(observer, site).contains(visitorAddress);
            } catch (Exception e) {
                return false;
            }
        });
        assertEquals(visitorAddress, peersSeenBy(observer, site).stream().filter(visitorAddress::equals).findFirst().orElseThrow());
    }
}
