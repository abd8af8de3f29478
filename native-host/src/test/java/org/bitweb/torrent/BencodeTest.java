package org.bitweb.torrent;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Bencoding (BEP 3) written out literally, and a decoder strict enough for bytes from strangers. */
class BencodeTest {

    static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    static String text(byte[] b) {
        return new String(b, StandardCharsets.ISO_8859_1);
    }

    @Test
    void encodesEachKindAsBep3SpellsIt() {
        assertEquals("i42e", text(Bencode.encode(42L)));
        assertEquals("i-3e", text(Bencode.encode(-3)));
        assertEquals("i0e", text(Bencode.encode(0L)));
        assertEquals("4:spam", text(Bencode.encode("spam")));
        assertEquals("0:", text(Bencode.encode(new byte[0])));
        assertEquals("2:\u00c3\u00a9", text(Bencode.encode("é")), "strings are UTF-8 and counted in bytes");
        assertEquals("l4:spami7ee", text(Bencode.encode(List.of("spam", 7L))));
        assertEquals("le", text(Bencode.encode(List.of())));
        assertEquals("de", text(Bencode.encode(Map.of())));
    }

    @Test
    void dictionaryKeysAreWrittenSortedAsRawBytesWhateverTheMapOrder() {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("é", 1L);   // 0xc3 0xa9: after every ASCII key
        map.put("b", 2L);
        map.put("ab", 3L);
        map.put("a", 4L);
        map.put("B", 5L);   // 0x42: before lowercase
        assertEquals("d1:Bi5e1:ai4e2:abi3e1:bi2e2:\u00c3\u00a9i1ee", text(Bencode.encode(map)));
    }

    @Test
    void decodesLiteralValues() {
        assertEquals(42L, Bencode.decode(ascii("i42e")));
        assertEquals(-42L, Bencode.decode(ascii("i-42e")));
        assertEquals(Long.MAX_VALUE, Bencode.decode(ascii("i9223372036854775807e")));
        assertArrayEquals(ascii("spam"), (byte[]) Bencode.decode(ascii("4:spam")));
        List<?> list = assertInstanceOf(List.class, Bencode.decode(ascii("l4:spami7ee")));
        assertArrayEquals(ascii("spam"), (byte[]) list.get(0));
        assertEquals(7L, list.get(1));
        Map<?, ?> map = assertInstanceOf(Map.class, Bencode.decode(ascii("d3:cow3:moo4:spaml1:aee")));
        assertArrayEquals(ascii("moo"), (byte[]) map.get("cow"));
        assertEquals(1, ((List<?>) map.get("spam")).size());
    }

    @Test
    void randomValuesRoundTripByteForByte() {
        Random random = new Random(7);
        for (int i = 0; i < 300; i++) {
            Object value = randomValue(random, 0);
            byte[] encoded = Bencode.encode(value);
            assertArrayEquals(encoded, Bencode.encode(Bencode.decode(encoded)), text(encoded));
        }
    }

    static Object randomValue(Random random, int depth) {
        int kind = random.nextInt(depth > 4 ? 2 : 4);
        switch (kind) {
            case 0:
                return random.nextBoolean() ? random.nextLong() : (long) random.nextInt(100) - 50;
            case 1: {
                byte[] b = new byte[random.nextInt(20)];
                random.nextBytes(b);
                return b;
            }
            case 2: {
                List<Object> list = new ArrayList<>();
                for (int i = random.nextInt(4); i > 0; i--) {
                    list.add(randomValue(random, depth + 1));
                }
                return list;
            }
            default: {
                Map<String, Object> map = new TreeMap<>();
                for (int i = random.nextInt(4); i > 0; i--) {
                    map.put(Integer.toString(random.nextInt(1000), 36) + (random.nextBoolean() ? "é" : ""),
                            randomValue(random, depth + 1));
                }
                return map;
            }
        }
    }

    @ParameterizedTest(name = "refused: {0}")
    @ValueSource(strings = {
            "i03e",                  // leading zero
            "i-0e",                  // negative zero
            "i00e",
            "ie",
            "i-e",
            "i1.5e",
            "i12",                   // no terminator
            "i99999999999999999999e", // does not fit a long
            "03:abc",                // leading zero in a length
            "-1:a",
            "5:abc",                 // string shorter than declared
            "4:spam4:eggs",          // trailing value
            "i1ee",                  // trailing byte
            "d1:bi1e1:ai2ee",        // keys out of order
            "d1:ai1e1:ai2ee",        // repeated key
            "di1ei2ee",              // key that is not a string
            "d1:ae",                 // key without a value
            "l4:spam",               // list never closed
            "x",
            "",
    })
    void theStrictDecoderRefuses(String input) {
        assertThrows(IllegalArgumentException.class, () -> Bencode.decode(ascii(input)));
    }

    @Test
    void nestingIsBoundedSoHostileInputCannotOverflowTheStack() {
        assertInstanceOf(List.class, Bencode.decode(ascii("l".repeat(64) + "e".repeat(64))));
        assertThrows(IllegalArgumentException.class, () -> Bencode.decode(ascii("l".repeat(100) + "e".repeat(100))));
        assertThrows(IllegalArgumentException.class, () -> Bencode.decode(ascii("l".repeat(200_000))));
        assertThrows(IllegalArgumentException.class,
                () -> Bencode.decode(ascii("d1:a".repeat(100_000) + "i1e" + "e".repeat(100_000))));
    }

    @Test
    void aStringLengthFarPastTheEndIsRefusedWithoutAllocatingIt() {
        assertThrows(IllegalArgumentException.class, () -> Bencode.decode(ascii("9999999999:x")));
        assertThrows(IllegalArgumentException.class, () -> Bencode.decode(ascii("2147483648:x")));
    }

    @Test
    void rawValueReturnsTheBytesAsTheyAppearInTheInput() {
        byte[] torrent = ascii("d8:announce3:url4:infod6:lengthi5e4:name1:xe5:zzzzzi1ee");
        assertEquals("d6:lengthi5e4:name1:xe", text(Bencode.rawValue(torrent, "info")));
        assertEquals("i1e", text(Bencode.rawValue(torrent, "zzzzz")));
        assertNull(Bencode.rawValue(torrent, "missing"));
        assertThrows(IllegalArgumentException.class, () -> Bencode.rawValue(ascii("l4:infoe"), "info"));
    }

    @Test
    void valuesBencodeCannotHoldAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> Bencode.encode(1.5));
        assertThrows(IllegalArgumentException.class, () -> Bencode.encode(java.util.Collections.singletonList(null)));
    }
}
