package org.bitweb.updates;

import org.bitweb.engine.Engine;
import org.bitweb.testing.TestnetEngineTest;
import org.bitweb.site.Publisher;
import org.bitweb.site.SiteStatus;
import org.bitweb.address.SiteAddress;
import org.bitweb.dht.MutableItem;
import org.bitweb.dht.Testnet;
import org.bitweb.testing.Http;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Updatable sites on the private DHT testnet: a site published under a key is read through
 * another engine's gateway by its key alone, then updated, and the update reaches both that
 * visitor (on its next navigation) and a fresh one. The timings are logged as "figure:" lines.
 */
public class UpdatableSiteTestnetTest extends TestnetEngineTest {
    private static final Logger log = LoggerFactory.getLogger(UpdatableSiteTestnetTest.class);
    private static final Duration FETCH = Duration.ofSeconds(45);




    /** GETs through the gateway until it answers 200 (the loading page is a 503 that reloads itself). */
    public static Http.Reply getReady(Engine engine, SiteAddress site, String path, Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        Http.Reply reply = Http.proxyGet(engine.gatewayPort(), site.host(), path);
        while (reply.status() != 200 && System.nanoTime() < deadline) {
            assertTrue(reply.status() == 503, "only the loading page comes before the site: " + reply.status() + " " + reply.text());
            reply = Http.proxyGet(engine.gatewayPort(), site.host(), path);
        }
        assertEquals(200, reply.status(), reply.text());
        return reply;
    }

