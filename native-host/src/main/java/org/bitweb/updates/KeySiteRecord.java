package org.bitweb.updates;

import org.bitweb.address.SiteAddress;
import org.bitweb.dht.MutableItem;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What this machine knows of one updatable site: the newest verified signed item (so it can serve
 * the site at once, check the next item's seq against it, and put it again without the private
 * key), and what it does with the site. The site is the item's key and salt ({@link #site()}).
 * New records come from {@link #learned} and {@link #published}, later ones from the
 * {@code with...} methods; the full constructor is for the cache file ({@link MutableStore}).
 *
 * @param item         the newest verified item
 * @param infohash     the torrent {@code item} points at, 40 hex
 * @param keyName      the name of this machine's key that signs the site, or null (a visited or
 *                     seeded site of someone else)
 * @param seeding      this machine keeps the site alive: seeds its current torrent and puts
 *                     {@code item} into the DHT again every hour or so
 * @param updated      when this machine took {@code item} (epoch millis): older versions held
 *                     for the site are kept (seeded) for a grace period after it
 * @param pendingCheck the item was signed without asking the DHT first (publish with no engine
 *                     running): the engine asks before it puts, and signs again above a newer seq
 * @param previous     infohashes of older versions this machine still holds, oldest first
 */
public record KeySiteRecord(MutableItem item, String infohash, String keyName, boolean seeding, long updated,
                            boolean pendingCheck, List<String> previous) {
    public KeySiteRecord {
        Objects.requireNonNull(item, "item");
        Objects.requireNonNull(infohash, "infohash");
        String pointsAt = SiteValue.infohash(item.value());
        if (!pointsAt.equals(infohash)) {
            throw new IllegalArgumentException("the item points at " + pointsAt + ", not at " + infohash);
        }
        previous = List.copyOf(previous);
    }

    /** A site this machine reads and learned the item of (from the DHT): no key here, not kept. */
    public static KeySiteRecord learned(ItemCheck.Verified verified) {
        return new KeySiteRecord(verified.item(), verified.infohash(), null, false, System.currentTimeMillis(), false,
                List.of());
    }

    /** A site first published here, under this machine's key {@code keyName}: kept, the DHT asked first. */
    public static KeySiteRecord published(MutableItem item, String infohash, String keyName) {
        return new KeySiteRecord(item, infohash, Objects.requireNonNull(keyName, "keyName"), true,
                System.currentTimeMillis(), false, List.of());
    }

    /** The key and salt of the item. */
    public SiteAddress site() {
        return SiteAddress.publicKey(item.publicKey(), item.salt());
    }

    public long seq() {
        return item.seq();
    }

    public boolean published() {
        return keyName != null;
    }

    /** Every version of the site held here: the older ones, oldest first, then the current one. */
    public List<String> versions() {
        List<String> all = new ArrayList<>(previous);
        all.add(infohash);
        return all;
    }

    /** The record for a newer item; the version it replaces joins {@code previous}. */
    public KeySiteRecord withItem(MutableItem newer, String newInfohash) {
        List<String> older = new ArrayList<>(previous);
        if (!newInfohash.equals(infohash) && !older.contains(infohash)) {
            older.add(infohash);
        }
        older.remove(newInfohash);
        return new KeySiteRecord(newer, newInfohash, keyName, seeding, System.currentTimeMillis(), false, older);
    }

    /**
     * The same version signed again under a higher seq (an offline publish the DHT had moved
     * past): the version arrived when it did, and the DHT has now been asked.
     */
    public KeySiteRecord resigned(MutableItem item) {
        return new KeySiteRecord(item, infohash, keyName, seeding, updated, false, previous);
    }

    /**
     * This record as a site this machine publishes under {@code name} and keeps.
     *
     * @param pendingCheck the item was signed without asking the DHT (no DHT at hand)
     */
    public KeySiteRecord publishedHere(String name, boolean pendingCheck) {
        return withKeyName(name).withSeeding(true).withPendingCheck(pendingCheck);
    }

    public KeySiteRecord withSeeding(boolean value) {
        return new KeySiteRecord(item, infohash, keyName, value, updated, pendingCheck, previous);
    }

    public KeySiteRecord withKeyName(String name) {
        return new KeySiteRecord(item, infohash, name, seeding, updated, pendingCheck, previous);
    }

    public KeySiteRecord withPendingCheck(boolean value) {
        return new KeySiteRecord(item, infohash, keyName, seeding, updated, value, previous);
    }

    public KeySiteRecord withPrevious(List<String> older) {
        return new KeySiteRecord(item, infohash, keyName, seeding, updated, pendingCheck, older);
    }
}
