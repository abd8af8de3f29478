package org.bitweb.updates;

import org.bitweb.address.SiteAddress;
import org.bitweb.dht.MutableItem;
import org.bitweb.keys.SiteKey;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What peers' items can make this engine do: a verification each within a budget, one waiting item per site. */
class PeerOffersTest {
    static final String IH = "0123456789abcdef0123456789abcdef01234567";
    final SiteKey key = SiteKey.generate("peer-offers");
    final SiteAddress site = key.address();
    /** Tasks handed to the executor, run when the test says. */
    final List<Runnable> queued = new ArrayList<>();
    final List<PeerOffers.Offer> offered = new ArrayList<>();
    final PeerOffers offers = new PeerOffers(queued::add, offered::add);

    private MutableItem item(long seq) {
        return key.signItem(new byte[0], seq, SiteValue.encode(IH));
    }

    private static MutableItem forged(MutableItem good, long seq) {
        return new MutableItem(good.publicKey(), good.salt(), seq, good.value(), good.signature());
    }

    private Optional<String> take(Object from, MutableItem item, long now) {
        return offers.take(from, site, item, Optional.empty(), "test", () -> { }, now);
    }

    @Test
    void aFloodOfForgedItemsQueuesNothingAndCostsAVerificationEachWithinABudget() {
        MutableItem good = item(1);
        int dropped = 0;
        for (int i = 0; i < 10_000; i++) {
            Optional<String> why = take("peer", forged(good, 1_000 + i), 0);
            assertTrue(why.isPresent(), "a forged item is never taken");
            if (why.get().contains("budget")) {
                dropped++;
            }
        }
        assertEquals(10_000 - PeerOffers.BURST, dropped, "only the burst was even verified");
        assertEquals(0, queued.size(), "nothing waits");
        assertEquals(0, offers.waiting());
    }

    @Test
    void theBudgetRefillsWithTime() {
        for (int i = 0; i < PeerOffers.BURST; i++) {
            take("peer", forged(item(1), 5), 0);
        }
        assertTrue(take("peer", item(2), 0).orElseThrow().contains("budget"));
        assertEquals(Optional.empty(), take("peer", item(2), 1_000), "a second later there is room again");
        assertTrue(take("another peer", item(3), 0).isEmpty(), "each connection has its own budget");
    }

    @Test
    void manyGoodItemsForOneSiteWaitAsOneTheHighestSeq() {
        take("a", item(5), 0);
        take("b", item(7), 0);
        take("c", item(6), 0);
        assertEquals(1, queued.size(), "one task for the site");
        assertEquals(1, offers.waiting());
        queued.forEach(Runnable::run);
        assertEquals(1, offered.size());
        assertEquals(7, offered.get(0).item().seq());
        assertEquals(0, offers.waiting());
    }

    @Test
    void anItemNotNewerThanTheKnownOneIsDropped() {
        Optional<String> why = offers.take("a", site, item(3), Optional.of(item(4)), "test", () -> { }, 0);
        assertTrue(why.isPresent());
        assertEquals(0, queued.size());
    }
}
