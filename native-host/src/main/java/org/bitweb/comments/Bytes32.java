package org.bitweb.comments;

import org.bitweb.address.Hex;

import java.util.Arrays;

/**
 * 32 bytes that name something: a record's id (SHA-256 of its unsigned bytes) or an ed25519
 * public key (an author). Immutable, compared by value and ordered as unsigned bytes, which is
 * the order the signed lists of a {@link ModerationList} keep.
 */
public final class Bytes32 implements Comparable<Bytes32> {
    public static final int LENGTH = 32;

    private final byte[] bytes;

    private Bytes32(byte[] bytes) {
        this.bytes = bytes;
    }

    /** @throws IllegalArgumentException for anything but 32 bytes */
    public static Bytes32 of(byte[] bytes) {
        if (bytes == null || bytes.length != LENGTH) {
            throw new IllegalArgumentException("expected " + LENGTH + " bytes, not " + (bytes == null ? "null" : bytes.length));
        }
        return new Bytes32(bytes.clone());
    }

    /** @throws IllegalArgumentException for anything but 64 hex digits, naming it */
    public static Bytes32 hex(String text) {
        if (text == null || text.length() != 2 * LENGTH) {
            throw new IllegalArgumentException("expected 64 hex digits, not '" + text + "'");
        }
        return new Bytes32(Hex.decode(text));
    }

    public byte[] bytes() {
        return bytes.clone();
    }

    /** The bytes as 4 big-endian longs, for compact indexes. */
    long word(int i) {
        long w = 0;
        for (int b = 0; b < 8; b++) {
            w = w << 8 | (bytes[i * 8 + b] & 0xff);
        }
        return w;
    }

    static Bytes32 ofWords(long w0, long w1, long w2, long w3) {
        byte[] out = new byte[LENGTH];
        long[] words = {w0, w1, w2, w3};
        for (int i = 0; i < 4; i++) {
            for (int b = 0; b < 8; b++) {
                out[i * 8 + b] = (byte) (words[i] >>> (56 - 8 * b));
            }
        }
        return new Bytes32(out);
    }

    public String hex() {
        return Hex.encode(bytes);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Bytes32 other && Arrays.equals(bytes, other.bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    @Override
    public int compareTo(Bytes32 other) {
        return Arrays.compareUnsigned(bytes, other.bytes);
    }

    @Override
    public String toString() {
        return hex();
    }
}
