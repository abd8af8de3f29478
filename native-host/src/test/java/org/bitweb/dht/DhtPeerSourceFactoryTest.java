package org.bitweb.dht;

import bt.metainfo.TorrentId;
import bt.net.Peer;
import bt.peer.PeerSource;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The peer source's decisions, against a fake DHT whose lookups the test completes by hand. */
class DhtPeerSourceFactoryTest {
    private static final TorrentId SITE = TorrentId.fromBytes(new byte[20]);
    private static final DhtPeerSourceFactory.Schedule SCHEDULE = new DhtPeerSourceFactory.Schedule(
            Duration.ofSeconds(30), Duration.ofSeconds(30), Duration.ofMinutes(5), Duration.ofMinutes(15), Duration.ofMinutes(1));

    /** Records calls; each returns a future the test completes. */
    final class FakeFinder implements PeerFinder {
        final List<String> calls = new ArrayList<>();
        Consumer<InetSocketAddress> onPeer;
        CompletableFuture<List<InetSocketAddress>> lookup;
        CompletableFuture<AnnounceResult> announce;

        @Override
        public CompletableFuture<List<InetSocketAddress>> getPeers(byte[] infohash, Duration timeout, Consumer<InetSocketAddress> onPeer) {
            calls.add("get_peers");
            this.onPeer = onPeer;
            return lookup = new CompletableFuture<>();
        }

        @Override
        public CompletableFuture<AnnounceResult> announce(byte[] infohash, int port, Duration timeout, Consumer<InetSocketAddress> onPeer) {
            calls.add("announce:" + port);
            this.onPeer = onPeer;
            return announce = new CompletableFuture<>();
        }

        @Override
        public AnnounceBudget announceBudget() {
            return budget;
        }
    }

    private long now = 1_000_000_000L;
    /** The DHT node's announce budget, on the test's clock. */
    private final AnnounceBudget budget = new AnnounceBudget(() -> now);
    private final FakeFinder dht = new FakeFinder();
    private final Set<TorrentId> seeded = ConcurrentHashMap.newKeySet();
    private final DhtPeerSourceFactory factory = new DhtPeerSourceFactory(dht, seeded::contains, 6881, SCHEDULE, () -> now);

    private static InetSocketAddress peer(int host) throws Exception {
        return new InetSocketAddress(InetAddress.getByAddress(new byte[]{(byte) 198, 18, 0, (byte) host}), 51413);
    }

    private void advance(Duration d) {
        now += d.toNanos();
    }

    @Test
    void aVisitedSiteIsLookedUpButNeverAnnounced() throws Exception {
        PeerSource source = factory.getPeerSource(SITE);
        assertFalse(source.update(), "no peers yet");
        assertEquals(List.of("get_peers"), dht.calls);
        dht.onPeer.accept(peer(1));
        assertTrue(source.update(), "a peer is there while the lookup still runs");
        assertEquals(List.of("get_peers"), dht.calls, "one lookup at a time");
        dht.lookup.complete(List.of(peer(1)));
        for (int i = 0; i < 100; i++) {
            advance(Duration.ofMinutes(1));
            source.update();
            if (dht.lookup != null && !dht.lookup.isDone()) {
                dht.lookup.complete(List.of());
            }
        }
        assertTrue(dht.calls.stream().allMatch("get_peers"::equals), dht.calls.toString());
        assertEquals(0, factory.announceCount(SITE));
    }

    @Test
    void peersAreHandedToBtThroughAMutableCollection() throws Exception {
        PeerSource source = factory.getPeerSource(SITE);
        source.update();
        dht.onPeer.accept(peer(1));
        dht.onPeer.accept(peer(2));
        List<Peer> taken = new ArrayList<>();
        // what bt's PeerRegistry does with it
        for (Iterator<Peer> it = source.getPeers().iterator(); it.hasNext(); ) {
            taken.add(it.next());
            it.remove();
        }
        assertEquals(List.of(peer(1).getAddress(), peer(2).getAddress()), taken.stream().map(Peer::getInetAddress).toList());
        assertEquals(51413, taken.get(0).getPort());
        assertTrue(source.getPeers().isEmpty());
        assertFalse(source.update());
    }

    @Test
    void btIsToldAtOnceWhenPeersAppearWhileItHoldsNone() throws Exception {
        List<TorrentId> told = new ArrayList<>();
        factory.onPeersFound(told::add);
        PeerSource source = factory.getPeerSource(SITE);
        source.update();
        dht.onPeer.accept(peer(1));
        dht.onPeer.accept(peer(2));
        assertEquals(List.of(SITE), told, "once for the first peer, not for each");
        for (var it = source.getPeers().iterator(); it.hasNext(); ) {
            it.next();
            it.remove(); // bt takes them
        }
        dht.onPeer.accept(peer(3));
        assertEquals(List.of(SITE, SITE), told, "again once bt has taken what there was");
    }

