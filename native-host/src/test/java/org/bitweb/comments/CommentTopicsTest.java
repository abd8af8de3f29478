package org.bitweb.comments;

import org.bitweb.address.SiteAddress;
import org.bitweb.dht.AnnounceBudget;
import org.bitweb.dht.AnnounceResult;
import org.bitweb.dht.PeerFinder;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** When the comments' DHT topics are announced, against a fake DHT that records the calls. */
class CommentTopicsTest {
    /** Announces end at once and are stored; the budget is the real one, on the real clock. */
    static final class Recording implements PeerFinder {
        final AnnounceBudget budget = new AnnounceBudget();
        final List<Long> announcedAt = new CopyOnWriteArrayList<>();

        @Override
        public CompletableFuture<List<InetSocketAddress>> getPeers(byte[] infohash, Duration timeout, Consumer<InetSocketAddress> onPeer) {
            return CompletableFuture.completedFuture(List.of());
        }

        @Override
        public CompletableFuture<AnnounceResult> announce(byte[] infohash, int port, Duration timeout, Consumer<InetSocketAddress> onPeer) {
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
