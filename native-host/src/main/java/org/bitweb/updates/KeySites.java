package org.bitweb.updates;

import org.bitweb.address.SiteAddress;
import org.bitweb.dht.DhtNode;
import org.bitweb.gateway.SiteSource;
import org.bitweb.gateway.SiteView;
import org.bitweb.keys.KeyRing;
import org.bitweb.log.Threads;
import org.bitweb.site.Publisher;
import org.bitweb.site.SiteStatus;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;

/**
 * Updatable sites (BEP 46) in one engine: what the engine, the daemon and the site list ask of
 * key sites, and the parts that do it, each with one job (docs/UPDATES.md):
 * <ul>
 *   <li>{@link Resolver}: which version each site is at and shows (stale-while-revalidate
 *       lookups, newer items from the DHT and from peers);</li>
 *   <li>{@link Publishing}: a new version under one of this machine's keys, signed by
 *       {@link VersionSigner};</li>
 *   <li>{@link KeepAlive}: the items of kept sites put into the DHT again every hour or so;</li>
 *   <li>{@link VersionSeeding}: a kept site's current version fetched in full and seeded;</li>
 *   <li>{@link OldVersions}: a kept site's older versions retired;</li>
 *   <li>{@link SiteList}: each key site once in the site list;</li>
 *   <li>{@link ItemExchange} (made with the bt runtime, before this): items passed between peers.</li>
 * </ul>
 * The torrents of the versions are the engine's, reached through {@link Torrents}.
 */
public final class KeySites implements AutoCloseable {
    private final Torrents torrents;
    private final MutableStore store;
    private final ScheduledExecutorService executor;
    private volatile UpdateTiming timing = UpdateTiming.DEFAULTS;
    private final VersionSeeding seeding;
    private final Resolver resolver;
    private final SiteList list;
    private final Publishing publishing;
    private final KeepAlive keepAlive;
    private final OldVersions oldVersions;

    /**
     * @param dht null when the engine runs no DHT (a SOCKS5 proxy, or --no-dht): sites already
     *            known are served, nothing is looked up or put
     */
    public KeySites(Torrents torrents, MutableStore store, KeyRing ring, DhtNode dht) {
        this.torrents = torrents;
        this.store = store;
        this.executor = Threads.scheduler("key-sites", 2);
        this.seeding = new VersionSeeding(torrents);
        this.resolver = new Resolver(store, dht, torrents, seeding, executor, this::timing);
        this.list = new SiteList(store, torrents, resolver);
        this.publishing = new Publishing(torrents, store, new VersionSigner(ring), dht, resolver, list, this::timing);
        this.keepAlive = new KeepAlive(store, dht, seeding, publishing, resolver, executor, this::timing);
        this.oldVersions = new OldVersions(store, torrents, resolver, executor, this::timing);
    }

    /** Starts the rounds of puts and of retiring; the versions of sites seeded here are fetched and seeded. */
    public synchronized void start() {
        for (KeySiteRecord record : store.list()) {
            if (record.seeding() && !record.published()) {
                seeding.ensureSeeded(record.infohash());
            }
        }
        keepAlive.schedule();
        resolver.start();
        // older versions may go at any time: the grace runs out, or a copy of the new one appears
        oldVersions.start();
    }

    public synchronized void timing(UpdateTiming value) {
        timing = value;
        keepAlive.schedule();
    }

    public UpdateTiming timing() {
        return timing;
    }

    /** How long to keep looking up a site no lookup found before giving up (tests shorten it). */
    void lookupPatience(Duration patience) {
        resolver.lookupPatience(patience);
    }

    Resolver resolver() {
        return resolver;
    }

    List<KeySiteRecord> records() {
        return store.list();
    }

    public Optional<KeySiteRecord> record(SiteAddress site) {
        return store.get(site);
    }

    // ------------------------------------------------------------------ reading

    /** What the gateway and {@code site.fetch} get for a key address. */
    public SiteSource.Lookup fetch(SiteAddress site, List<InetSocketAddress> peers, Duration wait) {
        return resolver.fetch(site, peers, wait);
    }

    /** The version to show without fetching anything: for {@link SiteSource#site}. */
    public Optional<SiteView> view(SiteAddress site) {
        return resolver.view(site);
    }

    /** The infohash a key site shows now: the version on screen, else the newest known. */
    public Optional<String> currentVersion(SiteAddress site) {
        return resolver.currentVersion(site);
    }

    /** Earlier versions of every key site whose current version is {@code infohash}, newest first. */
    public List<String> olderVersions(String infohash) {
        List<String> older = new ArrayList<>();
        for (KeySiteRecord record : store.list()) {
            if (record.infohash().equals(infohash)) {
                List<String> previous = new ArrayList<>(record.previous());
                Collections.reverse(previous);
                previous.stream().filter(ih -> !ih.equals(infohash) && !older.contains(ih)).forEach(older::add);
            }
        }
        return older;
    }

    /** The key sites a torrent is a version of, current or earlier. */
    public List<SiteAddress> sitesWithVersion(String infohash) {
        return list.sitesWithVersion(infohash);
    }

    /** The addresses the site list shows as seeding, given the engine's seeding torrents; see {@link SiteList#shared}. */
    public List<SiteAddress> shared(List<String> seedingTorrents) {
        return list.shared(seedingTorrents);
    }

    // ------------------------------------------------------------------ publishing

    /** See {@link Publishing#publish}. */
    public Publishing.Published publish(Path folder, String keyName, byte[] salt, Publisher.Progress progress)
            throws IOException {
        return publishing.publish(folder, keyName, salt, progress);
    }

    // ------------------------------------------------------------------ older versions

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
            record = known(site);
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
        keepAlive.putSoon(record);
        return list.status(record);
    }

    /** Stops keeping a key site alive: its versions stay here, readable, and are no longer shared. */
    public SiteStatus unseed(SiteAddress site) throws IOException {
        KeySiteRecord record;
        synchronized (store.lock(site)) {
            record = known(site).withSeeding(false);
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
        KeySiteRecord record = known(site);
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

    private KeySiteRecord known(SiteAddress site) throws IOException {
        return store.get(site).orElseThrow(() -> new IOException("this engine does not know the site " + site));
    }

    @Override
    public void close() {
        executor.shutdownNow();
        seeding.close();
    }
}
