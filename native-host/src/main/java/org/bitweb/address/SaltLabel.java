package org.bitweb.address;

import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * How a BEP 44 salt is written as a host label, so that a salted site has exactly one origin,
 * {@code http://<salt label>.<key label>.bitweb/} (docs/UPDATES.md):
 * <ul>
 *   <li><b>plain</b>: a salt of 1..63 lowercase letters, digits and hyphens, not starting or ending
 *       with a hyphen and without hyphens in the 3rd and 4th place, is its own label
 *       ({@code blog.<key>.bitweb});</li>
 *   <li><b>encoded</b>: any other salt of at most 36 bytes is {@code bw--} and its lowercase base32
 *       ({@code bw--ijqwe.<key>.bitweb} for "Blog"). Labels with "--" in the 3rd and 4th place are
 *       reserved (RFC 5891, like {@code xn--}), so no plain salt can look like an encoded one.</li>
 * </ul>
 * Salts that fit neither (37..64 bytes that are not plain) cannot name a BitWeb site.
 */
public final class SaltLabel {
    /** The prefix of an encoded salt label. */
    public static final String ENCODED_PREFIX = "bw--";
    /** The longest salt the encoded form can hold in a 63-character label. */
    public static final int MAX_ENCODED_BYTES = 36;
    static final int MAX_LABEL = 63;

    private SaltLabel() {
    }

    /** The canonical label of a non-empty salt. */
    public static String encode(byte[] salt) {
        if (salt.length == 0) {
            throw new IllegalArgumentException("an empty salt has no label: the site is <key>.bitweb");
        }
        if (isPlain(salt)) {
            return new String(salt, StandardCharsets.US_ASCII);
        }
        if (salt.length > MAX_ENCODED_BYTES) {
            throw new IllegalArgumentException("a salt of " + salt.length + " bytes cannot be written in a host name: "
                    + "use at most 63 lowercase letters, digits and hyphens, or at most " + MAX_ENCODED_BYTES + " bytes of anything");
        }
        return ENCODED_PREFIX + Base32.encode(salt);
    }

    /** Reads a salt label, plain or encoded (not necessarily canonical: "bw--" + base32 of "blog" reads as "blog"). */
    public static byte[] decode(String label) {
        String s = label.toLowerCase(Locale.ROOT);
        if (s.startsWith(ENCODED_PREFIX)) {
            String body = s.substring(ENCODED_PREFIX.length());
            byte[] salt;
            try {
                salt = Base32.decode(body);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("not a salt label: '" + label + "' (" + ENCODED_PREFIX + " is followed by base32)");
            }
            if (salt.length == 0 || body.length() != Base32.encode(salt).length()) {
                throw new IllegalArgumentException("not a salt label: '" + label + "' (base32 of the wrong length)");
            }
            return salt;
        }
        byte[] salt = s.getBytes(StandardCharsets.US_ASCII);
        if (!isPlain(salt) || !s.equals(label.toLowerCase(Locale.ROOT))) {
            throw new IllegalArgumentException("not a salt label: '" + label + "' (expected letters, digits and inner hyphens, "
                    + "or " + ENCODED_PREFIX + "<base32>)");
        }
        return salt;
    }

    static boolean isPlain(byte[] salt) {
        if (salt.length == 0 || salt.length > MAX_LABEL) {
            return false;
        }
        for (byte b : salt) {
            if (!((b >= 'a' && b <= 'z') || (b >= '0' && b <= '9') || b == '-')) {
                return false;
            }
        }
        if (salt[0] == '-' || salt[salt.length - 1] == '-') {
            return false;
        }
        return !(salt.length >= 4 && salt[2] == '-' && salt[3] == '-');
    }
}
