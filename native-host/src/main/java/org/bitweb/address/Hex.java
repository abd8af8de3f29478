package org.bitweb.address;

import java.util.HexFormat;
import java.util.Locale;

/** Lowercase hex helpers with errors that name the bad input. */
public final class Hex {
    private static final HexFormat HEX = HexFormat.of();

    private Hex() {
    }

    public static String encode(byte[] data) {
        return HEX.formatHex(data);
    }

    public static byte[] decode(String text) {
        if (text.length() % 2 != 0 || !text.chars().allMatch(Hex::isHexDigit)) {
            throw new IllegalArgumentException("not hex: " + text);
        }
        return HEX.parseHex(text.toLowerCase(Locale.ROOT));
    }

    static boolean isHexDigit(int c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    }
}
