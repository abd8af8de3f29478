package org.bitweb.dht;

import bt.metainfo.TorrentId;
import bt.module.ServiceModule;
import bt.net.InetPeer;
import bt.net.Peer;
import bt.peer.PeerSource;
import bt.peer.PeerSourceFactory;
import com.google.inject.Module;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.Objects;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;
import java.util.function.Predicate;
import java.util.random.RandomGenerator;

/**
 * Feeds peers found through a {@link DhtNode} into a bt runtime, announcing a torrent only when
 * {@code mayAnnounce} says so. By default a torrent is visited: its peers are looked up and nobody
 * learns from the DHT that we have it. A seeded torrent is announced as well, on the BitTorrent port.
 * The predicate is asked again before every lookup, so switching a site between visited and seeded
 * takes effect at its next lookup.
 *
 * <p>Plug it into a runtime with {@code Bt.client().module(factory.module())} (or
 * {@code BtRuntimeBuilder.module}). Do not add bt's own {@code DHTModule} as well, nor call
 * {@code autoLoadModules()}, which loads it: bt's module announces every torrent it runs (it puts our
 * address into its DHT database on torrent start and announces after each lookup).
 *
 * <p>bt asks each peer source for peers every few seconds from one thread; {@link PeerSource#update()}
 * here never blocks: it starts a lookup in the background when one is due and hands over the peers
 * found so far.
 */
public final class DhtPeerSourceFactory implements PeerSourceFactory {
    private static final Logger LOG = LoggerFactory.getLogger(DhtPeerSourceFactory.class);

    /**
     * When lookups and announces happen.
     *
     * @param lookupTimeout   bound of one lookup (and announce)
     * @param retryNoPeers    wait before looking up again after a lookup that found nobody
     * @param refresh         wait before looking up again after a lookup that found peers
     * @param reannounce      a seeded torrent is announced again after this plus up to two thirds of it at random
     *                        (15-25 min by default; DHT nodes forget peers after 30-60 min)
     * @param retryAnnounce   wait before announcing again after an announce no node took
     */
    public record Schedule(Duration lookupTimeout, Duration retryNoPeers, Duration refresh, Duration reannounce,
                           Duration retryAnnounce) {
        public static final Schedule DEFAULT = new Schedule(Duration.ofSeconds(30), Duration.ofSeconds(30),
                Duration.ofMinutes(5), Duration.ofMinutes(15), Duration.ofMinutes(1));

        public Schedule {
            for (Duration d : new Duration[]{lookupTimeout, retryNoPeers, refresh, reannounce, retryAnnounce}) {
                if (d == null || d.isNegative() || d.isZero()) {
                    throw new IllegalArgumentException("schedule durations must be positive: " + d);
                }
            }
        }
    }

    private final PeerFinder finder;
    private final Predicate<TorrentId> mayAnnounce;
    private final int announcePort;
    private final Schedule schedule;
    private final LongSupplier clock;
    private final Map<TorrentId, DhtPeerSource> sources = new ConcurrentHashMap<>();
    /** The node's announce budget, shared with every other announcer on it (docs/DHT.md). */
    private final AnnounceBudget budget;
    private final RandomGenerator random;
    private volatile java.util.function.Consumer<TorrentId> onFound = torrent -> { };
    private volatile Predicate<TorrentId> peersWanted = torrent -> true;

    /**
     * Which torrents need peers now; a torrent that does not (held whole here) is looked up only
     * when it is announced, not every few seconds to minutes: a seeder with nobody else in its
     * swarm looked its sites up every 30 s, most of an idle engine's DHT traffic
     * (docs/TUNING.md, "DHT and LAN-discovery traffic budget"). All torrents need peers unless told.
     */
    public void peersWanted(Predicate<TorrentId> wanted) {
        peersWanted = Objects.requireNonNull(wanted, "wanted");
    }