    @Test
    void lookupsRepeatSoonWhenNobodyWasFoundAndSeldomOtherwise() throws Exception {
        PeerSource source = factory.getPeerSource(SITE);
        source.update();
        // nobody found: again after 1 s, 2 s, 4 s ... doubling up to retryNoPeers (30 s)
        long[] waits = {1, 2, 4, 8, 16, 30, 30};
        for (int i = 0; i < waits.length; i++) {
            dht.lookup.complete(List.of());
            advance(Duration.ofSeconds(waits[i]).minusMillis(1));
            source.update();
            assertEquals(i + 1, dht.calls.size(), "not before " + waits[i] + " s after empty lookup " + (i + 1));
            advance(Duration.ofMillis(1));
            source.update();
            assertEquals(i + 2, dht.calls.size(), "again " + waits[i] + " s after empty lookup " + (i + 1));
        }
        dht.onPeer.accept(peer(3));
        dht.lookup.complete(List.of(peer(3)));
        advance(Duration.ofMinutes(4));
        source.update();
        assertEquals(waits.length + 1, dht.calls.size(), "found peers: wait for refresh");
        advance(Duration.ofMinutes(1));
        source.update();
        assertEquals(waits.length + 2, dht.calls.size());
        dht.lookup.complete(List.of());
        advance(Duration.ofSeconds(1));
        source.update();
        assertEquals(waits.length + 3, dht.calls.size(), "after peers were found, an empty lookup starts the backoff over");
    }

    @Test
    void aSeededSiteIsAnnouncedAndReannounced() {
        seeded.add(SITE);
        PeerSource source = factory.getPeerSource(SITE);
        source.update();
        assertEquals(List.of("announce:6881"), dht.calls);
        dht.announce.complete(new AnnounceResult(List.of(), 8));
        assertEquals(1, factory.announceCount(SITE));
        advance(Duration.ofMinutes(5));
        source.update();
        assertEquals("get_peers", dht.calls.get(1), "between announces, plain lookups");
        dht.lookup.complete(List.of());
        advance(Duration.ofMinutes(10).minusSeconds(1));
        source.update();
        assertEquals(1, dht.calls.stream().filter("announce:6881"::equals).count(), "not again before reannounce (15 min): " + dht.calls);
        for (int second = 0; second <= 10 * 60 && dht.calls.stream().filter("announce:6881"::equals).count() < 2; second++) {
            if (dht.lookup != null && !dht.lookup.isDone()) {
                dht.lookup.complete(List.of());
            }
            advance(Duration.ofSeconds(1));
            source.update();
        }
        assertEquals("announce:6881", dht.calls.get(dht.calls.size() - 1), "announced again within reannounce + 2/3 of it (25 min)");
    }

    /**
     * Sites announced together (at start) used to be due again together, 15 minutes later to the
     * second: each one's next announce is 15-25 min after its last, so the re-announces spread.
     */
    @Test
    void reannouncesAreSpreadOverFifteenToTwentyFiveMinutes() {
        int sites = 100;
        List<CompletableFuture<AnnounceResult>> announces = new ArrayList<>();
        List<Long> startedAt = new ArrayList<>();
        PeerFinder recording = new PeerFinder() {
            @Override
            public CompletableFuture<List<InetSocketAddress>> getPeers(byte[] infohash, Duration timeout, Consumer<InetSocketAddress> onPeer) {
                return CompletableFuture.completedFuture(List.of());
            }

            @Override
            public CompletableFuture<AnnounceResult> announce(byte[] infohash, int port, Duration timeout, Consumer<InetSocketAddress> onPeer) {
                startedAt.add(now);
                return CompletableFuture.completedFuture(new AnnounceResult(List.of(), 8)); // ends at once
            }

            @Override
            public AnnounceBudget announceBudget() {
                return budget;
            }
        };
        DhtPeerSourceFactory many = new DhtPeerSourceFactory(recording, id -> true, 6881, SCHEDULE, () -> now, new java.util.Random(16));
        many.peersWanted(id -> false);
        List<PeerSource> sources = new ArrayList<>();
        for (int i = 0; i < sites; i++) {
            byte[] id = new byte[20];
            id[0] = (byte) i;
            sources.add(many.getPeerSource(TorrentId.fromBytes(id)));
        }
        long start = now;
        for (int second = 0; second < 30 * 60; second++) { // bt's poll, once a second, for half an hour
            sources.forEach(PeerSource::update);
            advance(Duration.ofSeconds(1));
        }
        List<Long> first = startedAt.subList(0, sites);
        List<Long> again = startedAt.subList(sites, startedAt.size());
        assertTrue(first.get(sites - 1) - start <= Duration.ofSeconds(sites / (long) AnnounceBudget.PER_SECOND).toNanos(),
                "first announces within the budget's pace");
        assertEquals(sites, again.size(), "every site announced a second time within 30 min, none a third: " + again.size());
        long spread = again.get(again.size() - 1) - again.get(0);
        assertTrue(spread >= Duration.ofMinutes(8).toNanos(), "re-announces spread over " + Duration.ofNanos(spread)
                + "; the first announces took " + Duration.ofNanos(first.get(sites - 1) - first.get(0)));
        assertTrue(again.get(0) - start >= Duration.ofMinutes(15).toNanos(), "none before 15 min");
        assertTrue(again.get(again.size() - 1) - start <= Duration.ofMinutes(25).plus(Duration.ofSeconds(sites)).toNanos(), "all by 25 min");
    }

