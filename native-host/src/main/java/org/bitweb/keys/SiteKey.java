package org.bitweb.keys;

import org.bitweb.address.SiteAddress;
import org.bitweb.dht.MutableItem;

import java.util.Arrays;
import java.util.Objects;

/**
 * A named ed25519 key that signs an updatable site: its public key is the site's address, its
 * seed signs each new version (a BEP 44 mutable item). The seed never leaves this object except
 * through {@link KeyArmor}, which writes the key file and the export.
 */
public final class SiteKey {
    private final String name;
    private final byte[] seed;
    private final byte[] publicKey;

    private SiteKey(String name, byte[] seed) {
        this.name = KeyRing.checkName(name);
        this.seed = seed.clone();
        this.publicKey = Ed25519.publicKey(this.seed);
    }

    public static SiteKey generate(String name) {
        return new SiteKey(name, Ed25519.newSeed());
    }

    public static SiteKey fromSeed(String name, byte[] seed) {
        return new SiteKey(name, Objects.requireNonNull(seed, "seed"));
    }

    public String name() {
        return name;
    }

    public byte[] publicKey() {
        return publicKey.clone();
    }

    /** The site this key signs without a salt: {@code http://<52 base32>.bitweb/}. */
    public SiteAddress address() {
        return SiteAddress.publicKey(publicKey);
    }

    /** The site under {@code salt} (empty for none): one key can sign several sites. */
    public SiteAddress address(byte[] salt) {
        return SiteAddress.publicKey(publicKey, salt);
    }

    byte[] seed() {
        return seed.clone();
    }

    public byte[] sign(byte[] message) {
        return Ed25519.sign(seed, message);
    }

    /** Signs the BEP 44 buffer of {@code (salt, seq, value)} and returns the item, ready to put. */
    public MutableItem signItem(byte[] salt, long seq, byte[] value) {
        byte[] signature = sign(MutableItem.signedBuffer(salt, seq, value));
        return new MutableItem(publicKey, salt, seq, value, signature);
    }

    /** Same name and key. */
    @Override
    public boolean equals(Object o) {
        return o instanceof SiteKey other && name.equals(other.name) && Arrays.equals(publicKey, other.publicKey);
    }

    @Override
    public int hashCode() {
        return name.hashCode() * 31 + Arrays.hashCode(publicKey);
    }

    /** Never prints the seed. */
    @Override
    public String toString() {
        return "SiteKey[" + name + ", " + address().label() + "]";
    }
}
