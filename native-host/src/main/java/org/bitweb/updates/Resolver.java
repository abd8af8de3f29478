package org.bitweb.updates;

import org.bitweb.address.SiteAddress;
import org.bitweb.dht.DhtNode;
import org.bitweb.dht.MutableItem;
import org.bitweb.gateway.SiteSource;
import org.bitweb.gateway.SiteView;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Which version each key site is at, and which one is on screen: a key address resolved to the
 * torrent its newest verified item points at, and newer items taken as they come (from the DHT,
 * or from a peer through {@link ItemExchange}).
 *
 * <p>Resolution is stale-while-revalidate: a site with a cached item is served from it at once,
 * and the DHT is asked again in the background at most every {@link UpdateTiming#recheck()}; a
 * site a tab shows is asked for more often, on a schedule of its own ({@link Watching}). A newer
 * item switches the site to its torrent as soon as that torrent's file list is here, so a reader
 * never waits for an update: the next navigation after that shows the new version.
 */
final class Resolver {
    private static final Logger log = LoggerFactory.getLogger(Resolver.class);

    private final MutableStore store;
    /** Null when this engine runs no DHT (a SOCKS5 proxy, or --no-dht). */
    private final DhtNode dht;
    private final Torrents torrents;
    private final VersionSeeding seeding;
    private final ScheduledExecutorService executor;
    private final PeerOffers peerOffers;
    private final Supplier<UpdateTiming> timing;
    private final Map<SiteAddress, CompletableFuture<Optional<KeySiteRecord>>> inflight = new ConcurrentHashMap<>();
    private final Map<SiteAddress, Long> lastCheck = new ConcurrentHashMap<>();
    /** When the last lookup of a site ended, for the site's status. */
    private final Map<SiteAddress, Long> checkedAt = new ConcurrentHashMap<>();
    private final Watching watching = new Watching();
    /** The version last served per site, served on while a newer one's file list is on its way. */
    private final Map<SiteAddress, String> served = new ConcurrentHashMap<>();
    private final List<Consumer<KeySiteRecord>> listeners = new CopyOnWriteArrayList<>();
    /** When a lookup of a site nobody here knew first came back empty, per site. */
    private final Map<SiteAddress, Long> firstMiss = new ConcurrentHashMap<>();
    /**
     * How long a site no lookup found is looked up again before the gateway says so: a lookup
     * from a node that just started (a thin routing table) or under load can miss an item that
     * is there, and the loading page reloads every second anyway.
     */
    private volatile Duration lookupPatience = Duration.ofSeconds(30);

    Resolver(MutableStore store, DhtNode dht, Torrents torrents, VersionSeeding seeding, ScheduledExecutorService executor,
             Supplier<UpdateTiming> timing) {
        this.store = store;
        this.dht = dht;
        this.torrents = torrents;
        this.seeding = seeding;
        this.executor = executor;
        this.peerOffers = new PeerOffers(executor, offered -> {
            if (offer(offered.site(), offered.item().item(), offered.source(), true)) {
                offered.whenNewer().run();
            }
        });
        this.timing = timing;
    }

    /** Starts the rechecks of the sites tabs show ({@link Watching}); once a second it sees which are due. */
    void start() {
        if (dht != null) {
            executor.scheduleWithFixedDelay(this::recheckWatched, 1, 1, TimeUnit.SECONDS);
        }
    }

    private void recheckWatched() {
        long now = System.currentTimeMillis();
        for (SiteAddress site : watching.due(now, timing.get(), lastCheck::get)) {
            if (store.get(site).isPresent()) {
                revalidate(site);
            }
        }
    }

    /** Whether a lookup of the site's newest version is running now. */
    boolean checking(SiteAddress site) {
        return inflight.containsKey(site);
    }

    /** When the last lookup of the site's newest version ended (epoch millis), if one did since the engine started. */
    Optional<Long> checkedAt(SiteAddress site) {
        return Optional.ofNullable(checkedAt.get(site));
    }

    /** How long to keep looking up a site no lookup found before giving up (tests shorten it). */
    void lookupPatience(Duration patience) {
        this.lookupPatience = patience;
    }

    /** Called with a site's record whenever a newer item is accepted or signed here. */
    void onNewItem(Consumer<KeySiteRecord> listener) {
        listeners.add(listener);
    }

    /** Tells the listeners of a newer item (one taken here, or signed by {@link Publishing}). */
    void announce(KeySiteRecord record) {
        for (Consumer<KeySiteRecord> listener : listeners) {
            try {
                listener.accept(record);
            } catch (RuntimeException e) {
                log.warn("update listener failed: {}", e.toString());
            }
        }
    }

    /** What the gateway and {@code site.fetch} get for a key address. */
    SiteSource.Lookup fetch(SiteAddress site, List<InetSocketAddress> peers, Duration wait) {
        long deadline = System.nanoTime() + wait.toNanos();
        watching.read(site, System.currentTimeMillis());
        Optional<KeySiteRecord> cached = store.get(site);
        if (cached.isEmpty()) {
            if (dht == null) {
                return new SiteSource.Lookup.Unknown("This site is addressed by a key, and finding its current version "
                        + "needs the DHT, which is off in this engine (a SOCKS5 proxy, or --no-dht).");
            }
            CompletableFuture<Optional<KeySiteRecord>> lookup = revalidate(site);
            try {
                cached = lookup.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                return new SiteSource.Lookup.Loading("looking up the site's current version", 0, 0);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return new SiteSource.Lookup.Loading("looking up the site's current version", 0, 0);
            } catch (ExecutionException e) {
                cached = Optional.empty();
            }
            if (cached.isEmpty()) {
                long now = System.currentTimeMillis();
                firstMiss.values().removeIf(t -> now - t > 10 * lookupPatience.toMillis()); // reloads that stopped
                long first = firstMiss.computeIfAbsent(site, s -> now);
                if (now - first < lookupPatience.toMillis()) {
                    return new SiteSource.Lookup.Loading("looking up the site's current version (not found yet)", 0, 0);
                }
                firstMiss.remove(site);
                return new SiteSource.Lookup.Unknown("No version of this site was found in the DHT: nobody reachable has "
                        + "published it or kept it alive in the last hours. Check the address, or reload later to try again.");
            }
            firstMiss.remove(site);
        } else if (due(site)) {
            revalidate(site);
        }
        return serve(site, cached.get(), peers, Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
    }

    private boolean due(SiteAddress site) {
        long last = lastCheck.getOrDefault(site, 0L);
        return System.currentTimeMillis() - last >= timing.get().recheck().toMillis() && dht != null;
    }

    private SiteSource.Lookup serve(SiteAddress site, KeySiteRecord record, List<InetSocketAddress> peers, Duration wait) {
        SiteAddress current = torrent(record.infohash());
        String before = served.get(site);
        if (before != null && !before.equals(record.infohash())) {
            // a newer version is known: serve the one on screen until the new one's file list is here
            SiteSource.Lookup fresh = torrents.fetch(current, peers, Duration.ZERO);
            if (fresh instanceof SiteSource.Lookup.Ready) {
                served.put(site, record.infohash());
                return fresh;
            }
            Optional<SiteView> old = torrents.siteView(torrent(before));
            if (old.isPresent()) {
                return new SiteSource.Lookup.Ready(old.get());
            }
            return fresh;
        }
        SiteSource.Lookup lookup = torrents.fetch(current, peers, wait);
        if (lookup instanceof SiteSource.Lookup.Ready) {
            served.put(site, record.infohash());
        }
        return lookup;
    }

    private static SiteAddress torrent(String infohash) {
        return new SiteAddress(SiteAddress.Kind.INFOHASH, infohash);
    }

    /** The version to show without fetching anything: for {@link SiteSource#site}. */
    Optional<SiteView> view(SiteAddress site) {
        return currentVersion(site).flatMap(ih -> torrents.siteView(torrent(ih)));
    }

    /** The infohash a key site shows now: the version on screen, else the newest known. */
    Optional<String> currentVersion(SiteAddress site) {
        String ih = served.get(site);
        return ih != null ? Optional.of(ih) : store.get(site).map(KeySiteRecord::infohash);
    }

    /** The site shows its newest version from the next request on (it was published or removed here). */
    void forgetServed(SiteAddress site) {
        served.remove(site);
    }

    /** A version of the site is gone (retired): it is no longer shown, the newest one is. */
    void forgetServed(SiteAddress site, String infohash) {
        served.remove(site, infohash);
    }

    /**
     * Asks the DHT for the site's newest item (one lookup per site at a time) and takes it if it
     * is newer than the cached one; completes with the site's record afterwards.
     */
    CompletableFuture<Optional<KeySiteRecord>> revalidate(SiteAddress site) {
        if (dht == null) {
            return CompletableFuture.completedFuture(store.get(site));
        }
        CompletableFuture<Optional<KeySiteRecord>> mine = new CompletableFuture<>();
        CompletableFuture<Optional<KeySiteRecord>> running = inflight.putIfAbsent(site, mine);
        if (running != null) {
            return running;
        }
        lastCheck.put(site, System.currentTimeMillis());
        dht.getMutable(site.bytes(), site.salt(), timing.get().getTimeout()).whenCompleteAsync((found, error) -> {
            try {
                if (error != null) {
                    log.debug("lookup of a key site failed: {}", error.toString());
                } else {
                    found.ifPresent(item -> offer(site, item, "the DHT", false));
                }
            } finally {
                checkedAt.put(site, System.currentTimeMillis());
                inflight.remove(site, mine);
                mine.complete(store.get(site));
            }
        }, executor);
        return mine;
    }

    /**
     * The DHT's newest valid item for a site, or empty (none, or no answer in time), waiting for
     * it: for a publish, which signs above it. Counts as a check of the site.
     */
    Optional<MutableItem> newestInDht(SiteAddress site) {
        UpdateTiming now = timing.get();
        try {
            Optional<MutableItem> found = dht.getMutable(site.bytes(), site.salt(), now.getTimeout())
                    .get(now.getTimeout().toMillis() + 5_000, TimeUnit.MILLISECONDS);
            if (found.isPresent()) {
                ItemCheck.verify(site, found.get(), Optional.empty());
            }
            lastCheck.put(site, System.currentTimeMillis());
            return found;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        } catch (ExecutionException | TimeoutException | RejectedItem e) {
            log.debug("no usable item in the DHT for {}: {}", site, e.toString());
            return Optional.empty();
        }
    }

    /**
     * Takes an item from the DHT or a peer if it passes {@link ItemCheck} and is newer than the one
     * held, then gets its version ready: seeded if this engine keeps the site, its file list
     * fetched if someone reads the site here.
     *
     * @param mustBeKnown true for items from peers: only sites this engine already follows are
     *                    updated, so a peer cannot fill the store with sites nobody asked for
     * @return true if the item became the site's current one
     */
    boolean offer(SiteAddress site, MutableItem item, String source, boolean mustBeKnown) {
        KeySiteRecord updated;
        if (mustBeKnown && store.get(site).isEmpty()) {
            return false; // before the site's lock: a peer's items for unknown sites leave nothing behind
        }
        synchronized (store.lock(site)) {
            Optional<KeySiteRecord> known = store.get(site);
            if (mustBeKnown && known.isEmpty()) {
                return false;
            }
            ItemCheck.Verified verified;
            try {
                verified = ItemCheck.verify(site, item, known.map(KeySiteRecord::item));
            } catch (RejectedItem e) {
                log.debug("refused an item from {}: {}", source, e.getMessage());
                return false;
            }
            if (!ItemCheck.isNewer(item, known.map(KeySiteRecord::item))) {
                return false;
            }
            updated = known.map(r -> r.withItem(verified.item(), verified.infohash()))
                    .orElseGet(() -> KeySiteRecord.learned(verified));
            try {
                store.put(updated);
            } catch (IOException e) {
                log.warn("cannot store an updatable site's item: {}", e.toString());
                return false;
            }
        }
        if (updated.seeding() || updated.published()) {
            log.info("{} is now at seq {} ({}), learned from {}", site, updated.seq(), updated.infohash(), source);
        } else {
            log.debug("{} is now at seq {} ({}), learned from {}", site, updated.seq(), updated.infohash(), source);
        }
        announce(updated);
        if (updated.seeding()) {
            seeding.ensureSeeded(updated.infohash());
        } else if (served.containsKey(site)) {
            // someone reads the site: have the new version ready for the next page, asking first
            // the peers of the version on screen (its publisher and seeders likely have the new one)
            prefetch(updated.infohash(), torrents.connectedPeers(served.get(site)));
        }
        return true;
    }

    /** Starts fetching a version's file list so that the next navigation finds it ready. */
    private void prefetch(String infohash, List<InetSocketAddress> hints) {
        executor.execute(() -> torrents.fetch(torrent(infohash), hints, Duration.ZERO));
    }

    /**
     * An item a peer sent, for {@link #offer} on this class's own thread (callers are on bt's
     * message loop, which must not wait for a disk write), within the bounds of {@link PeerOffers}.
     *
     * @param connection the peer connection it came on
     * @return why it was dropped, or empty if it was taken
     */
    Optional<String> offerFromPeer(Object connection, SiteAddress site, MutableItem item, String source, Runnable whenNewer) {
        return peerOffers.take(connection, site, item, store.get(site).map(KeySiteRecord::item), source, whenNewer,
                System.currentTimeMillis());
    }

    /** A peer connection closed: its item budget goes. */
    void peerGone(Object connection) {
        peerOffers.disconnected(connection);
    }
}