    /**
     * 1,000 seeded sites at start: bt polls every source about once a second, and every one was
     * due at once, so 1,000 announces (lookups of ~25 requests each) started in the first second.
     */
    @Test
    void announcesOfManySeededSitesAreSpreadWithinTheBudget() {
        int sites = 200;
        List<PeerSource> sources = new ArrayList<>();
        List<CompletableFuture<AnnounceResult>> announces = new ArrayList<>();
        PeerFinder recording = announcesLeftOpen(announces);
        DhtPeerSourceFactory many = new DhtPeerSourceFactory(recording, id -> true, 6881, SCHEDULE, () -> now);
        for (int i = 0; i < sites; i++) {
            byte[] id = new byte[20];
            id[0] = (byte) i;
            id[1] = (byte) (i >> 8);
            sources.add(many.getPeerSource(TorrentId.fromBytes(id)));
        }
        int started = 0;
        int mostInASecond = 0;
        int seconds = 0;
        while (started < sites && seconds < 10 * sites) {
            sources.forEach(PeerSource::update); // bt's poll, once a second
            int thisSecond = announces.size() - started;
            started = announces.size();
            mostInASecond = Math.max(mostInASecond, thisSecond);
            // an announce takes a few seconds; they end out of order
            announces.stream().filter(a -> !a.isDone()).limit(3).forEach(a -> a.complete(new AnnounceResult(List.of(), 8)));
            advance(Duration.ofSeconds(1));
            seconds++;
        }
        assertEquals(sites, started, "every site announced within " + seconds + " s");
        int allowed = AnnounceBudget.BURST + (int) Math.ceil(AnnounceBudget.PER_SECOND);
        assertTrue(mostInASecond <= allowed, mostInASecond + " announces started in one second");
        double expected = sites / AnnounceBudget.PER_SECOND;
        assertTrue(seconds <= expected + 5, "all announced after " + seconds + " s, the budget allows it in " + expected + " s");
        assertTrue(seconds >= expected - 5, "all announced after " + seconds + " s: faster than the budget (" + expected + " s)");
    }