    /** GETs until the body contains {@code text}; every answer on the way is a version of the site. */
    static Http.Reply getUntil(Engine engine, SiteAddress site, String path, String text, Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        Http.Reply reply = getReady(engine, site, path, timeout);
        while (!reply.text().contains(text) && System.nanoTime() < deadline) {
            try {
                Thread.sleep(50); // a navigation every 50 ms, until the deadline
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
            reply = getReady(engine, site, path, Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
        }
        assertTrue(reply.text().contains(text), "expected '" + text + "' in " + reply.text());
        return reply;
    }

    public static String header(Http.Reply reply, String name) {
        return reply.head().lines().filter(l -> l.toLowerCase(Locale.ROOT).startsWith(name.toLowerCase(Locale.ROOT) + ":"))
                .map(l -> l.substring(l.indexOf(':') + 1).trim()).findFirst().orElse(null);
    }

    static Path site(Path root, String index) throws IOException {
        Files.createDirectories(root.resolve("img"));
        Files.writeString(root.resolve("index.html"), index);
        Files.writeString(root.resolve("about.html"), "<p>about: the same in every version</p>");
        Files.write(root.resolve("img/logo.bin"), new byte[200_000]);
        return root;
    }

    @Test
    void aKeySiteIsReadByKeyAndItsUpdateReachesAVisitorAndAFreshOne() throws Exception {
        Path folder = site(temp.resolve("blog"), "<h1>version one</h1>");
        Engine publisher = testnet.engine("publisher");
        Publishing.Published v1 = publisher.keySites().publish(folder, "blog", new byte[0], Publisher.Progress.NONE);
        assertEquals(1, v1.seq());
        assertTrue(v1.newSeq());
        assertTrue(v1.dhtNodes() > 0, "the DHT took the item: " + v1.dhtNodes());
        SiteAddress site = SiteAddress.parseHostPart(v1.site().address());
        assertEquals(SiteAddress.Kind.PUBLIC_KEY, site.kind());
        assertEquals(site.url(), v1.site().url());
        // the site list shows the key site, not its torrent
        assertEquals(List.of(site.label()), publisher.sites().stream().map(SiteStatus::address).toList());
        assertEquals(v1.site().infohash(), publisher.sites().get(0).infohash());

        long start = System.nanoTime();
        assertTrue(testnet.net.node(7).getMutable(site.bytes(), new byte[0], Duration.ofSeconds(10)).get(15, TimeUnit.SECONDS).isPresent());
        long getMs = (System.nanoTime() - start) / 1_000_000;

        Engine visitor = testnet.engine("visitor");
        visitor.keySites().timing(UpdateTiming.DEFAULTS.withRecheck(Duration.ofSeconds(1)));
        start = System.nanoTime();
        Http.Reply first = getReady(visitor, site, "/", FETCH);
        long coldMs = (System.nanoTime() - start) / 1_000_000;
        assertTrue(first.text().contains("version one"), first.text());
        start = System.nanoTime();
        Http.Reply again = getReady(visitor, site, "/", FETCH);
        long cachedSameMs = (System.nanoTime() - start) / 1_000_000;
        assertEquals(first.text(), again.text());
        start = System.nanoTime();
        Http.Reply cached = getReady(visitor, site, "/about.html", FETCH);
        long cachedMs = (System.nanoTime() - start) / 1_000_000;
        assertTrue(cached.text().contains("about"), cached.text());
        String etag1 = header(first, "ETag");

        Files.writeString(folder.resolve("index.html"), "<h1>version two</h1>");
        long published = System.nanoTime();
        Publishing.Published v2 = publisher.keySites().publish(folder, "blog", new byte[0], Publisher.Progress.NONE);
        long publishMs = (System.nanoTime() - published) / 1_000_000;
        assertEquals(2, v2.seq());
        assertNotEquals(v1.site().infohash(), v2.site().infohash());
        assertEquals(List.of(site.label()), publisher.sites().stream().map(SiteStatus::address).toList(),
                "both versions are one site in the list");
        Http.Reply updated = getUntil(visitor, site, "/", "version two", FETCH);
        long visitorMs = (System.nanoTime() - published) / 1_000_000 - publishMs;
        assertNotEquals(etag1, header(updated, "ETag"), "a new version is a new ETag");
        assertEquals(v2.site().infohash(), visitor.keySites().record(site).orElseThrow().infohash());
        assertEquals(2, visitor.keySites().record(site).orElseThrow().seq());

        Engine fresh = testnet.engine("fresh");
        start = System.nanoTime();
        Http.Reply freshReply = getReady(fresh, site, "/", FETCH);
        long freshMs = (System.nanoTime() - start) / 1_000_000;
        assertTrue(freshReply.text().contains("version two"), freshReply.text());

        log.info("figure: resolve of a key host, cold (DHT get + file list + page): {} ms", coldMs);
        log.info("figure: DHT get of the item alone, from a testnet node: {} ms", getMs);
        log.info("figure: the same page again from a cached key host: {} ms", cachedSameMs);
        log.info("figure: another page (fetches its piece) of a cached key host: {} ms", cachedMs);
        log.info("figure: publish of v2 (hash, DHT get, put): {} ms", publishMs);
        log.info("figure: v2 reaches a reading visitor through DHT re-checks (1 s), after the publish returned: {} ms", visitorMs);
        log.info("figure: v2 reaches a fresh visitor (cold resolve): {} ms", freshMs);
    }

    /** Waits until the visitor holds every piece of the version it shows of {@code site}. */
    static void awaitComplete(Engine visitor, SiteAddress site, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (visitor.completion(site).orElse(0.0) < 1.0 && System.nanoTime() < deadline) {
            Thread.sleep(20); // completion is read from bt's bitfield: poll it, bounded by the deadline
        }
        assertEquals(1.0, visitor.completion(site).orElse(0.0), "the whole site arrived");
    }

    @Test
    void anUpdateIsFetchedWithoutTheFilesThatDidNotChange() throws Exception {
        Path folder = Files.createDirectories(temp.resolve("gallery/img"));
        Files.writeString(folder.resolve("../index.html"), "<h1>gallery</h1>");
        byte[] photo = new byte[400_000];
        new java.util.Random(1).nextBytes(photo);
        Files.write(folder.resolve("photo.bin"), photo);
        byte[] video = new byte[1_000_000];
        new java.util.Random(2).nextBytes(video);
        Files.write(folder.resolve("../video.bin"), video);
        Path news = folder.resolve("../news.txt");
        Files.writeString(news, "news one " + "x".repeat(150_000));
        Path site = folder.getParent();

        Engine publisher = testnet.engine("publisher");
        Publishing.Published v1 = publisher.keySites().publish(site, "gallery", new byte[0], Publisher.Progress.NONE);
        SiteAddress address = SiteAddress.parseHostPart(v1.site().address());
        Engine visitor = testnet.engine("visitor");
        getReady(visitor, address, "/", FETCH);
        visitor.keepWholeSite(address);
        awaitComplete(visitor, address, FETCH);

        Files.writeString(news, "news two " + "y".repeat(170_000)); // one file changes, and grows
        Publishing.Published v2 = publisher.keySites().publish(site, "gallery", new byte[0], Publisher.Progress.NONE);
        String v2ih = v2.site().infohash();
        assertNotEquals(v1.site().infohash(), v2ih);
        getUntil(visitor, address, "/news.txt", "news two", FETCH);
        visitor.keepWholeSite(address);
        awaitComplete(visitor, address, FETCH);

        assertTrue(Arrays.equals(photo, Http.proxyGet(visitor.gatewayPort(), address.host(), "/img/photo.bin").body()));
        assertTrue(Arrays.equals(video, Http.proxyGet(visitor.gatewayPort(), address.host(), "/video.bin").body()));
        long newsBytes = Files.size(news);
        // a block is counted as it comes, before its piece is verified: complete means all counted
        long downloaded = visitor.site(v2ih).orElseThrow().downloaded();
        log.info("figure: v2 with one changed file of {} bytes (site {} bytes): the visitor downloaded {} bytes",
                newsBytes, visitor.site(v2ih).orElseThrow().size(), downloaded);
        assertTrue(downloaded >= newsBytes, "the changed file came from the swarm: " + downloaded);
        assertTrue(downloaded <= newsBytes + 16 * 1024, "only the changed file (and at most one block of padding) came "
                + "from the swarm, not the " + (photo.length + video.length) + " bytes that did not change: " + downloaded);
    }

    @Test
    void aKeyNobodyPublishedIsLookedUpForAWhileThenSaysSo() throws Exception {
        Engine visitor = testnet.engine("visitor");
        visitor.keySites().lookupPatience(Duration.ofSeconds(3));
        SiteAddress nobody = org.bitweb.keys.KeyRing.of(visitor.stateDir()).create("never-published").address(new byte[0]);
        long start = System.nanoTime();
        Http.Reply first = Http.proxyGet(visitor.gatewayPort(), nobody.host(), "/");
        assertEquals(503, first.status(), "a lookup that found nothing is tried again first: " + first.text());
        assertTrue(first.text().contains("looking up"), first.text());
        Http.Reply reply = first;
        long deadline = start + FETCH.toNanos();
        while (reply.status() == 503 && System.nanoTime() < deadline) {
            reply = Http.proxyGet(visitor.gatewayPort(), nobody.host(), "/");
        }
        long ms = (System.nanoTime() - start) / 1_000_000;
        assertEquals(404, reply.status(), reply.text());
        assertTrue(reply.text().contains("No version of this site was found"), reply.text());
        assertTrue(ms >= 3_000, "gave up after " + ms + " ms, before its patience");
    }

    @Test
    void publishingTheSameFolderAgainSignsNothingNewAndSeqOnlyGrows() throws Exception {
        Path folder = site(temp.resolve("same"), "<h1>same</h1>");
        Engine publisher = testnet.engine("publisher");
        Publishing.Published once = publisher.keySites().publish(folder, "k", new byte[0], Publisher.Progress.NONE);
        Publishing.Published twice = publisher.keySites().publish(folder, "k", new byte[0], Publisher.Progress.NONE);
        assertEquals(once.seq(), twice.seq());
        assertFalse(twice.newSeq());

        // another machine with the same key published seq 7 meanwhile: the next version is seq 8
        SiteAddress site = SiteAddress.parseHostPart(once.site().address());
        var ring = org.bitweb.keys.KeyRing.of(publisher.stateDir());
        MutableItem elsewhere = ring.load("k").signItem(new byte[0], 7,
                org.bitweb.updates.SiteValue.encode("ab".repeat(20)));
        assertTrue(testnet.net.node(3).putMutable(elsewhere, Duration.ofSeconds(10)).get(15, TimeUnit.SECONDS) > 0);
        // the publisher's lookup may still miss the nodes that took seq 7; its put's own lookup
        // then finds them, and the version is signed again above seq 7
        Files.writeString(folder.resolve("index.html"), "<h1>changed</h1>");
        Publishing.Published next = publisher.keySites().publish(folder, "k", new byte[0], Publisher.Progress.NONE);
        assertEquals(8, next.seq(), "above what the DHT holds");
        assertEquals(8, ring.lastSeq("k", new byte[0]));
        Optional<MutableItem> inDht = testnet.net.node(5).getMutable(site.bytes(), new byte[0], Duration.ofSeconds(10)).get(15, TimeUnit.SECONDS);
        assertEquals(8, inDht.orElseThrow().seq());
    }

    @Test
    void aSeederKeepsTheItemAliveAfterThePublisherIsGone() throws Exception {
        Path folder = site(temp.resolve("kept"), "<h1>kept alive</h1>");
        Engine publisher = testnet.engine("publisher");
        Publishing.Published v1 = publisher.keySites().publish(folder, "kept", new byte[0], Publisher.Progress.NONE);
        SiteAddress site = SiteAddress.parseHostPart(v1.site().address());
        byte[] target = MutableItem.target(site.bytes(), new byte[0]);

        Engine seeder = testnet.engine("seeder");
        seeder.keySites().timing(UpdateTiming.DEFAULTS.withRepublish(Duration.ofSeconds(1), Duration.ofSeconds(1)));
        assertTrue(getReady(seeder, site, "/", FETCH).text().contains("kept alive"));
        SiteStatus kept = seeder.keySites().seed(site);
        assertTrue(kept.seeding());
        String ih = v1.site().infohash();
        Testnet.await("the seeder to hold the whole site and share it", FETCH,
                () -> seeder.site(ih).map(s -> s.seeding() && s.progress() >= 1.0).orElse(false));

        testnet.stop(publisher); // the publisher goes offline
        testnet.net.expireItems();
        assertEquals(0, testnet.net.holders(target));
        long expired = System.nanoTime();
        Testnet.await("the seeder to put the item again", Duration.ofSeconds(20), () -> testnet.net.holders(target) > 0);
        long reputMs = (System.nanoTime() - expired) / 1_000_000;
        assertEquals(1, testnet.net.storedSeq(target), "the publisher's signed item, unchanged");

        Engine fresh = testnet.engine("fresh");
        Http.Reply page = getReady(fresh, site, "/", FETCH);
        assertTrue(page.text().contains("kept alive"), page.text());
        log.info("figure: after expiry, the seeder's re-put (1 s interval) is in the DHT after {} ms", reputMs);
    }

    @Test
    void anUpdateReachesAConnectedVisitorThroughItsPeersWithinSeconds() throws Exception {
        Path folder = site(temp.resolve("live"), "<h1>live one</h1>");
        Engine publisher = testnet.engine("publisher");
        Publishing.Published v1 = publisher.keySites().publish(folder, "live", new byte[0], Publisher.Progress.NONE);
        SiteAddress site = SiteAddress.parseHostPart(v1.site().address());

        Engine visitor = testnet.engine("visitor");
        // the DHT is not asked again during this test: the update can only come from a peer
        visitor.keySites().timing(UpdateTiming.DEFAULTS.withRecheck(Duration.ofHours(1)));
        assertTrue(getReady(visitor, site, "/", FETCH).text().contains("live one"));

        Files.writeString(folder.resolve("index.html"), "<h1>live two</h1>");
        long published = System.nanoTime(); // from the start of the publish: hashing, signing, then peers and DHT
        Publishing.Published v2 = publisher.keySites().publish(folder, "live", new byte[0], Publisher.Progress.NONE);
        Testnet.await("the visitor to learn seq 2 from its peer", Duration.ofSeconds(10),
                () -> visitor.keySites().record(site).map(r -> r.seq() == 2).orElse(false));
        long learnedMs = (System.nanoTime() - published) / 1_000_000;
        Http.Reply page = getUntil(visitor, site, "/", "live two", FETCH);
        long shownMs = (System.nanoTime() - published) / 1_000_000;
        assertEquals(v2.site().infohash(), visitor.keySites().record(site).orElseThrow().infohash());
        assertTrue(page.text().contains("live two"));
        log.info("figure: a connected visitor learns of v2 through BEP 10 {} ms after the publish began", learnedMs);
        log.info("figure: ... and its next navigation shows v2 after {} ms", shownMs);
    }
}
