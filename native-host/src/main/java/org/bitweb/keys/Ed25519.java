package org.bitweb.keys;

import java.security.SecureRandom;

/**
 * Ed25519 (RFC 8032) through Bouncy Castle's low-level implementation: 32-byte seeds (what RFC 8032
 * calls the private key), 32-byte public keys, 64-byte signatures. Deterministic: one seed and one
 * message always give one signature.
 */
public final class Ed25519 {
    public static final int SEED_BYTES = org.bouncycastle.math.ec.rfc8032.Ed25519.SECRET_KEY_SIZE;
    public static final int PUBLIC_KEY_BYTES = org.bouncycastle.math.ec.rfc8032.Ed25519.PUBLIC_KEY_SIZE;
    public static final int SIGNATURE_BYTES = org.bouncycastle.math.ec.rfc8032.Ed25519.SIGNATURE_SIZE;

    private static final SecureRandom RANDOM = new SecureRandom();

    private Ed25519() {
    }

    /** A fresh seed from the platform's secure random source. */
    public static byte[] newSeed() {
        byte[] seed = new byte[SEED_BYTES];
        org.bouncycastle.math.ec.rfc8032.Ed25519.generatePrivateKey(RANDOM, seed);
        return seed;
    }

    public static byte[] publicKey(byte[] seed) {
        check(seed, SEED_BYTES, "seed");
        byte[] key = new byte[PUBLIC_KEY_BYTES];
        org.bouncycastle.math.ec.rfc8032.Ed25519.generatePublicKey(seed, 0, key, 0);
        return key;
    }

    public static byte[] sign(byte[] seed, byte[] message) {
        check(seed, SEED_BYTES, "seed");
        byte[] signature = new byte[SIGNATURE_BYTES];
        org.bouncycastle.math.ec.rfc8032.Ed25519.sign(seed, 0, message, 0, message.length, signature, 0);
        return signature;
    }

    /** False for a wrong signature, and for a key or signature of the wrong size or not on the curve. */
    public static boolean verify(byte[] publicKey, byte[] message, byte[] signature) {
        if (publicKey == null || publicKey.length != PUBLIC_KEY_BYTES
                || signature == null || signature.length != SIGNATURE_BYTES) {
            return false;
        }
        return org.bouncycastle.math.ec.rfc8032.Ed25519.verify(signature, 0, publicKey, 0, message, 0, message.length);
    }

    private static void check(byte[] bytes, int length, String what) {
        if (bytes == null || bytes.length != length) {
            throw new IllegalArgumentException("an ed25519 " + what + " is " + length + " bytes, not "
                    + (bytes == null ? "null" : bytes.length));
        }
    }
}