    /**
     * 1,000 sites on the testnet: announces held up in mldht's per-address throttle kept running
     * while the rate started 2 more a second, the pile grew, and nothing was sent for over a minute.
     * Slow announces must slow the starts down, not pile up.
     */
    @Test
    void slowAnnouncesDoNotPileUp() {
        List<CompletableFuture<AnnounceResult>> announces = new ArrayList<>();
        PeerFinder slow = announcesLeftOpen(announces);
        DhtPeerSourceFactory many = new DhtPeerSourceFactory(slow, id -> true, 6881, SCHEDULE, () -> now);
        List<PeerSource> sources = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            byte[] id = new byte[20];
            id[0] = (byte) i;
            sources.add(many.getPeerSource(TorrentId.fromBytes(id)));
        }
        for (int second = 0; second < 30; second++) { // nothing ends within 30 s
            sources.forEach(PeerSource::update);
            advance(Duration.ofSeconds(1));
        }
        assertEquals(AnnounceBudget.AT_ONCE, announces.size(), "announces running at once");
        announces.get(0).complete(new AnnounceResult(List.of(), 8));
        announces.get(1).completeExceptionally(new DhtException("timed out"));
        sources.forEach(PeerSource::update);
        assertEquals(AnnounceBudget.AT_ONCE + 2, announces.size(), "two ended, two more start");
    }

    /** A seeder alone in its swarm used to look its site up every 30 s: most of an idle engine's DHT traffic. */
    @Test
    void aSiteHeldWholeHereIsLookedUpOnlyWhenItIsAnnounced() {
        seeded.add(SITE);
        factory.peersWanted(torrent -> false);
        PeerSource source = factory.getPeerSource(SITE);
        for (int second = 0; second < 30 * 60; second++) {
            source.update();
            if (dht.announce != null && !dht.announce.isDone()) {
                dht.announce.complete(new AnnounceResult(List.of(), 8));
            }
            advance(Duration.ofSeconds(1));
        }
        assertEquals(List.of("announce:6881", "announce:6881"), dht.calls, "half an hour: two announces, no other lookup");
    }

    @Test
    void anAnnounceNobodyTookIsRetriedAfterAMinuteNotAtOnce() {
        seeded.add(SITE);
        PeerSource source = factory.getPeerSource(SITE);
        source.update();
        dht.announce.complete(new AnnounceResult(List.of(), 0));
        source.update();
        assertEquals(1, dht.calls.size());
        advance(Duration.ofMinutes(1));
        source.update();
        assertEquals(List.of("announce:6881", "announce:6881"), dht.calls);
        dht.announce.completeExceptionally(new DhtException("no DHT node has answered"));
        source.update();
        assertEquals(2, dht.calls.size(), "a failure is not retried at once either");
    }

    @Test
    void switchingToSeedAnnouncesAtTheNextUpdateAndSwitchingBackStops() {
        PeerSource source = factory.getPeerSource(SITE);
        source.update();
        dht.lookup.complete(List.of());
        seeded.add(SITE);
        source.update();
        assertEquals(List.of("get_peers", "announce:6881"), dht.calls);
        dht.announce.complete(new AnnounceResult(List.of(), 8));
        seeded.remove(SITE);
        for (int i = 0; i < 60; i++) {
            advance(Duration.ofMinutes(1));
            source.update();
            if (dht.lookup != null && !dht.lookup.isDone()) {
                dht.lookup.complete(List.of());
            }
        }
        assertEquals(1, dht.calls.stream().filter(c -> c.startsWith("announce")).count(), dht.calls.toString());
    }

    @Test
    void aFailingDhtDoesNotBreakBt() {
        PeerFinder broken = new PeerFinder() {
            @Override
            public CompletableFuture<List<InetSocketAddress>> getPeers(byte[] ih, Duration t, Consumer<InetSocketAddress> p) {
                throw new DhtException("the DHT node is closed");
            }

            @Override
            public CompletableFuture<AnnounceResult> announce(byte[] ih, int port, Duration t, Consumer<InetSocketAddress> p) {
                throw new DhtException("the DHT node is closed");
            }

            @Override
            public AnnounceBudget announceBudget() {
                return budget;
            }
        };
        PeerSource source = new DhtPeerSourceFactory(broken, id -> true, 6881).getPeerSource(SITE);
        assertFalse(source.update());
        assertTrue(source.getPeers().isEmpty());
    }

    @Test
    void oneSourcePerTorrent() {
        assertSame(factory.getPeerSource(SITE), factory.getPeerSource(SITE));
        factory.forget(SITE);
        assertEquals(0, factory.announceCount(SITE));
    }

    @Test
    void theAnnouncePortIsAPort() {
        assertThrows(IllegalArgumentException.class, () -> new DhtPeerSourceFactory(dht, id -> false, 0));
        assertThrows(IllegalArgumentException.class, () -> new DhtPeerSourceFactory(dht, id -> false, 65536));
    }

    /** A finder whose announces are left to the test to complete (added to {@code announces}), within this test's budget. */
    private PeerFinder announcesLeftOpen(List<CompletableFuture<AnnounceResult>> announces) {
        return new PeerFinder() {
            @Override
            public CompletableFuture<List<InetSocketAddress>> getPeers(byte[] infohash, Duration timeout, Consumer<InetSocketAddress> onPeer) {
                return CompletableFuture.completedFuture(List.of());
            }

            @Override
            public CompletableFuture<AnnounceResult> announce(byte[] infohash, int port, Duration timeout, Consumer<InetSocketAddress> onPeer) {
                CompletableFuture<AnnounceResult> announce = new CompletableFuture<>();
                announces.add(announce);
                return announce;
            }

            @Override
            public AnnounceBudget announceBudget() {
                return budget;
            }
        };
    }
}
