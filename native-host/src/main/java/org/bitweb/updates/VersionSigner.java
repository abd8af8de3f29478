package org.bitweb.updates;

import org.bitweb.dht.MutableItem;
import org.bitweb.keys.KeyRing;
import org.bitweb.keys.SiteKey;

import java.io.IOException;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Signs a key site's next version, by the one rule every path follows (a publish in the engine,
 * one with no engine running, and a version signed again above one found in the DHT): the seq is
 * one above the highest of the seq this machine's key ring last signed for the key and salt, the
 * site's record here, and the DHT's item. The seq is written to the key ring before the item is
 * returned, so that a crash can never let two versions go out under one seq.
 */
final class VersionSigner {
    private final KeyRing ring;

    VersionSigner(KeyRing ring) {
        this.ring = ring;
    }

    /** This machine's key named {@code name}, made if there is none by that name. */
    SiteKey keyOrNew(String name) throws IOException {
        return ring.exists(name) ? ring.load(name) : ring.create(name);
    }

    /** This machine's key named {@code name}; a {@link org.bitweb.keys.KeyException} if there is none. */
    SiteKey key(String name) throws IOException {
        return ring.load(name);
    }

    /**
     * The item that makes {@code infohash} the site's version, under the next seq.
     *
     * @param local  the site's record on this machine, if any
     * @param dhtSeq the seq of the newest item the DHT gave, if it was asked
     */
    MutableItem signNext(SiteKey key, byte[] salt, String infohash, Optional<KeySiteRecord> local, OptionalLong dhtSeq)
            throws IOException {
        long seen = Math.max(local.map(KeySiteRecord::seq).orElse(0L), dhtSeq.orElse(0L));
        long seq = Math.max(ring.lastSeq(key.name(), salt), seen) + 1;
        ring.recordSeq(key.name(), salt, seq); // before the item leaves: a crash never reuses a seq
        return key.signItem(salt, seq, SiteValue.encode(infohash));
    }
}
