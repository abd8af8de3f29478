package org.bitweb.updates;

import org.bitweb.address.SiteAddress;
import org.bitweb.dht.DhtNode;
import org.bitweb.dht.MutableItem;
import org.bitweb.dht.Testnet;
import org.bitweb.engine.Engine;
import org.bitweb.site.Publisher;
import org.bitweb.site.SiteStatus;
import org.bitweb.testing.TestnetEngineTest;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A reader whose tab shows a key site, and whom no peer tells of a new version, sees it within
 * 15 s of its publish, with the engine's default timing: the gateway served the site a moment
 * ago, so the engine asks the DHT every 5 s ({@link Watching}).
 */
class WatchedSiteTestnetTest extends TestnetEngineTest {
    private static final Logger log = LoggerFactory.getLogger(WatchedSiteTestnetTest.class);
    private static final Duration FETCH = Duration.ofSeconds(45);

    @Test
    void aReaderNoPeerTellsSeesANewVersionWithinFifteenSeconds() throws Exception {
        Path one = UpdatableSiteTestnetTest.site(temp.resolve("one"), "<h1>version one</h1>");
        Engine publisher = testnet.engine("publisher");
        Publishing.Published v1 = publisher.keySites().publish(one, "watched", new byte[0], Publisher.Progress.NONE);
        SiteAddress site = SiteAddress.parseHostPart(v1.site().address());

        Engine reader = testnet.engine("reader");
        assertEquals(UpdateTiming.DEFAULTS, reader.keySites().timing());
        assertTrue(UpdatableSiteTestnetTest.getReady(reader, site, "/", FETCH).text().contains("version one"));

        // version two comes from elsewhere: another engine seeds it, and the item (signed with the
        // site's key) goes into the DHT through a testnet node; the publisher the reader is
        // connected to knows nothing of it, so no peer tells the reader
        Path two = UpdatableSiteTestnetTest.site(temp.resolve("two"), "<h1>version two</h1>");
        Engine elsewhere = testnet.engine("elsewhere");
        String ih2 = elsewhere.publish(two, Publisher.Progress.NONE).infohash();
        MutableItem item = org.bitweb.keys.KeyRing.of(publisher.stateDir()).load("watched").signItem(new byte[0], 2, SiteValue.encode(ih2));
        DhtNode someone = testnet.net.node(4);
        long sentBefore = reader.dht().orElseThrow().stats().packetsSent();
        long start = System.nanoTime();
        assertTrue(someone.putMutable(item, Duration.ofSeconds(10)).get(15, TimeUnit.SECONDS) >= 6);
        long published = System.nanoTime();

        // the tab stays open and idle: no request reaches the gateway until the engine has it
        Testnet.await("the reader to learn seq 2 from the DHT", Duration.ofSeconds(15),
                () -> reader.keySites().record(site).map(r -> r.seq() == 2).orElse(false));
        long learnedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - published);
        String page = UpdatableSiteTestnetTest.getUntil(reader, site, "/", "version two", FETCH).text();
        long shownMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - published);
        assertTrue(page.contains("version two"));
        long seconds = Math.max(1, TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start));
        long sent = reader.dht().orElseThrow().stats().packetsSent() - sentBefore;
        log.info("figure: a reader no peer told learned of v2 {} ms after the put, its next page showed v2 after {} ms; "
                + "its DHT node sent {} packets in {} s meanwhile", learnedMs, shownMs, sent, seconds);
        assertTrue(shownMs < 15_000, "the new version was on screen " + shownMs + " ms after its publish");

        SiteStatus status = reader.keySites().status(reader.keySites().record(site).orElseThrow());
        assertNotNull(status.checkingForUpdates(), "a key site's status says whether it is being checked");
        assertNotNull(status.checkedAt(), "and when it last was");
    }
}
