package org.bitweb.comments;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.function.BooleanSupplier;

/**
 * Proof of work, hashcash style: a record's id (SHA-256 of its unsigned bytes) must start with
 * {@link Limits#WORK_BITS} zero bits, so each record costs its author about 2^bits hashes and
 * costs a checker one. The nonce is the record's last field ("work"), so the search hashes the
 * fixed prefix once and then only the nonce's digits and the two closing bytes per try.
 */
public final class Work {
    private static final byte[] TAIL = "ee".getBytes(StandardCharsets.US_ASCII);

    private Work() {
    }

    public static int leadingZeroBits(byte[] hash) {
        int bits = 0;
        for (byte b : hash) {
            if (b == 0) {
                bits += 8;
                continue;
            }
            return bits + Integer.numberOfLeadingZeros(b & 0xff) - 24;
        }
        return bits;
    }

    /**
     * The smallest nonce from {@code start} whose record hashes to {@code bits} leading zeros.
     *
     * @param withZero the unsigned bytes with nonce 0: they end in {@code 4:worki0ee}
     * @param stop     polled now and then; true abandons the search
     * @return the nonce, or -1 if stopped
     */
    static long solve(byte[] withZero, int bits, long start, BooleanSupplier stop) {
        int cut = withZero.length - 3; // "0ee"
        if (cut < 0 || withZero[cut] != '0' || withZero[cut + 1] != 'e' || withZero[cut + 2] != 'e') {
            throw new IllegalArgumentException("the unsigned bytes do not end with the nonce");
        }
        MessageDigest prefix = sha256();
        prefix.update(withZero, 0, cut);
        byte[] digits = new byte[20];
        try {
            for (long nonce = start; nonce >= 0; nonce++) {
                if ((nonce & 0xffff) == 0 && stop.getAsBoolean()) {
                    return -1;
                }
                MessageDigest digest = (MessageDigest) prefix.clone();
                int length = ascii(nonce, digits);
                digest.update(digits, digits.length - length, length);
                digest.update(TAIL);
                if (leadingZeroBits(digest.digest()) >= bits) {
                    return nonce;
                }
            }
        } catch (CloneNotSupportedException e) {
            throw new IllegalStateException("this JDK's SHA-256 cannot be cloned", e);
        }
        throw new IllegalStateException("no nonce found below 2^63");
    }

    /** Writes the decimal digits of {@code value} at the end of {@code out}; returns how many. */
    private static int ascii(long value, byte[] out) {
        int i = out.length;
        do {
            out[--i] = (byte) ('0' + value % 10);
            value /= 10;
        } while (value > 0);
        return out.length - i;
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
