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
    private final VersionSigner signer;
    private final DhtNode dht;
    private final ScheduledExecutorService executor;
    private final VersionSeeding seeding;
    private final Resolver resolver;
    private volatile UpdateTiming timing = UpdateTiming.DEFAULTS;
    private ScheduledFuture<?> republishing;
    private final OldVersions oldVersions;

    public KeySites(Torrents torrents, MutableStore store, KeyRing ring, DhtNode dht) {
        this.torrents = torrents;
        this.store = store;
        this.signer = new VersionSigner(ring);
        this.dht = dht;
        this.seeding = new VersionSeeding(torrents);
        this.executor = Executors.newScheduledThreadPool(2, r -> {
            Thread t = new Thread(r, "key-sites");
            t.setDaemon(true);
            return t;
        });
        this.resolver = new Resolver(store, dht, torrents, seeding, executor, this::timing);
        this.oldVersions = new OldVersions(store, torrents, resolver, executor, this::timing);
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

    /** A version published under a key. */
    public record Published(SiteStatus site, long seq, boolean newSeq, int dhtNodes) {
    }

    /**
     * Publishes a folder as the new version of the site that key {@code keyName} signs (the key is
     * made if there is none by that name): seeds the torrent, then puts the signed item
     * {@code {ih}} under the next seq. The next seq is above the highest of: what this machine
     * signed before, the cached item, and what the DHT holds now (asked first). Publishing a
     * version that is already the current one signs nothing new and puts the current item again.
     */
    public Published publish(Path folder, String keyName, byte[] salt, Publisher.Progress progress) throws IOException {
        SiteKey key = signer.keyOrNew(keyName);
        SiteAddress site = key.address(salt);
        SiteStatus version = torrents.publish(folder, progress);
        String ih = version.infohash();
        Optional<MutableItem> inDht = dht == null ? Optional.empty() : resolver.newestInDht(site);
        KeySiteRecord record;
        boolean signed;
        synchronized (store.lock(site)) {
            Optional<KeySiteRecord> known = store.get(site);
            MutableItem newest = known.map(KeySiteRecord::item).orElse(null);
            if (inDht.isPresent() && (newest == null || inDht.get().seq() > newest.seq())) {
                newest = inDht.get();
            }
            MutableItem item;
            if (newest != null && SiteValue.infohash(newest.value()).equals(ih)) {
                item = newest;
                signed = false;
            } else {
                item = signer.signNext(key, salt, ih, known, seqOf(inDht));
                signed = true;
            }
            MutableItem chosen = item;
            record = known.map(r -> r.item().equals(chosen) ? r : r.withItem(chosen, ih))
                    .orElseGet(() -> KeySiteRecord.published(chosen, ih, keyName))
                    .publishedHere(keyName, dht == null);
            store.put(record);
            resolver.forgetServed(site);
        }
        log.info("published {} as seq {} of {}", ih, record.seq(), site);
        resolver.announce(record);
        int nodes = 0;
        // A lookup can miss the node that holds a newer item (another machine with this key); the
        // put's own lookup may find it. Then this version is signed again above it: the version
        // published last must be the one visitors get.
        for (int attempt = 0; dht != null && attempt < 3; attempt++) {
            try {
                nodes = dht.putMutable(record.item(), timing.putTimeout())
                        .get(timing.putTimeout().toMillis() + 5_000, TimeUnit.MILLISECONDS);
                break;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            } catch (ExecutionException e) {
                if (e.getCause() instanceof NewerItemException newer && attempt < 2) {
                    record = signAbove(key, salt, ih, newer.newestSeq());
                    signed = true;
                    log.info("the DHT held seq {}; published {} again as seq {} of {}", newer.newestSeq(), ih, record.seq(), site);
                    resolver.announce(record);
                    continue;
                }
                log.warn("the DHT did not take {} now ({}); it is put again every {} min", site,
                        e.getCause() != null ? e.getCause().getMessage() : e.toString(), timing.republish().toMinutes());
                break;
            } catch (TimeoutException e) {
                log.warn("the DHT did not take {} now ({}); it is put again every {} min", site, e, timing.republish().toMinutes());
                break;
            }
        }
        return new Published(status(record), record.seq(), signed, nodes);
    }

    /** Signs {@code ih} as the site's version above {@code seenSeq} and every seq this machine used. */
    private KeySiteRecord signAbove(SiteKey key, byte[] salt, String ih, long seenSeq) throws IOException {
        SiteAddress site = key.address(salt);
        synchronized (store.lock(site)) {
            KeySiteRecord known = store.get(site).orElseThrow();
            MutableItem item = signer.signNext(key, salt, ih, Optional.of(known), OptionalLong.of(seenSeq));
            KeySiteRecord record = known.withItem(item, ih);
            store.put(record);
            return record;
        }
    }

    /** A version published with no engine running. */
    record PublishedOffline(SiteAddress site, org.bitweb.store.SiteRecord version, long seq) {
    }

    /**
     * Publishes under a key with no engine (and so no DHT) at hand: the folder goes into the store
     * and the item is signed above every seq this machine knows; it is marked so that the engine,
     * when it starts, asks the DHT before putting it and signs again above a newer seq found there.
     * The caller holds the engine lock.
     */
    static PublishedOffline publishOffline(org.bitweb.store.StateDir dir, org.bitweb.store.SiteStore sites, Path folder,
                                           String keyName, byte[] salt, Publisher.Progress progress) throws IOException {
        VersionSigner signer = new VersionSigner(KeyRing.of(dir));
        SiteKey key = signer.keyOrNew(keyName);
        SiteAddress site = key.address(salt);
        org.bitweb.store.SiteRecord version = Publisher.publish(dir, sites, folder, progress);
        MutableStore store = MutableStore.open(dir);
        Optional<KeySiteRecord> known = store.get(site);
        KeySiteRecord record;
        if (known.isPresent() && known.get().infohash().equals(version.infohash())) {
            record = known.get().withKeyName(keyName).withSeeding(true);
        } else {
            MutableItem item = signer.signNext(key, salt, version.infohash(), known, OptionalLong.empty());
            record = known.map(r -> r.withItem(item, version.infohash()))
                    .orElseGet(() -> KeySiteRecord.published(item, version.infohash(), keyName))
                    .publishedHere(keyName, true);
        }
        store.put(record);
        return new PublishedOffline(site, version, record.seq());
    }

    private static OptionalLong seqOf(Optional<MutableItem> item) {
        return item.map(i -> OptionalLong.of(i.seq())).orElse(OptionalLong.empty());
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
            KeySiteRecord record = listed.pendingCheck() ? resignIfBehind(listed) : listed;
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

    /** A version published with no engine running: sign it again above the DHT's seq if the DHT moved on meanwhile. */
    private KeySiteRecord resignIfBehind(KeySiteRecord record) {
        SiteAddress site = record.site();
        Optional<MutableItem> inDht = resolver.newestInDht(site);
        synchronized (store.lock(site)) {
            KeySiteRecord current = store.get(site).orElse(record);
            try {
                KeySiteRecord next = current.withPendingCheck(false);
                if (inDht.isPresent() && inDht.get().seq() >= current.seq()
                        && !SiteValue.infohash(inDht.get().value()).equals(current.infohash()) && current.keyName() != null) {
                    MutableItem item = signer.signNext(signer.key(current.keyName()), site.salt(), current.infohash(),
                            Optional.of(current), seqOf(inDht));
                    next = current.resigned(item);
                    log.info("{}: signed the version published offline again as seq {}, above the DHT's {}", site,
                            item.seq(), inDht.get().seq());
                }
                store.put(next);
                return next;
            } catch (IOException | RuntimeException e) {
                log.warn("cannot check an offline publish of {} against the DHT: {}", site, e.toString());
                return current;
            }
        }
    }

    // ------------------------------------------------------------------ the site list

    public SiteStatus status(KeySiteRecord record) {
        SiteStatus version = torrents.site(record.infohash()).orElseGet(() -> placeholder(record.infohash()));
        return version.asKeySite(record.site(), record.seq(), record.seeding(), record.keyName());
    }

    private static SiteStatus placeholder(String infohash) {
        SiteAddress address = new SiteAddress(SiteAddress.Kind.INFOHASH, infohash);
        return new SiteStatus(address.label(), address.url(), "", 0, 0, 0, false, false, 0, 0, 0.0, null, infohash, null, null);
    }

    /** The site list: each key site once, under its key, instead of the torrents of its versions. */
    public List<SiteStatus> merge(List<SiteStatus> torrents) {
        List<KeySiteRecord> keySites = store.list();
        Set<String> versions = new HashSet<>();
        for (KeySiteRecord record : keySites) {
            versions.add(record.infohash());
            versions.addAll(record.previous());
        }
        List<SiteStatus> list = new ArrayList<>();
        for (SiteStatus status : torrents) {
            if (!versions.contains(status.infohash())) {
                list.add(status);
            }
        }
        for (KeySiteRecord record : keySites) {
            list.add(status(record));
        }
        return list;
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
        return status(record);
    }

    public SiteStatus unseed(SiteAddress site) throws IOException {
        KeySiteRecord record;
        synchronized (store.lock(site)) {
            record = store.get(site).orElseThrow(() -> new IOException("this engine does not know the site " + site));
            record = record.withSeeding(false);
            store.put(record);
        }
        for (String ih : versions(record)) {
            if (torrents.site(ih).isPresent()) {
                torrents.unseed(ih);
            }
        }
        return status(record);
    }

    /** Forgets a key site and removes the files of its versions. */
    public long remove(SiteAddress site) throws IOException {
        KeySiteRecord record = store.get(site).orElseThrow(() -> new IOException("this engine does not know the site " + site));
        long freed = 0;
        for (String ih : versions(record)) {
            if (torrents.site(ih).isPresent()) {
                freed += torrents.remove(ih);
            }
        }
        store.remove(site);
        resolver.forgetServed(site);
        return freed;
    }

    private static List<String> versions(KeySiteRecord record) {
        List<String> all = new ArrayList<>(record.previous());
        all.add(record.infohash());
        return all;
    }

    @Override
    public void close() {
        executor.shutdownNow();
        seeding.close();
    }
}