    /**
     * Told (on the DHT's thread) when a lookup finds a peer while bt holds none from this source:
     * bt polls peer sources once a second, and a page waiting for its first peer need not.
     */
    public void onPeersFound(java.util.function.Consumer<TorrentId> listener) {
        onFound = listener;
    }

    /**
     * @param finder       usually the engine's {@link DhtNode}
     * @param mayAnnounce  true for torrents we may reveal that we have (published or seeded sites)
     * @param announcePort the BitTorrent port peers should connect to
     */
    public DhtPeerSourceFactory(PeerFinder finder, Predicate<TorrentId> mayAnnounce, int announcePort) {
        this(finder, mayAnnounce, announcePort, Schedule.DEFAULT, System::nanoTime);
    }

    /** The budget this source's announces take from: its finder's, the node's own. */
    public AnnounceBudget announceBudget() {
        return budget;
    }

    public DhtPeerSourceFactory(PeerFinder finder, Predicate<TorrentId> mayAnnounce, int announcePort, Schedule schedule) {
        this(finder, mayAnnounce, announcePort, schedule, System::nanoTime);
    }

    /** {@code clock} in nanoseconds, like {@link System#nanoTime()}; tests pass their own. */
    DhtPeerSourceFactory(PeerFinder finder, Predicate<TorrentId> mayAnnounce, int announcePort, Schedule schedule,
                         LongSupplier clock) {
        this(finder, mayAnnounce, announcePort, schedule, clock, new java.util.Random());
    }

    DhtPeerSourceFactory(PeerFinder finder, Predicate<TorrentId> mayAnnounce, int announcePort, Schedule schedule,
                         LongSupplier clock, RandomGenerator random) {
        this.finder = Objects.requireNonNull(finder, "finder");
        this.mayAnnounce = Objects.requireNonNull(mayAnnounce, "mayAnnounce");
        if (announcePort < 1 || announcePort > 65535) {
            throw new IllegalArgumentException("announce port must be 1..65535, not " + announcePort);
        }
        this.announcePort = announcePort;
        this.schedule = Objects.requireNonNull(schedule, "schedule");
        this.clock = clock;
        this.budget = Objects.requireNonNull(finder.announceBudget(), "the finder's announce budget");
        this.random = random;
    }

    /** When a torrent announced now is announced again (15-25 min by default). */
    private long reannounceIn() {
        return AnnounceBudget.reannounceNanos(schedule.reannounce(), random);
    }

    /** A Guice module that adds this factory to a bt runtime. */
    public Module module() {
        return binder -> ServiceModule.extend(binder).addPeerSourceFactory(this);
    }

    @Override
    public PeerSource getPeerSource(TorrentId torrentId) {
        return sources.computeIfAbsent(torrentId, DhtPeerSource::new);
    }

    /** Forgets a torrent that was removed from the engine; a lookup in flight finishes unseen. */
    public void forget(TorrentId torrentId) {
        sources.remove(torrentId);
    }

    /**
     * Whether {@code torrentId} is due to be announced now (or has never been asked about): the
     * engine's peer rounds leave out a site held whole until then (bt's {@code update} here is what
     * starts an announce).
     */
    public boolean announceDue(TorrentId torrentId) {
        DhtPeerSource source = sources.get(torrentId);
        return source == null || source.announceDue(clock.getAsLong());
    }

    /** Announces that succeeded for {@code torrentId} so far; for tests and the popup's "what reveals me". */
    public int announceCount(TorrentId torrentId) {
        DhtPeerSource source = sources.get(torrentId);
        return source == null ? 0 : source.announces.get();
    }

    private final class DhtPeerSource implements PeerSource {
        private final TorrentId torrentId;
        /** bt empties this through its iterator; a concurrent queue allows that while lookups add to it. */
        private final Queue<Peer> found = new ConcurrentLinkedQueue<>();
        private final AtomicInteger foundByLookup = new AtomicInteger();
        private final AtomicInteger announces = new AtomicInteger();
        private volatile boolean lastAnnounceStored;
        private CompletableFuture<?> running;
        /** nanoTime when the next lookup, and the next announce, are due; null: at once. */
        private Long nextLookup;
        private Long nextAnnounce;
        /** Lookups in a row that found nobody: the wait before the next one doubles with each. */
        private int emptyLookups;

