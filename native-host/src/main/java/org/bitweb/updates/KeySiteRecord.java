package org.bitweb.updates;

import org.bitweb.address.SiteAddress;
import org.bitweb.dht.MutableItem;

import java.util.List;
import java.util.Objects;

/**
 * What this machine knows of one updatable site: the newest verified signed item (so it can serve
 * the site at once, check the next item's seq against it, and put it again without the private
 * key), and what it does with the site.
 *
 * @param site         the key (and salt)
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
public record KeySiteRecord(SiteAddress site, MutableItem item, String infohash, String keyName, boolean seeding,
                            long updated, boolean pendingCheck, List<String> previous) {
    public KeySiteRecord {
        Objects.requireNonNull(site, "site");
        Objects.requireNonNull(item, "item");
        Objects.requireNonNull(infohash, "infohash");
        previous = List.copyOf(previous);
    }

    public long seq() {
        return item.seq();
    }

    public boolean published() {
        return keyName != null;
    }

    /** The record for a newer item; the version it replaces joins {@code previous}. */
    public KeySiteRecord withItem(MutableItem newer, String newInfohash) {
        List<String> older = new java.util.ArrayList<>(previous);
        if (!newInfohash.equals(infohash) && !older.contains(infohash)) {
            older.add(infohash);
        }
        older.remove(newInfohash);
        return new KeySiteRecord(site, newer, newInfohash, keyName, seeding, System.currentTimeMillis(), false, older);
    }

    public KeySiteRecord withSeeding(boolean value) {
        return new KeySiteRecord(site, item, infohash, keyName, value, updated, pendingCheck, previous);
    }

    public KeySiteRecord withKeyName(String name) {
        return new KeySiteRecord(site, item, infohash, name, seeding, updated, pendingCheck, previous);
    }

    public KeySiteRecord withPendingCheck(boolean value) {
        return new KeySiteRecord(site, item, infohash, keyName, seeding, updated, value, previous);
    }

    public KeySiteRecord withPrevious(List<String> older) {
        return new KeySiteRecord(site, item, infohash, keyName, seeding, updated, pendingCheck, older);
    }
}
