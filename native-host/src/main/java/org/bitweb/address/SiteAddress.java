package org.bitweb.address;

import java.util.Locale;
import java.util.Objects;

/**
 * The identity of a site: an immutable torrent (v1 infohash) or an updatable site (ed25519 public
 * key, BEP 46, optionally under a BEP 44 salt so that one key signs several sites). Each site has
 * exactly one canonical host name, so it has exactly one browser origin
 * ({@code http://<label>.bitweb}, or {@code http://<salt label>.<key label>.bitweb} for a salted
 * site, see {@link SaltLabel}); other spellings are accepted and redirected to it.
 *
 * @param kind    what the identifier names
 * @param hex     the identifier's bytes in lowercase hex (20 bytes for an infohash, 32 for a key)
 * @param saltHex the salt in lowercase hex, "" for none; only a key site has one
 */
public record SiteAddress(Kind kind, String hex, String saltHex) {

    public enum Kind {
        /** A v1 infohash; canonical label is 40 lowercase hex. */
        INFOHASH(20),
        /** An ed25519 public key; canonical label is 52 lowercase base32. */
        PUBLIC_KEY(32);

        private final int length;

        Kind(int length) {
            this.length = length;
        }

        public int byteLength() {
            return length;
        }
    }

    public static final String TLD = "bitweb";

    public SiteAddress {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(hex, "hex");
        hex = hex.toLowerCase(Locale.ROOT);
        if (hex.length() != kind.byteLength() * 2 || !hex.chars().allMatch(Hex::isHexDigit)) {
            throw new IllegalArgumentException(
                    "a " + kind + " must be " + kind.byteLength() * 2 + " hex digits: " + hex);
        }
        saltHex = saltHex == null ? "" : saltHex.toLowerCase(Locale.ROOT);
        if (!saltHex.isEmpty()) {
            if (kind != Kind.PUBLIC_KEY) {
                throw new IllegalArgumentException("only a key site has a salt, not an infohash: " + hex);
            }
            SaltLabel.encode(Hex.decode(saltHex)); // refuses salts that no host name can carry
        }
    }

    public SiteAddress(Kind kind, String hex) {
        this(kind, hex, "");
    }

    public static SiteAddress infohash(byte[] infohash) {
        return new SiteAddress(Kind.INFOHASH, Hex.encode(infohash));
    }

    public static SiteAddress publicKey(byte[] key) {
        return new SiteAddress(Kind.PUBLIC_KEY, Hex.encode(key));
    }

    /** A key site under {@code salt}; an empty or null salt is the key's own site. */
    public static SiteAddress publicKey(byte[] key, byte[] salt) {
        return new SiteAddress(Kind.PUBLIC_KEY, Hex.encode(key), salt == null ? "" : Hex.encode(salt));
    }

    /**
     * Parses what stands before {@code .bitweb} in a host name: one label (see
     * {@link #parseLabel}) or, for a salted key site, {@code <salt label>.<key label>}.
     */
    public static SiteAddress parseHostPart(String text) {
        Objects.requireNonNull(text, "text");
        int dot = text.indexOf('.');
        if (dot < 0) {
            return parseLabel(text);
        }
        String saltLabel = text.substring(0, dot);
        String keyLabel = text.substring(dot + 1);
        if (keyLabel.contains(".") || saltLabel.isEmpty()) {
            throw new IllegalArgumentException("not a site address: '" + text
                    + "' (expected <site> or <salt>.<key> before .bitweb)");
        }
        SiteAddress key = parseLabel(keyLabel);
        if (key.kind() != Kind.PUBLIC_KEY) {
            throw new IllegalArgumentException("not a site address: '" + text
                    + "' (only a key site has a salt label before it; an infohash site is one label)");
        }
        return new SiteAddress(Kind.PUBLIC_KEY, key.hex(), Hex.encode(SaltLabel.decode(saltLabel)));
    }

    /**
     * Parses one host label: 40 hex or 32 base32 (an infohash), or 52 base32 (a public key).
     *
     * @throws IllegalArgumentException naming the label and the accepted forms
     */
    public static SiteAddress parseLabel(String label) {
        Objects.requireNonNull(label, "label");
        String s = label.toLowerCase(Locale.ROOT);
        try {
            if (s.length() == 40 && s.chars().allMatch(Hex::isHexDigit)) {
                return new SiteAddress(Kind.INFOHASH, s);
            }
            if (s.length() == 32) {
                return infohash(Base32.decode(s));
            }
            if (s.length() == 52) {
                return publicKey(Base32.decode(s));
            }
        } catch (IllegalArgumentException e) {
            // fall through to the one message that lists the accepted forms
        }
        throw new IllegalArgumentException("not a site address: '" + label
                + "' (expected 40 hex or 32 base32 characters for an infohash, 52 base32 for a public key)");
    }

    /**
     * The canonical name before {@code .bitweb}: 40 hex for an infohash, 52 base32 for a key, and
     * {@code <salt label>.<52 base32>} for a key under a salt.
     */
    public String label() {
        return hasSalt() ? SaltLabel.encode(salt()) + "." + keyLabel() : keyLabel();
    }

    /** The identifier's own label, without any salt: 40 hex or 52 base32. */
    public String keyLabel() {
        return kind == Kind.INFOHASH ? hex : Base32.encode(bytes());
    }

    public byte[] bytes() {
        return Hex.decode(hex);
    }

    public boolean hasSalt() {
        return !saltHex.isEmpty();
    }

    /** The salt's bytes, empty for none. */
    public byte[] salt() {
        return Hex.decode(saltHex);
    }

    /** The same key without its salt. */
    public SiteAddress withoutSalt() {
        return hasSalt() ? new SiteAddress(kind, hex) : this;
    }

    /** {@code <label>.bitweb} */
    public String host() {
        return label() + "." + TLD;
    }

    /** {@code http://<label>.bitweb/} */
    public String url() {
        return "http://" + host() + "/";
    }

    @Override
    public String toString() {
        return host();
    }
}
