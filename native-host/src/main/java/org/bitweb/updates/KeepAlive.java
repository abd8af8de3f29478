package org.bitweb.updates;

import org.bitweb.address.SiteAddress;
import org.bitweb.dht.DhtNode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Keeps the items of the key sites this engine keeps (publishes or seeds) alive in the DHT, whose
 * nodes drop an item after about two hours: every {@link UpdateTiming#republish} each is put
 * again, unchanged, which needs no private key. A refused put most likely means the DHT holds a
 * newer item (another machine published): the site is looked up, and the newer item taken.
 */
final class KeepAlive {
    private static final Logger log = LoggerFactory.getLogger(KeepAlive.class);

    private final MutableStore store;
    /** Null when this engine runs no DHT: nothing is put. */
    private final DhtNode dht;
    private final VersionSeeding seeding;
    private final Publishing publishing;
    private final Resolver resolver;
    private final ScheduledExecutorService executor;
    private final Supplier<UpdateTiming> timing;
    private ScheduledFuture<?> rounds;

    KeepAlive(MutableStore store, DhtNode dht, VersionSeeding seeding, Publishing publishing, Resolver resolver,
              ScheduledExecutorService executor, Supplier<UpdateTiming> timing) {
        this.store = store;
        this.dht = dht;
        this.seeding = seeding;
        this.publishing = publishing;
        this.resolver = resolver;
        this.executor = executor;
        this.timing = timing;
    }

    /** (Re)starts the rounds of puts at the current timing; none without a DHT or once closed. */
    synchronized void schedule() {
        if (rounds != null) {
            rounds.cancel(false);
        }
        UpdateTiming now = timing.get();
        if (dht != null && !executor.isShutdown()) {
            rounds = executor.scheduleWithFixedDelay(this::republishQuietly, now.firstRepublish().toMillis(),
                    now.republish().toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    /** Puts a site's item now, on this class's thread: a site the user just chose to keep. */
    void putSoon(KeySiteRecord record) {
        executor.execute(() -> {
            if (dht != null) {
                dht.putMutable(record.item(), timing.get().putTimeout());
            }
        });
    }

    private void republishQuietly() {
        try {
            republish();
        } catch (RuntimeException e) {
            log.warn("republishing failed: {}", e.toString(), e);
        }
    }

    /**
     * One round: puts the item of every kept site again. An item signed while the DHT was out of
     * reach is settled against the DHT first ({@link Publishing#settleOfflinePublish}); a kept
     * version that could not be fetched before is asked for again.
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
            CompletableFuture<Integer> put = dht.putMutable(record.item(), timing.get().putTimeout());
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
}
