package org.bitweb.address;

import java.util.Locale;
import java.util.Objects;

/**
 * The identity of a site: an immutable torrent (v1 infohash) or an updatable site (ed25519 public
 * key, BEP 46). Each site has exactly one canonical host label, so it has exactly one browser
 * origin ({@code http://<label>.bitweb}); other spellings are accepted and redirected to it.
 *
 * @param kind what the identifier names
 * @param hex  the identifier's bytes in lowercase hex (20 bytes for an infohash, 32 for a key)
 */
public record SiteAddress(Kind kind, String hex) {

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
    }

    public static SiteAddress infohash(byte[] infohash) {
        return new SiteAddress(Kind.INFOHASH, Hex.encode(infohash));
    }

    public static SiteAddress publicKey(byte[] key) {
        return new SiteAddress(Kind.PUBLIC_KEY, Hex.encode(key));
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

    /** The canonical host label: 40 hex for an infohash, 52 base32 for a key. */
    public String label() {
        return kind == Kind.INFOHASH ? hex : Base32.encode(bytes());
    }

    public byte[] bytes() {
        return Hex.decode(hex);
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
