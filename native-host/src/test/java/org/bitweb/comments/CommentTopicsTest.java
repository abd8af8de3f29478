package org.bitweb.comments;

import org.bitweb.address.SiteAddress;
import org.bitweb.dht.AnnounceBudget;
import org.bitweb.dht.AnnounceResult;
import org.bitweb.dht.PeerFinder;
import bt.metainfo.TorrentId;
import org.bitweb.address.Hex;
import org.bitweb.keys.KeyRing;
import org.bitweb.store.StateDir;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** When the comments' DHT topics are announced, against a fake DHT that records the calls. */
class CommentTopicsTest {
    /** Announces end at once and are stored; the budget is the real one, on the real clock. */
    static final class Recording implements PeerFinder {
        final AnnounceBudget budget = new AnnounceBudget();
        final List<Long> announcedAt = new CopyOnWriteArrayList<>();
        /** The announced infohashes (topics), in hex, in order. */
        final List<String> announced = new CopyOnWriteArrayList<>();

        @Override
        public CompletableFuture<List<InetSocketAddress>> getPeers(byte[] infohash, Duration timeout, Consumer<InetSocketAddress> onPeer) {
            return CompletableFuture.completedFuture(List.of());
        }

        @Override
        public CompletableFuture<AnnounceResult> announce(byte[] infohash, int port, Duration timeout, Consumer<InetSocketAddress> onPeer) {
            announced.add(Hex.encode(infohash));
            announcedAt.add(System.nanoTime());
            return CompletableFuture.completedFuture(new AnnounceResult(List.of(), 8));
        }

        @Override
        public AnnounceBudget announceBudget() {
            return budget;
        }
    }

    private static List<SiteAddress> sites(int count) {
        List<SiteAddress> sites = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            byte[] id = new byte[20];
            id[0] = (byte) i;
            id[1] = (byte) (i >> 8);
            sites.add(SiteAddress.infohash(id));
        }
        return sites;
    }

    /**
     * 1,000 seeded sites on the testnet: every topic was announced in the first round, 1,000
     * announces at once beside the sites' own, and mldht then held our requests back for a minute
     * and more (nothing sent for 40 s). Topics take from the DHT node's announce budget like
     * every other announce: never more started than the budget allows by then, and they keep
     * coming.
     */
    @Test
    void topicsOfManyHeldSitesAreAnnouncedWithinTheNodesBudget() throws Exception {
        Recording dht = new Recording();
        List<SiteAddress> held = sites(300);
        long start = System.nanoTime();
        try (CommentTopics topics = new CommentTopics(dht, 6881, () -> held)) {
            topics.start(Duration.ZERO);
            awaitAnnounces(dht, 12, Duration.ofSeconds(20));
        }
        List<Long> at = new ArrayList<>(dht.announcedAt);
        for (int i = 0; i < at.size(); i++) {
            double seconds = (at.get(i) - start) / 1e9;
            double allowed = AnnounceBudget.BURST + AnnounceBudget.PER_SECOND * seconds;
            assertTrue(i + 1 <= allowed + 1, (i + 1) + " topics announced " + String.format("%.2f", seconds)
                    + " s after start; the budget allows " + allowed);
        }
    }

    /** A site that becomes held is announced at once when the budget has room, not at the next round. */
    @Test
    void aSiteThatBecomesHeldIsAnnouncedWithoutWaitingForTheRound() throws Exception {
        Recording dht = new Recording();
        try (CommentTopics topics = new CommentTopics(dht, 6881, List::of)) {
            topics.start(Duration.ofHours(1));
            topics.heldNow(sites(1).get(0));
            awaitAnnounces(dht, 1, Duration.ofSeconds(5));
        }
    }

    /**
     * A topic is looked up for comments, so only a holder with some has a reason to announce it:
     * an engine seeding 1,000 sites nobody commented on made 1,000 topic announces every 15-25
     * minutes beside the sites' own, for nothing. A held site's topic is announced once records
     * for it are here, at once, not at the next round; a held site without any is not announced.
     */
    @Test
    void aHeldSitesTopicIsAnnouncedOnceCommentsForItAreHere(@TempDir Path temp) throws Exception {
        Recording dht = new Recording();
        SiteAddress quiet = sites(2).get(0);
        SiteAddress commented = sites(2).get(1);
        CountDownLatch looked = new CountDownLatch(1);
        try (CommentNetwork network = CommentNetwork.open(temp.resolve("comments"), KeyRing.of(new StateDir(temp)))) {
            network.attach(new CommentNetwork.Host() {
                @Override
                public boolean serves(TorrentId torrent) {
                    return false;
                }

                @Override
                public List<SiteAddress> sitesOf(TorrentId torrent) {
                    return List.of();
                }

                @Override
                public Collection<SiteAddress> held() {
                    looked.countDown();
                    return List.of(quiet, commented);
                }

                @Override
                public void connect(SiteAddress site, List<InetSocketAddress> peers) {
                }
            }, dht, 6881);
            assertTrue(looked.await(30, TimeUnit.SECONDS), "the first round looked at the held sites");
            // the round runs on the topics' one thread: whatever it announced is recorded before what follows
            CommentRecord first = Fixtures.comment(Fixtures.signer(), new Page(commented, "/"), "First!", Comments.now());
            assertTrue(network.comments().receive(List.of(first)).get(0).added());
            awaitAnnounces(dht, 1, Duration.ofSeconds(10));
            assertEquals(List.of(Hex.encode(CommentTopics.topic(commented))), dht.announced,
                    "only the topic of the site with a comment here");
        }
    }

    private static void awaitAnnounces(Recording dht, int count, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (dht.announcedAt.size() < count) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("only " + dht.announcedAt.size() + " of " + count + " topics announced within " + timeout);
            }
            Thread.sleep(20);
        }
    }
}
