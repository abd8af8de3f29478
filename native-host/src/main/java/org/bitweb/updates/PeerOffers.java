package org.bitweb.updates;

import org.bitweb.address.SiteAddress;
import org.bitweb.dht.MutableItem;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.function.Consumer;

/**
 * Items that peers send ({@code bw_item}), on their way to the {@link Resolver}, bounded (issue 12):
 * each peer connection may send a few items a second, each is checked (signature included) before
 * anything is queued, and at most one item per site waits: the highest seq that verified. A peer
 * sending forged items costs a verification each, within its budget, and queues nothing.
 */
final class PeerOffers {
    /** Items a connection may send at once, and how many more it earns each second. */
    static final int BURST = 8;
    static final double PER_SECOND = 2;

    private final Executor executor;
    private final Consumer<Offer> offer;
    private final Map<SiteAddress, Offer> waiting = new ConcurrentHashMap<>();
    private final Map<Object, Budget> budgets = new ConcurrentHashMap<>();

    /** A verified item from a peer, and what to do if it became the site's current one. */
    record Offer(SiteAddress site, ItemCheck.Verified item, String source, Runnable whenNewer) {
    }

    /**
     * @param offer runs on {@code executor} with the best waiting item of a site
     */
    PeerOffers(Executor executor, Consumer<Offer> offer) {
        this.executor = executor;
        this.offer = offer;
    }

    /**
     * Takes an item a peer sent for a site this engine follows.
     *
     * @param from  the connection it came on (its budget)
     * @param known the site's current item
     * @return why it was dropped, or empty if it now waits for the resolver
     */
    Optional<String> take(Object from, SiteAddress site, MutableItem item, Optional<MutableItem> known, String source,
                          Runnable whenNewer, long nowMillis) {
        if (!budgets.computeIfAbsent(from, k -> new Budget(nowMillis)).spend(nowMillis)) {
            return Optional.of("over its budget of " + BURST + " items, " + PER_SECOND + " a second");
        }
        ItemCheck.Verified verified;
        try {
            verified = ItemCheck.verify(site, item, known);
        } catch (RejectedItem e) {
            return Optional.of(e.getMessage());
        }
        if (!ItemCheck.isNewer(item, known)) {
            return Optional.of("not newer than seq " + known.map(MutableItem::seq).orElse(-1L));
        }
        Offer fresh = new Offer(site, verified, source, whenNewer);
        boolean[] first = {false};
        waiting.compute(site, (s, old) -> {
            if (old == null) {
                first[0] = true;
                return fresh;
            }
            return fresh.item().seq() > old.item().seq() ? fresh : old;
        });
        if (first[0]) {
            executor.execute(() -> {
                Offer best = waiting.remove(site);
                if (best != null) {
                    offer.accept(best);
                }
            });
        }
        return Optional.empty();
    }

    /** Forgets a connection's budget when it closes. */
    void disconnected(Object from) {
        budgets.remove(from);
    }

    /** How many sites have an item waiting (tests). */
    int waiting() {
        return waiting.size();
    }

    /** A token bucket: {@link #BURST} items, refilled at {@link #PER_SECOND}. */
    private static final class Budget {
        private double tokens = BURST;
        private long last;

        Budget(long now) {
            last = now;
        }

        synchronized boolean spend(long now) {
            tokens = Math.min(BURST, tokens + (now - last) / 1000.0 * PER_SECOND);
            last = now;
            if (tokens < 1) {
                return false;
            }
            tokens--;
            return true;
        }
    }
}
