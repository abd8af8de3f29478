package org.bitweb.comments;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** Unsigned LEB128 varints and length-prefixed bytes: the store's compact frames. */
final class Bin {
    private Bin() {
    }

    static void varint(ByteArrayOutputStream out, long value) {
        if (value < 0) {
            throw new IllegalArgumentException("varints are not negative: " + value);
        }
        while ((value & ~0x7fL) != 0) {
            out.write((int) (value & 0x7f) | 0x80);
            value >>>= 7;
        }
        out.write((int) value);
    }

    static void bytes(ByteArrayOutputStream out, byte[] bytes) {
        varint(out, bytes.length);
        out.writeBytes(bytes);
    }

    static void text(ByteArrayOutputStream out, String text) {
        bytes(out, text.getBytes(StandardCharsets.UTF_8));
    }

    /** Reads what the methods above wrote; any overrun is an {@link IllegalArgumentException}. */
    static final class In {
        private final byte[] data;
        private int pos;

        In(byte[] data) {
            this.data = data;
        }

        int u8() {
            if (pos >= data.length) {
                throw new IllegalArgumentException("frame ends early");
            }
            return data[pos++] & 0xff;
        }

        long varint() {
            long value = 0;
            for (int shift = 0; shift < 64; shift += 7) {
                int b = u8();
                value |= (long) (b & 0x7f) << shift;
                if ((b & 0x80) == 0) {
                    return value;
                }
            }
            throw new IllegalArgumentException("varint too long");
        }

        int length() {
            long n = varint();
            if (n > data.length - pos) {
                throw new IllegalArgumentException("length " + n + " runs past the frame");
            }
            return (int) n;
        }

        byte[] fixed(int n) {
            if (n > data.length - pos) {
                throw new IllegalArgumentException("frame ends early");
            }
            byte[] out = Arrays.copyOfRange(data, pos, pos + n);
            pos += n;
            return out;
        }

        void skip(int n) {
            if (n > data.length - pos) {
                throw new IllegalArgumentException("frame ends early");
            }
            pos += n;
        }

        byte[] bytes() {
            return fixed(length());
        }

        String text() {
            return new String(bytes(), StandardCharsets.UTF_8);
        }

        boolean done() {
            return pos == data.length;
        }
    }
}
