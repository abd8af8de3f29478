package org.bitweb.dht;

import org.bitweb.torrent.Bencode;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * A BEP 44 mutable item as it travels through the DHT: signed elsewhere, carried here unchanged.
 * Anyone holding a signed item can put it again (seeders keep a site's item alive without the
 * private key), so this type holds a signature, never a key. Signing is the caller's business:
 * sign {@link #signedBuffer(byte[], long, byte[])} with the ed25519 key.
 *
 * @param publicKey ed25519 public key, 32 bytes
 * @param salt      0..64 bytes; empty for none (BEP 46 sites use none)
 * @param seq       sequence number; a newer item has a larger one
 * @param value     the bencoded value, at most 1000 bytes (for BEP 46: {@code d2:ih20:...e})
 * @param signature ed25519 signature of {@link #signedBuffer()}, 64 bytes
 */
public record MutableItem(byte[] publicKey, byte[] salt, long seq, byte[] value, byte[] signature) {
    public static final int MAX_VALUE_BYTES = 1000;
    public static final int MAX_SALT_BYTES = 64;

    public MutableItem {
        publicKey = checkLength(publicKey, 32, "public key");
        signature = checkLength(signature, 64, "signature");
        salt = salt == null ? new byte[0] : salt.clone();
        if (salt.length > MAX_SALT_BYTES) {
            throw new IllegalArgumentException("salt is " + salt.length + " bytes; BEP 44 allows at most " + MAX_SALT_BYTES);
        }
        if (seq < 0) {
            throw new IllegalArgumentException("sequence number must not be negative: " + seq);
        }
        if (value == null || value.length == 0 || value.length > MAX_VALUE_BYTES) {
            throw new IllegalArgumentException("value must be 1.." + MAX_VALUE_BYTES + " bencoded bytes, not "
                    + (value == null ? "null" : value.length + " bytes"));
        }
        value = value.clone();
        try {
            Bencode.decode(value);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("value is not one bencoded element: " + e.getMessage());
        }
    }

    private static byte[] checkLength(byte[] bytes, int length, String what) {
        if (bytes == null || bytes.length != length) {
            throw new IllegalArgumentException(what + " must be " + length + " bytes, not "
                    + (bytes == null ? "null" : String.valueOf(bytes.length)));
        }
        return bytes.clone();
    }

    /** Where the item lives in the DHT: SHA-1(public key + salt). */
    public byte[] target() {
        return target(publicKey, salt);
    }

    public static byte[] target(byte[] publicKey, byte[] salt) {
        try {
            MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
            sha1.update(publicKey);
            if (salt != null) {
                sha1.update(salt);
            }
            return sha1.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The bytes the signature covers. */
    public byte[] signedBuffer() {
        return signedBuffer(salt, seq, value);
    }

    /** BEP 44: {@code 4:salt<len>:<salt>} (only when there is a salt), {@code 3:seqi<seq>e1:v}, the value. */
    public static byte[] signedBuffer(byte[] salt, long seq, byte[] value) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        if (salt != null && salt.length > 0) {
            out.writeBytes(("4:salt" + salt.length + ":").getBytes(StandardCharsets.US_ASCII));
            out.writeBytes(salt);
        }
        out.writeBytes(("3:seqi" + seq + "e1:v").getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(value);
        return out.toByteArray();
    }

    @Override
    public byte[] publicKey() {
        return publicKey.clone();
    }

    @Override
    public byte[] salt() {
        return salt.clone();
    }

    @Override
    public byte[] value() {
        return value.clone();
    }

    @Override
    public byte[] signature() {
        return signature.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MutableItem other && seq == other.seq
                && Arrays.equals(publicKey, other.publicKey) && Arrays.equals(salt, other.salt)
                && Arrays.equals(value, other.value) && Arrays.equals(signature, other.signature);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(target()) * 31 + Long.hashCode(seq);
    }

    @Override
    public String toString() {
        return "MutableItem[key=" + HexFormat.of().formatHex(publicKey)
                + (salt.length > 0 ? ", salt=" + HexFormat.of().formatHex(salt) : "")
                + ", seq=" + seq + ", " + value.length + " value bytes]";
    }
}
