package org.bitweb.address;

import java.util.Locale;

/**
 * RFC 4648 base32 without padding, lowercase on output, as used for site labels: a hostname label
 * is at most 63 characters, so a 32-byte key (64 hex) does not fit but its 52 base32 characters do.
 */
public final class Base32 {
    private static final String ALPHABET = "abcdefghijklmnopqrstuvwxyz234567";

    private Base32() {
    }

    public static String encode(byte[] data) {
        StringBuilder out = new StringBuilder((data.length * 8 + 4) / 5);
        int buffer = 0;
        int bits = 0;
        for (byte b : data) {
            buffer = (buffer << 8) | (b & 0xff);
            bits += 8;
            while (bits >= 5) {
                out.append(ALPHABET.charAt((buffer >> (bits - 5)) & 31));
                bits -= 5;
            }
        }
        if (bits > 0) {
            out.append(ALPHABET.charAt((buffer << (5 - bits)) & 31));
        }
        return out.toString();
    }

    /** Decodes unpadded base32 (either case); rejects characters outside the alphabet and non-zero trailing bits. */
    public static byte[] decode(String text) {
        String s = text.toLowerCase(Locale.ROOT);
        int outLength = s.length() * 5 / 8;
        byte[] out = new byte[outLength];
        int buffer = 0;
        int bits = 0;
        int index = 0;
        for (int i = 0; i < s.length(); i++) {
            int value = ALPHABET.indexOf(s.charAt(i));
            if (value < 0) {
                throw new IllegalArgumentException("not base32: character '" + s.charAt(i) + "' in " + text);
            }
            buffer = (buffer << 5) | value;
            bits += 5;
            if (bits >= 8) {
                out[index++] = (byte) (buffer >> (bits - 8));
                bits -= 8;
            }
        }
        if ((buffer & ((1 << bits) - 1)) != 0) {
            throw new IllegalArgumentException("not canonical base32 (trailing bits set): " + text);
        }
        return out;
    }
}
