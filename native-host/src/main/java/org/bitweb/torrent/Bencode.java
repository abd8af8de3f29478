package org.bitweb.torrent;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Bencoding (BEP 3). Values are {@code Long}, {@code byte[]}, {@code List<Object>} and
 * {@code Map<String, Object>}; {@code String}s are accepted on encode as UTF-8. Dictionary keys are
 * written sorted as raw bytes, which is what makes an infohash reproducible. The decoder is strict
 * (canonical integers, sorted unique keys, bounded depth) because its input comes from strangers.
 */
public final class Bencode {
    private static final int MAX_DEPTH = 64;
    /** Canonical integers only: no leading zeros, no "-0", at most 19 digits (fits a long). */
    private static final java.util.regex.Pattern INTEGER = java.util.regex.Pattern.compile("0|-?[1-9][0-9]{0,18}");

    private Bencode() {
    }

    public static byte[] encode(Object value) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        write(out, value);
        return out.toByteArray();
    }

    private static void write(ByteArrayOutputStream out, Object value) {
        if (value instanceof Long || value instanceof Integer) {
            out.writeBytes(("i" + ((Number) value).longValue() + "e").getBytes(StandardCharsets.US_ASCII));
        } else if (value instanceof byte[] bytes) {
            out.writeBytes((bytes.length + ":").getBytes(StandardCharsets.US_ASCII));
            out.writeBytes(bytes);
        } else if (value instanceof String text) {
            write(out, text.getBytes(StandardCharsets.UTF_8));
        } else if (value instanceof List<?> list) {
            out.write('l');
            for (Object item : list) {
                write(out, item);
            }
            out.write('e');
        } else if (value instanceof Map<?, ?> map) {
            TreeMap<byte[], Object> sorted = new TreeMap<>(Arrays::compareUnsigned);
            for (Map.Entry<?, ?> entry : map.entrySet()) {
                sorted.put(((String) entry.getKey()).getBytes(StandardCharsets.UTF_8), entry.getValue());
            }
            out.write('d');
            for (Map.Entry<byte[], Object> entry : sorted.entrySet()) {
                write(out, entry.getKey());
                write(out, entry.getValue());
            }
            out.write('e');
        } else {
            throw new IllegalArgumentException("cannot bencode " + (value == null ? "null" : value.getClass()));
        }
    }

    /** Decodes exactly one value that spans the whole input. */
    public static Object decode(byte[] data) {
        Decoder decoder = new Decoder(data, 0);
        Object value = decoder.value(0);
        if (decoder.pos != data.length) {
            throw new IllegalArgumentException("bencode: " + (data.length - decoder.pos) + " trailing bytes");
        }
        return value;
    }

    /**
     * Finds the raw bytes of the value under {@code key} in a top-level dictionary, as they appear
     * in the input (the infohash is the SHA-1 of the raw {@code info} bytes, not of a re-encoding).
     */
    public static byte[] rawValue(byte[] dictionary, String key) {
        Decoder decoder = new Decoder(dictionary, 0);
        if (decoder.peek() != 'd') {
            throw new IllegalArgumentException("bencode: not a dictionary");
        }
        decoder.pos++;
        while (decoder.peek() != 'e') {
            String k = new String(decoder.string(), StandardCharsets.UTF_8);
            int start = decoder.pos;
            decoder.value(1);
            if (k.equals(key)) {
                return Arrays.copyOfRange(dictionary, start, decoder.pos);
            }
        }
        return null;
    }

    private static final class Decoder {
        private final byte[] data;
        private int pos;

        Decoder(byte[] data, int pos) {
            this.data = data;
            this.pos = pos;
        }

        int peek() {
            if (pos >= data.length) {
                throw new IllegalArgumentException("bencode: unexpected end of data at " + pos);
            }
            return data[pos] & 0xff;
        }

        Object value(int depth) {
            if (depth > MAX_DEPTH) {
                throw new IllegalArgumentException("bencode: nested deeper than " + MAX_DEPTH);
            }
            int c = peek();
            if (c == 'i') {
                pos++;
                return integer('e');
            }
            if (c >= '0' && c <= '9') {
                return string();
            }
            if (c == 'l') {
                pos++;
                List<Object> list = new ArrayList<>();
                while (peek() != 'e') {
                    list.add(value(depth + 1));
                }
                pos++;
                return list;
            }
            if (c == 'd') {
                pos++;
                Map<String, Object> map = new LinkedHashMap<>();
                byte[] previous = null;
                while (peek() != 'e') {
                    byte[] key = string();
                    if (previous != null && Arrays.compareUnsigned(previous, key) >= 0) {
                        throw new IllegalArgumentException("bencode: dictionary keys not sorted or repeated at " + pos);
                    }
                    previous = key;
                    map.put(new String(key, StandardCharsets.UTF_8), value(depth + 1));
                }
                pos++;
                return map;
            }
            throw new IllegalArgumentException("bencode: unexpected byte '" + (char) c + "' at " + pos);
        }

        long integer(char terminator) {
            int start = pos;
            while (peek() != terminator) {
                pos++;
            }
            String text = new String(data, start, pos - start, StandardCharsets.US_ASCII);
            pos++;
            if (!INTEGER.matcher(text).matches()) {
                throw new IllegalArgumentException("bencode: bad integer '" + text + "' at " + start);
            }
            return Long.parseLong(text);
        }

        byte[] string() {
            long length = integer(':');
            if (length < 0 || length > data.length - pos) {
                throw new IllegalArgumentException("bencode: string of " + length + " bytes runs past the end at " + pos);
            }
            byte[] value = Arrays.copyOfRange(data, pos, pos + (int) length);
            pos += (int) length;
            return value;
        }
    }
}
