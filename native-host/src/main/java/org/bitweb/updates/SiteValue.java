package org.bitweb.updates;

import org.bitweb.address.Hex;
import org.bitweb.torrent.Bencode;

import java.util.Map;

/**
 * The value of a BEP 46 item: a bencoded dictionary whose {@code ih} is the 20-byte v1 infohash
 * of the site's current torrent, {@code d2:ih20:<20 bytes>e}. Other keys are allowed (an
 * extension by someone else) and ignored; anything else is refused.
 */
public final class SiteValue {
    private SiteValue() {
    }

    public static byte[] encode(String infohashHex) {
        byte[] ih = Hex.decode(infohashHex);
        if (ih.length != 20) {
            throw new IllegalArgumentException("an infohash is 20 bytes, not " + ih.length);
        }
        return Bencode.encode(Map.of("ih", ih));
    }

    /**
     * The infohash the value points at, in lowercase hex.
     *
     * @throws IllegalArgumentException if the value is not one bencoded dictionary (nothing
     *                                  before or after it) with a 20-byte string under {@code ih}
     */
    public static String infohash(byte[] value) {
        Object decoded;
        try {
            decoded = Bencode.decode(value);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the item's value is not one bencoded element: " + e.getMessage());
        }
        if (!(decoded instanceof Map<?, ?> dict)) {
            throw new IllegalArgumentException("the item's value is not a dictionary");
        }
        Object ih = dict.get("ih");
        if (!(ih instanceof byte[] bytes)) {
            throw new IllegalArgumentException("the item's value has no 'ih' string");
        }
        if (bytes.length != 20) {
            throw new IllegalArgumentException("the item's 'ih' is " + bytes.length + " bytes, not a 20-byte infohash");
        }
        return Hex.encode(bytes);
    }
}
