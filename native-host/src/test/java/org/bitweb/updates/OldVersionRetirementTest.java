package org.bitweb.updates;

import org.bitweb.engine.Engine;
import org.bitweb.engine.EngineOptions;
import org.bitweb.site.Publisher;
import org.bitweb.address.SiteAddress;
import org.bitweb.gateway.SiteSource;
import org.bitweb.store.StateDir;
import org.bitweb.testing.Await;
import org.bitweb.testing.Http;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
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
import java.util.Optional;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A key site's publisher stops seeding the older version once another peer holds the whole new
 * one, however long the grace period, and keeps it while nobody does: two real engines on
 * loopback, no DHT (the other engine is told the publisher's address).
 */
@Timeout(120)
class OldVersionRetirementTest {
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    /** Far longer than the test: only a copy elsewhere can retire the old version. */
    private static final Optional<Duration> LONG_GRACE = Optional.of(Duration.ofDays(365));

    @TempDir
    Path temp;
    private StateDir publisherState;
    private Engine publisher;
    private Engine other;
    private KeySites keySites;
    private SiteAddress site;
    private String v1;
    private String v2;

    @BeforeEach
    void publishTwoVersions() throws IOException {
        Path folder = Files.createDirectories(temp.resolve("blog"));
        Files.writeString(folder.resolve("index.html"), "<h1>one</h1>");
        byte[] data = new byte[4 * 1024 * 1024]; // 64 pieces: a page read is not the whole version
        new Random(11).nextBytes(data);
        Files.write(folder.resolve("data.bin"), data);
        publisherState = new StateDir(temp.resolve("publisher"));
        publisher = Engine.start(publisherState, new EngineOptions(0, 0, LOOPBACK));
        keySites = publisher.keySites();
        keySites.oldVersionGrace(LONG_GRACE);
        Publishing.Published first = keySites.publish(folder, "blog", new byte[0], Publisher.Progress.NONE);
        Files.writeString(folder.resolve("index.html"), "<h1>two</h1>");
        Publishing.Published second = keySites.publish(folder, "blog", new byte[0], Publisher.Progress.NONE);
        site = SiteAddress.parseHostPart(second.site().address());
        v1 = first.site().infohash();
        v2 = second.site().infohash();
        assertEquals(List.of(v1), keySites.record(site).orElseThrow().previous());
        other = Engine.start(new StateDir(temp.resolve("other")), new EngineOptions(0, 0, LOOPBACK,
                Duration.ofSeconds(20), Duration.ofSeconds(20)));
    }

    @AfterEach
    void stop() {
        if (other != null) {
            other.close();
        }
        if (publisher != null) {
            publisher.close();
        }
    }

    private static SiteAddress version(String infohash) {
        return new SiteAddress(SiteAddress.Kind.INFOHASH, infohash);
    }

    /** The other engine gets a version's file list from the publisher. */
    private void otherFetches(String infohash) {
        List<InetSocketAddress> publisherPeer = List.of(new InetSocketAddress(LOOPBACK, publisher.peerPort()));
        SiteSource.Lookup lookup = other.fetch(version(infohash), publisherPeer, Duration.ofSeconds(20));
        assertInstanceOf(SiteSource.Lookup.Ready.class, lookup, () -> "not ready: " + lookup);
    }

    private void otherHoldsAllOf(String infohash) throws IOException {
        otherFetches(infohash);
        other.seed(infohash); // downloads it in full and shares it
        Await.until("the other engine holds all of " + infohash, Duration.ofSeconds(60),
                () -> other.completion(version(infohash)).orElse(0.0) == 1.0);
    }

    @Test
    void theOldVersionIsRetiredOnceAnotherPeerHoldsTheWholeNewOne() throws Exception {
        otherHoldsAllOf(v2);

        Await.until("the publisher retires v1", Duration.ofSeconds(30),
                () -> keySites.record(site).orElseThrow().previous().isEmpty());
        assertTrue(keySites.copies().complete(v2));
        Await.until("v1's files are gone", Duration.ofSeconds(10), () -> !Files.exists(publisherState.site(v1)));
        assertTrue(publisher.site(v1).isEmpty(), "v1 is no longer in the publisher's store");
        assertTrue(publisher.site(v2).orElseThrow().seeding(), "the current version is still seeded");
        assertEquals("<h1>two</h1>", Http.proxyGet(publisher.gatewayPort(), site.host(), "/").text());
    }

    @Test
    void withoutAWholeCopyOfTheNewVersionElsewhereTheOldOneStaysForItsGrace() throws Exception {
        // another peer holds all of the OLD version, and only the first page of the new one
        otherHoldsAllOf(v1);
        otherFetches(v2);
        assertEquals("<h1>two</h1>", Http.proxyGet(other.gatewayPort(), version(v2).host(), "/").text());
        CopiesElsewhere copies = keySites.copies();
        Await.until("the publisher hears that the other peer holds all of v1", Duration.ofSeconds(30),
                () -> copies.complete(v1));
        Await.until("the publisher hears of the other peer's pieces of v2", Duration.ofSeconds(30),
                () -> copies.mostPieces(v2) > 0);

        assertFalse(copies.complete(v2), "the other peer holds " + copies.mostPieces(v2) + " pieces of v2");
        assertEquals(List.of(), keySites.retireOldVersions());
        assertEquals(List.of(v1), keySites.record(site).orElseThrow().previous());
        assertTrue(Files.exists(publisherState.site(v1)));
        assertTrue(publisher.site(v1).orElseThrow().seeding(), "v1 is still seeded");
    }
}
