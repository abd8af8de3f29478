package org.bitweb.updates;

import org.bitweb.address.SiteAddress;
import org.bitweb.dht.DhtNode;
import org.bitweb.dht.MutableItem;
import org.bitweb.dht.NewerItemException;
import org.bitweb.keys.KeyRing;
import org.bitweb.keys.SiteKey;
import org.bitweb.site.Publisher;
import org.bitweb.site.SiteStatus;
import org.bitweb.store.SiteRecord;
import org.bitweb.store.SiteStore;
import org.bitweb.store.StateDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * Publishes a folder as the new version of a site under one of this machine's keys: in the
 * engine ({@link #publish}: the DHT is asked first, and the item put after), or with no engine
 * running ({@link #publishOffline}: signed from what this machine knows, and settled against the
 * DHT when the engine next puts it, {@link #settleOfflinePublish}). Every path signs through
 * {@link VersionSigner}.
 */
public final class Publishing {
    private static final Logger log = LoggerFactory.getLogger(Publishing.class);

    private final Torrents torrents;
    private final MutableStore store;
    private final VersionSigner signer;
    /** Null when this engine runs no DHT: items are then signed as if offline, and checked later. */
    private final DhtNode dht;
    private final Resolver resolver;
    private final SiteList list;
    private final Supplier<UpdateTiming> timing;

    Publishing(Torrents torrents, MutableStore store, VersionSigner signer, DhtNode dht, Resolver resolver, SiteList list,
               Supplier<UpdateTiming> timing) {
        this.torrents = torrents;
        this.store = store;
        this.signer = signer;
        this.dht = dht;
        this.resolver = resolver;
        this.list = list;
        this.timing = timing;
    }

    /**
     * A version published under a key.
     *
     * @param site     the key site as the site list shows it
     * @param seq      the seq of the site's item now
     * @param newSeq   whether a new item was signed (not when the version already was the current one)
     * @param dhtNodes how many DHT nodes took the item
     */
    public record Published(SiteStatus site, long seq, boolean newSeq, int dhtNodes) {
    }

    /**
     * A version published with no engine running.
     *
     * @param site    the key site
     * @param version the version's torrent, as the store holds it
     * @param seq     the seq its item was signed under
     */
    public record PublishedOffline(SiteAddress site, SiteRecord version, long seq) {
    }

    /**
     * Publishes a folder as the new version of the site that key {@code keyName} signs (the key is
     * made if there is none by that name): seeds the torrent, then puts the signed item
     * {@code {ih}} under the next seq. The next seq is above the highest of: what this machine
     * signed before, the cached item, and what the DHT holds now (asked first). Publishing a
     * version that is already the current one signs nothing new and puts the current item again.
     */
    Published publish(Path folder, String keyName, byte[] salt, Publisher.Progress progress) throws IOException {
        SiteKey key = signer.keyOrNew(keyName);
        SiteAddress site = key.address(salt);
        String ih = torrents.publish(folder, progress).infohash();
        Optional<MutableItem> inDht = dht == null ? Optional.empty() : resolver.newestInDht(site);
        KeySiteRecord record;
        boolean signed;
        synchronized (store.lock(site)) {
            Optional<KeySiteRecord> known = store.get(site);
            Optional<MutableItem> newest = known.map(KeySiteRecord::item);
            if (inDht.isPresent() && (newest.isEmpty() || inDht.get().seq() > newest.get().seq())) {
                newest = inDht;
            }
            MutableItem item;
            if (newest.isPresent() && SiteValue.infohash(newest.get().value()).equals(ih)) {
                item = newest.get(); // the same folder again: the same version, nothing new to sign
                signed = false;
            } else {
                item = signer.signNext(key, salt, ih, known, seqOf(inDht));
                signed = true;
            }
            record = known.map(r -> r.item().equals(item) ? r : r.withItem(item, ih))
                    .orElseGet(() -> KeySiteRecord.published(item, ih, keyName))
                    .publishedHere(keyName, dht == null);
            store.put(record);
            resolver.forgetServed(site);
        }
        log.info("published {} as seq {} of {}", ih, record.seq(), site);
        resolver.announce(record);
        int nodes = 0;
        UpdateTiming now = timing.get();
        // A lookup can miss the node that holds a newer item (another machine with this key); the
        // put's own lookup may find it. Then this version is signed again above it: the version
        // published last must be the one visitors get.
        for (int attempt = 0; dht != null && attempt < 3; attempt++) {
            try {
                nodes = dht.putMutable(record.item(), now.putTimeout())
                        .get(now.putTimeout().toMillis() + 5_000, TimeUnit.MILLISECONDS);
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
                        e.getCause() != null ? e.getCause().getMessage() : e.toString(), now.republish().toMinutes());
                break;
            } catch (TimeoutException e) {
                log.warn("the DHT did not take {} now ({}); it is put again every {} min", site, e, now.republish().toMinutes());
                break;
            }
        }
        return new Published(list.status(record), record.seq(), signed, nodes);
    }

    /** Signs {@code ih} as the site's version above {@code seenSeq}, the DHT's, and every seq this machine knows. */
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

    /**
     * Publishes under a key with no engine (and so no DHT) at hand, for the command line: the
     * folder goes into the store and the item is signed above every seq this machine knows; it is
     * marked so that the engine, before it first puts it, asks the DHT and signs again above a
     * newer seq found there ({@link #settleOfflinePublish}). The caller holds the engine lock.
     */
    public static PublishedOffline publishOffline(StateDir dir, Path folder, String keyName, byte[] salt,
                                                  Publisher.Progress progress) throws IOException {
        SiteStore sites = SiteStore.open(dir);
        VersionSigner signer = new VersionSigner(KeyRing.of(dir));
        SiteKey key = signer.keyOrNew(keyName);
        SiteAddress site = key.address(salt);
        SiteRecord version = Publisher.publish(dir, sites, folder, progress);
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

    /**
     * Settles a version signed without asking the DHT (published with no engine running), before
     * its first put: signed again above the DHT's seq if the DHT holds another version at the
     * same or a higher seq (the user's latest publish on this machine is taken as their intent).
     *
     * @return the record to put
     */
    KeySiteRecord settleOfflinePublish(KeySiteRecord record) {
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

    private static OptionalLong seqOf(Optional<MutableItem> item) {
        return item.map(i -> OptionalLong.of(i.seq())).orElse(OptionalLong.empty());
    }
}