        DhtPeerSource(TorrentId torrentId) {
            this.torrentId = torrentId;
        }

        @Override
        public boolean update() {
            startIfDue(clock.getAsLong());
            return !found.isEmpty();
        }

        private synchronized void startIfDue(long now) {
            if (running != null && !running.isDone()) {
                return;
            }
            boolean announce = mayAnnounce.test(torrentId) && due(nextAnnounce, now);
            if (announce && !budget.tryStart()) {
                return; // over the announce budget: bt's next poll asks again (a lookup now would cost as much)
            }
            if (!announce && !(due(nextLookup, now) && peersWanted.test(torrentId))) {
                return;
            }
            foundByLookup.set(0);
            lastAnnounceStored = false;
            byte[] infohash = torrentId.getBytes();
            CompletableFuture<?> lookup;
            try {
                lookup = announce
                        ? finder.announce(infohash, announcePort, schedule.lookupTimeout(), this::add).thenAccept(this::announced)
                        : finder.getPeers(infohash, schedule.lookupTimeout(), this::add);
            } catch (RuntimeException e) {
                lookup = CompletableFuture.failedFuture(e);
            }
            running = lookup.whenComplete((result, error) -> lookupDone(announce, error));
        }

        synchronized boolean announceDue(long now) {
            return (running == null || running.isDone()) && mayAnnounce.test(torrentId) && due(nextAnnounce, now);
        }

        private boolean due(Long at, long now) {
            return at == null || now - at >= 0;
        }

        private void add(InetSocketAddress address) {
            foundByLookup.incrementAndGet();
            boolean first = found.isEmpty();
            found.add(InetPeer.build(address.getAddress(), address.getPort()));
            if (first) {
                try {
                    onFound.accept(torrentId);
                } catch (RuntimeException e) {
                    LOG.debug("telling bt of found peers failed: {}", e.toString());
                }
            }
        }

        private void announced(AnnounceResult result) {
            if (result.storedOn() > 0) {
                lastAnnounceStored = true;
                announces.incrementAndGet();
                LOG.debug("Announced {} to {} DHT nodes", torrentId, result.storedOn());
            }
        }

        private synchronized void lookupDone(boolean announce, Throwable error) {
            long now = clock.getAsLong();
            if (error != null) {
                LOG.debug("DHT {} for {} failed: {}", announce ? "announce" : "lookup", torrentId, error.toString());
            }
            boolean gotPeers = error == null && foundByLookup.get() > 0;
            emptyLookups = gotPeers ? 0 : emptyLookups + 1;
            nextLookup = now + (gotPeers ? schedule.refresh() : retryAfter(emptyLookups)).toNanos();
            if (announce) {
                budget.ended();
                boolean stored = error == null && lastAnnounceStored;
                nextAnnounce = now + (stored ? reannounceIn() : schedule.retryAnnounce().toNanos());
            }
        }

        /**
         * 1 s, 2 s, 4 s ... up to {@code retryNoPeers}: a node that just started (a thin routing
         * table) or a site announced a moment ago is found by the second or third lookup, and a
         * person waiting on the loading page should not wait the full retry for it.
         */
        private Duration retryAfter(int empty) {
            Duration backoff = Duration.ofSeconds(1L << Math.min(empty - 1, 20));
            return backoff.compareTo(schedule.retryNoPeers()) < 0 ? backoff : schedule.retryNoPeers();
        }

        @Override
        public Collection<Peer> getPeers() {
            return found;
        }

        @Override
        public String toString() {
            return "DhtPeerSource[" + torrentId + "]";
        }
    }
}
