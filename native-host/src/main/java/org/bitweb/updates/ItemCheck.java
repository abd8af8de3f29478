package org.bitweb.updates;

import org.bitweb.address.Hex;
import org.bitweb.address.SiteAddress;
import org.bitweb.dht.MutableItem;
import org.bitweb.keys.Ed25519;

import java.util.Arrays;
import java.util.Optional;

/**
 * The checks every mutable item passes before BitWeb uses it, wherever it came from (the DHT,
 * another peer, the cache): it is under the site's key and salt, its value is a well-formed
 * BEP 46 pointer within the BEP 44 size limit, its ed25519 signature covers the exact BEP 44
 * buffer, and its seq does not go back from the item already known.
 */
public final class ItemCheck {
    private ItemCheck() {
    }

    /** An item that passed, and the infohash it points at. */
    public record Verified(MutableItem item, String infohash) {
        public long seq() {
            return item.seq();
        }
    }

    /** Checks raw fields (a peer's message): the value's size first, before anything parses it. */
    public static Verified verify(SiteAddress site, byte[] publicKey, byte[] salt, long seq, byte[] value, byte[] signature,
                                  Optional<MutableItem> known) throws RejectedItem {
        if (value == null || value.length == 0 || value.length > MutableItem.MAX_VALUE_BYTES) {
            throw new RejectedItem("the item's value is " + (value == null ? 0 : value.length) + " bytes; BEP 44 allows 1.."
                    + MutableItem.MAX_VALUE_BYTES);
        }
        MutableItem item;
        try {
            item = new MutableItem(publicKey, salt, seq, value, signature);
        } catch (IllegalArgumentException e) {
            throw new RejectedItem("malformed item: " + e.getMessage());
        }
        return verify(site, item, known);
    }

    public static Verified verify(SiteAddress site, MutableItem item, Optional<MutableItem> known) throws RejectedItem {
        if (site.kind() != SiteAddress.Kind.PUBLIC_KEY) {
            throw new RejectedItem("only a key site has mutable items, not " + site);
        }
        if (!Arrays.equals(item.publicKey(), site.bytes())) {
            throw new RejectedItem("the item is signed by another key (" + Hex.encode(item.publicKey()) + ")");
        }
        if (!Arrays.equals(item.salt(), site.salt())) {
            throw new RejectedItem("the item is under another salt (" + Hex.encode(item.salt()) + ")");
        }
        if (!Ed25519.verify(item.publicKey(), item.signedBuffer(), item.signature())) {
            throw new RejectedItem("the item's signature does not verify (seq " + item.seq() + ")");
        }
        String infohash;
        try {
            infohash = SiteValue.infohash(item.value());
        } catch (IllegalArgumentException e) {
            throw new RejectedItem(e.getMessage());
        }
        if (known.isPresent()) {
            MutableItem old = known.get();
            if (item.seq() < old.seq()) {
                throw new RejectedItem("seq " + item.seq() + " goes back from the seq " + old.seq() + " already known");
            }
            if (item.seq() == old.seq() && !Arrays.equals(item.value(), old.value())) {
                throw new RejectedItem("seq " + item.seq() + " is already known with another value; the first one seen is kept");
            }
        }
        return new Verified(item, infohash);
    }

    /** True if {@code candidate} should replace {@code known}: a larger seq. */
    public static boolean isNewer(MutableItem candidate, Optional<MutableItem> known) {
        return known.isEmpty() || candidate.seq() > known.get().seq();
    }
}
