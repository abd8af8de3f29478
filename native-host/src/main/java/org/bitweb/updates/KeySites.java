package org.bitweb.updates;

import org.bitweb.site.Publisher;
import org.bitweb.site.SiteStatus;
import org.bitweb.address.SiteAddress;
import org.bitweb.dht.DhtNode;
import org.bitweb.dht.NewerItemException;
import org.bitweb.dht.MutableItem;
import org.bitweb.gateway.SiteSource;
import org.bitweb.gateway.SiteView;
import org.bitweb.keys.KeyRing;
import org.bitweb.keys.SiteKey;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * Updatable sites (BEP 46) in the engine: resolving a key to its current torrent, publishing a
 * new version under one of this machine's keys, and keeping the signed items of kept sites alive
 * in the DHT. Torrents themselves are the engine's business: a key site is served, fetched and
 * seeded as the torrent its newest verified item points at (docs/UPDATES.md).
 *
 * <p>Resolution is stale-while-revalidate: a site with a cached item is served from it at once,
 * and the DHT is asked again in the background at most every {@link UpdateTiming#recheck()}. A
 * newer item switches the site to its torrent as soon as that torrent's file list is here, so a
 * reader never waits for an update: the next navigation after that shows the new version.
 */
public final class KeySites implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(KeySites.class);

    private final Torrents torrents;
    private final MutableStore store;
    private final DhtNode dht;
    private final ScheduledExecutorService executor;
    private final VersionSeeding seeding;
    private final Resolver resolver;
    private volatile UpdateTiming timing = UpdateTiming.DEFAULTS;
    private ScheduledFuture<?> republishing;
    private final OldVersions oldVersions;
    private final SiteList list;
    private final Publishing publishing;

    public KeySites(Torrents torrents, MutableStore store, KeyRing ring, DhtNode dht) {
        this.torrents = torrents;
        this.store = store;
        this.dht = dht;
        this.seeding = new VersionSeeding(torrents);
        this.executor = Executors.newScheduledThreadPool(2, r -> {
            Thread t = new Thread(r, "key-sites");
            t.setDaemon(true);
            return t;
        });
        this.resolver = new Resolver(store, dht, torrents, seeding, executor, this::timing);
        this.oldVersions = new OldVersions(store, torrents, resolver, executor, this::timing);
        this.list = new SiteList(store, torrents);
        this.publishing = new Publishing(torrents, store, new VersionSigner(ring), dht, resolver, list, this::timing);
    }

    /** Starts the republishing rounds; seeded key sites are seeded through the engine here too. */
    public synchronized void start() {
        for (KeySiteRecord record : store.list()) {
            if (record.seeding() && !record.published()) {
                seeding.ensureSeeded(record.infohash());
            }
        }
        schedule();
        // older versions may go at any time: the grace runs out, or a copy of the new one appears
        oldVersions.start();
    }

    /** How long to keep looking up a site no lookup found before giving up (tests shorten it). */
    void lookupPatience(Duration patience) {
        resolver.lookupPatience(patience);
    }

    public synchronized void timing(UpdateTiming value) {
        timing = value;
        schedule();
    }

    public UpdateTiming timing() {
        return timing;
    }

    private void schedule() {
        if (republishing != null) {
            republishing.cancel(false);
        }
        if (dht != null && !executor.isShutdown()) {
            republishing = executor.scheduleWithFixedDelay(this::republishQuietly, timing.firstRepublish().toMillis(),
                    timing.republish().toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    /** Which version each site is at and shows; takes newer items from the DHT and peers. */
    Resolver resolver() {
        return resolver;
    }

    List<KeySiteRecord> records() {
        return store.list();
    }

    public Optional<KeySiteRecord> record(SiteAddress site) {
        return store.get(site);
    }

    // ------------------------------------------------------------------ resolving

    /** What the gateway and {@code site.fetch} get for a key address. */
    public SiteSource.Lookup fetch(SiteAddress site, List<InetSocketAddress> peers, Duration wait) {
        return resolver.fetch(site, peers, wait);
    }

    /** Earlier versions of every key site whose current version is {@code infohash}, newest first. */
    public List<String> olderVersions(String infohash) {
        List<String> older = new ArrayList<>();
        for (KeySiteRecord record : store.list()) {
            if (record.infohash().equals(infohash)) {
                List<String> previous = new ArrayList<>(record.previous());
                java.util.Collections.reverse(previous);
                previous.stream().filter(ih -> !ih.equals(infohash) && !older.contains(ih)).forEach(older::add);
            }
        }
        return older;
    }

    /** The version to show without fetching anything: for {@link SiteSource#site}. */
    public Optional<SiteView> view(SiteAddress site) {
        return resolver.view(site);
    }

    /** The infohash a key site shows now: the version on screen, else the newest known. */
    public Optional<String> currentVersion(SiteAddress site) {
        return resolver.currentVersion(site);
    }

    // ------------------------------------------------------------------ publishing

    /** See {@link Publishing#publish}. */
    public Publishing.Published publish(Path folder, String keyName, byte[] salt, Publisher.Progress progress)
            throws IOException {
        return publishing.publish(folder, keyName, salt, progress);
    }

    // ------------------------------------------------------------------ keeping items alive

    private void republishQuietly() {
        try {
            republish();
        } catch (RuntimeException e) {
            log.warn("republishing failed: {}", e.toString(), e);
        }
    }

    // ------------------------------------------------------------------ retiring older versions

    /** Retires a site's older versions as soon as another peer holds the whole current version. */
    public void watch(CopiesElsewhere elsewhere) {
        oldVersions.watch(elsewhere);
    }

    /** What the peers hold of each version, for tests and figures; null before {@link #watch}. */
    CopiesElsewhere copies() {
        return oldVersions.copies();
    }

    /**
     * The user's grace period for older versions (settings' {@code oldVersionGraceHours}); empty
     * keeps them until another peer holds the whole current version. Takes effect at once.
     */
    public void oldVersionGrace(Optional<Duration> grace) {
        synchronized (this) {
            timing = timing.withOldVersionGrace(grace.orElse(UpdateTiming.UNTIL_COPIED));
        }
        oldVersions.checkSoon();
    }

    /** Retires the older versions that are due now; see {@link OldVersions#retire}. */
    public List<String> retireOldVersions() {
        return oldVersions.retire();
    }

    /**
     * Puts the item of every kept site again (published here or seeded), unchanged: no private key
     * is needed. An item signed while the DHT was out of reach is first checked against the DHT and
     * signed again above a newer seq found there.
     *
     * @return the puts started, each completing with how many nodes took the item
     */
    List<CompletableFuture<Integer>> republish() {
        List<CompletableFuture<Integer>> puts = new ArrayList<>();
        if (dht == null) {
            return puts;
        }
        for (KeySiteRecord listed : store.list()) {
            if (!listed.seeding()) {
                continue;
            }
            if (!listed.published()) {
                seeding.ensureSeededAgain(listed.infohash()); // the round after a version could not be fetched
            }
            KeySiteRecord record = listed.pendingCheck() ? publishing.settleOfflinePublish(listed) : listed;
            SiteAddress site = record.site();
            CompletableFuture<Integer> put = dht.putMutable(record.item(), timing.putTimeout());
            put.whenComplete((nodes, error) -> {
                if (error != null) {
                    // most likely the DHT holds a newer item (another machine published): take it
                    log.debug("re-put of {} refused: {}", site, error.getMessage());
                    resolver.revalidate(site);
                } else {
                    log.debug("re-put {} seq {} to {} nodes", site, record.seq(), nodes);
                }
            });
            puts.add(put);
        }
        return puts;
    }

    // ------------------------------------------------------------------ the site list

    public SiteStatus status(KeySiteRecord record) {
        return list.status(record);
    }

    /** The site list: each key site once, under its key, instead of the torrents of its versions. */
    public List<SiteStatus> merge(List<SiteStatus> statuses) {
        return list.merge(statuses);
    }

    /** Keeps a key site alive from this machine: seeds its current version and re-puts its item. */
    public SiteStatus seed(SiteAddress site) throws IOException {
        KeySiteRecord record;
        synchronized (store.lock(site)) {
            record = store.get(site).orElseThrow(() -> new IOException("this engine does not know the site " + site));
            if (!record.seeding()) {
                record = record.withSeeding(true);
                store.put(record);
            }
        }
        if (record.published()) {
            torrents.seed(record.infohash());
        } else {
            seeding.ensureSeeded(record.infohash());
        }
        KeySiteRecord kept = record;
        executor.execute(() -> {
            if (dht != null) {
                dht.putMutable(kept.item(), timing.putTimeout());
            }
        });
        return list.status(record);
    }

    public SiteStatus unseed(SiteAddress site) throws IOException {
        KeySiteRecord record;
        synchronized (store.lock(site)) {
            record = store.get(site).orElseThrow(() -> new IOException("this engine does not know the site " + site));
            record = record.withSeeding(false);
            store.put(record);
        }
        for (String ih : record.versions()) {
            if (torrents.site(ih).isPresent()) {
                torrents.unseed(ih);
            }
        }
        return list.status(record);
    }

    /** Forgets a key site and removes the files of its versions. */
    public long remove(SiteAddress site) throws IOException {
        KeySiteRecord record = store.get(site).orElseThrow(() -> new IOException("this engine does not know the site " + site));
        long freed = 0;
        for (String ih : record.versions()) {
            if (torrents.site(ih).isPresent()) {
                freed += torrents.remove(ih);
            }
        }
        store.remove(site);
        resolver.forgetServed(site);
        return freed;
    }

    @Override
    public void close() {
        executor.shutdownNow();
        seeding.close();
    }
}
