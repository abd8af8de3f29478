package org.bitweb.address;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Site labels: 40 hex or 32 base32 for an infohash, 52 base32 for a key; everything else named and refused. */
class SiteAddressTest {
    static final String HEX = "0123456789abcdef0123456789abcdef01234567";

    /**
     * RFC 4648 base32 of a number of bits that is a multiple of 5, computed with BigInteger instead of
     * the product's bit shuffling: each 5-bit digit indexes the RFC alphabet.
     */
    static String base32ViaBigInteger(byte[] data, int digits) {
        String rfc = "abcdefghijklmnopqrstuvwxyz234567";
        BigInteger value = new BigInteger(1, data).shiftLeft(digits * 5 - data.length * 8);
        StringBuilder out = new StringBuilder();
        for (int i = digits - 1; i >= 0; i--) {
            out.append(rfc.charAt(value.shiftRight(i * 5).intValue() & 31));
        }
        return out.toString();
    }

    @Test
    void fortyHexDigitsAreAnInfohash() {
        SiteAddress address = SiteAddress.parseLabel(HEX);
        assertEquals(SiteAddress.Kind.INFOHASH, address.kind());
        assertEquals(HEX, address.hex());
        assertEquals(HEX, address.label());
        assertEquals(HEX + ".bitweb", address.host());
        assertEquals("http://" + HEX + ".bitweb/", address.url());
        assertArrayEquals(HexFormat.of().parseHex(HEX), address.bytes());
    }

    @Test
    void upperCaseHexIsTheSameSiteWithALowerCaseLabel() {
        SiteAddress upper = SiteAddress.parseLabel(HEX.toUpperCase(Locale.ROOT));
        assertEquals(SiteAddress.parseLabel(HEX), upper);
        assertEquals(HEX, upper.label());
        assertEquals(SiteAddress.parseLabel(HEX), new SiteAddress(SiteAddress.Kind.INFOHASH, HEX.toUpperCase(Locale.ROOT)));
    }

    @Test
    void thirtyTwoBase32CharactersAreTheSameInfohashAsItsHexForm() {
        Random random = new Random(1);
        for (int i = 0; i < 50; i++) {
            byte[] infohash = new byte[20];
            random.nextBytes(infohash);
            String base32 = base32ViaBigInteger(infohash, 32);
            SiteAddress fromBase32 = SiteAddress.parseLabel(base32);
            SiteAddress fromHex = SiteAddress.parseLabel(HexFormat.of().formatHex(infohash));
            assertEquals(fromHex, fromBase32, base32);
            assertEquals(fromHex.label(), fromBase32.label(), "one canonical label (hex) for both spellings");
            assertEquals(fromBase32, SiteAddress.parseLabel(base32.toUpperCase(Locale.ROOT)));
        }
    }

    @Test
    void fiftyTwoBase32CharactersAreAPublicKeyThatRoundTrips() {
        Random random = new Random(2);
        for (int i = 0; i < 50; i++) {
            byte[] key = new byte[32];
            random.nextBytes(key);
            String label = base32ViaBigInteger(key, 52);
            SiteAddress address = SiteAddress.parseLabel(label);
            assertEquals(SiteAddress.Kind.PUBLIC_KEY, address.kind());
            assertArrayEquals(key, address.bytes());
            assertEquals(label, address.label());
            assertEquals(address, SiteAddress.publicKey(key));
            assertEquals(address, SiteAddress.parseLabel(address.label()));
            assertTrue(address.label().length() <= 63, "fits one DNS label");
        }
    }

    @ParameterizedTest(name = "RFC 4648: base32(\"{0}\") = {1}")
    @CsvSource({"'',''", "f,my", "fo,mzxq", "foo,mzxw6", "foob,mzxw6yq", "fooba,mzxw6ytb", "foobar,mzxw6ytboi"})
    void base32MatchesTheRfcTestVectorsLowercasedWithoutPadding(String plain, String encoded) {
        byte[] bytes = plain.getBytes(StandardCharsets.US_ASCII);
        assertEquals(encoded, Base32.encode(bytes));
        assertArrayEquals(bytes, Base32.decode(encoded));
        assertArrayEquals(bytes, Base32.decode(encoded.toUpperCase(Locale.ROOT)));
    }

    @Test
    void base32RefusesNonCanonicalTrailingBitsAndForeignCharacters() {
        assertThrows(IllegalArgumentException.class, () -> Base32.decode("mz")); // 'f' is "my"; "mz" sets a spare bit
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Base32.decode("mzxw1"));
        assertTrue(e.getMessage().contains("mzxw1"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Base32.decode("my======")); // no padding in labels
    }

    @ParameterizedTest(name = "refused: \"{0}\"")
    @ValueSource(strings = {
            "0123456789abcdef0123456789abcdef012345678",  // 41 hex
            "0123456789abcdef0123456789abcdef0123456",    // 39 hex
            "0123456789abcdef0123456789abcdef0123456g",   // 'g' in hex
            "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",   // 51 base32
            "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", // 53 base32
            "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa1",           // 32 with a digit base32 does not have
            "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaab",  // 52 with a spare bit set
            "",
            "abc.def",
            "0123456789abcdef0123456789abcdef.1234567",
            "..",
            "0123456789abcdef 0123456789abcdef0123456",
    })
    void junkIsRefusedWithAMessageNamingIt(String label) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SiteAddress.parseLabel(label));
        assertTrue(e.getMessage().contains("'" + label + "'"), e.getMessage());
        assertTrue(e.getMessage().contains("40 hex") && e.getMessage().contains("52 base32"),
                "the message says what is accepted: " + e.getMessage());
    }

    @Test
    void aRecordWithTheWrongNumberOfDigitsIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new SiteAddress(SiteAddress.Kind.PUBLIC_KEY, HEX));
        assertThrows(IllegalArgumentException.class, () -> new SiteAddress(SiteAddress.Kind.INFOHASH, HEX + "00"));
        assertThrows(NullPointerException.class, () -> SiteAddress.parseLabel(null));
    }

    @Test
    void hexRefusesOddLengthAndForeignDigitsNamingTheInput() {
        assertEquals("00ff10", Hex.encode(new byte[] {0, -1, 16}));
        assertArrayEquals(new byte[] {0, -1, 16}, Hex.decode("00FF10"));
        for (String bad : new String[] {"abc", "zz", "0x"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Hex.decode(bad));
            assertTrue(e.getMessage().contains(bad), e.getMessage());
        }
    }
}
