package org.bitweb.keys;

import org.bitweb.address.SiteAddress;
import org.bitweb.dht.MutableItem;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The test vectors of BEP 44 ("test vectors" section) and of RFC 8032, section 7.1: the signed
 * buffer, the target, and signatures that Bouncy Castle makes and checks.
 */
class Bep44VectorsTest {
    private static final HexFormat HEX = HexFormat.of();
    // BEP 44: "test 1 (mutable)" and "test 2 (mutable with salt)"
    static final byte[] PUBLIC_KEY = HEX.parseHex("77ff84905a91936367c01360803104f92432fcd904a43511876df5cdf3e7e548");
    static final byte[] EXPANDED_SECRET = HEX.parseHex("e06d3183d14159228433ed599221b80bd0a5ce8352e4bdf0262f76786ef1c74d"
            + "b7e7a9fea2c0eb269d61e3b38e450a22e754941ac78479d6c54e1faf6037881d");
    static final byte[] VALUE = "12:Hello World!".getBytes(StandardCharsets.US_ASCII);
    static final byte[] SALT = "foobar".getBytes(StandardCharsets.US_ASCII);
    static final byte[] SIGNATURE_1 = HEX.parseHex("305ac8aeb6c9c151fa120f120ea2cfb923564e11552d06a5d856091e5e853cff"
            + "1260d3f39e4999684aa92eb73ffd136e6f4f3ecbfda0ce53a1608ecd7ae21f01");
    static final byte[] SIGNATURE_2 = HEX.parseHex("6834284b6b24c3204eb2fea824d82f88883a3d95e8b4a21b8c0ded553d17d17d"
            + "df9a8a7104b1258f30bed3787e6cb896fca78c58f8e03b5f18f14951a87d9a08");

    @Test
    void test1SignedBufferAndTarget() {
        assertEquals("3:seqi1e1:v12:Hello World!",
                new String(MutableItem.signedBuffer(new byte[0], 1, VALUE), StandardCharsets.US_ASCII));
        assertEquals("4a533d47ec9c7d95b1ad75f576cffc641853b750", HEX.formatHex(MutableItem.target(PUBLIC_KEY, new byte[0])));
    }

    @Test
    void test2SaltedSignedBufferAndTarget() {
        assertEquals("4:salt6:foobar3:seqi1e1:v12:Hello World!",
                new String(MutableItem.signedBuffer(SALT, 1, VALUE), StandardCharsets.US_ASCII));
        assertEquals("411eba73b6f087ca51a3795d9c8c938d365e32c1", HEX.formatHex(MutableItem.target(PUBLIC_KEY, SALT)));
    }

    @Test
    void bouncyCastleVerifiesTheVectorSignaturesOverOurBuffers() {
        assertTrue(Ed25519.verify(PUBLIC_KEY, MutableItem.signedBuffer(new byte[0], 1, VALUE), SIGNATURE_1));
        assertTrue(Ed25519.verify(PUBLIC_KEY, MutableItem.signedBuffer(SALT, 1, VALUE), SIGNATURE_2));
        // and only over those: another seq, the salt left out, one bit of the signature flipped
        assertFalse(Ed25519.verify(PUBLIC_KEY, MutableItem.signedBuffer(new byte[0], 2, VALUE), SIGNATURE_1));
        assertFalse(Ed25519.verify(PUBLIC_KEY, MutableItem.signedBuffer(new byte[0], 1, VALUE), SIGNATURE_2));
        byte[] flipped = SIGNATURE_1.clone();
        flipped[10] ^= 1;
        assertFalse(Ed25519.verify(PUBLIC_KEY, MutableItem.signedBuffer(new byte[0], 1, VALUE), flipped));
    }

    @Test
    void theVectorSignaturesAreReproducedFromTheExpandedSecret() {
        assertArrayEquals(PUBLIC_KEY, ExpandedKeySigner.publicKey(EXPANDED_SECRET));
        assertArrayEquals(SIGNATURE_1, ExpandedKeySigner.sign(EXPANDED_SECRET, MutableItem.signedBuffer(new byte[0], 1, VALUE)));
        assertArrayEquals(SIGNATURE_2, ExpandedKeySigner.sign(EXPANDED_SECRET, MutableItem.signedBuffer(SALT, 1, VALUE)));
    }

    /** RFC 8032 7.1 TEST 1 and TEST 2: Bouncy Castle signing from a seed is standard Ed25519. */
    @Test
    void bouncyCastleSignsTheRfc8032VectorsFromTheirSeeds() {
        byte[] seed1 = HEX.parseHex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60");
        assertEquals("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a", HEX.formatHex(Ed25519.publicKey(seed1)));
        assertEquals("e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e06522490155"
                + "5fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b", HEX.formatHex(Ed25519.sign(seed1, new byte[0])));
        byte[] seed2 = HEX.parseHex("4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb");
        assertEquals("3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c", HEX.formatHex(Ed25519.publicKey(seed2)));
        assertEquals("92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da"
                + "085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00",
                HEX.formatHex(Ed25519.sign(seed2, new byte[] {0x72})));
    }

    @Test
    void aSiteKeySignsItemsThatVerify() {
        SiteKey key = SiteKey.generate("vectors");
        MutableItem item = key.signItem(SALT, 7, VALUE);
        assertTrue(Ed25519.verify(key.publicKey(), item.signedBuffer(), item.signature()));
        assertArrayEquals(MutableItem.target(key.publicKey(), SALT), item.target());
        assertEquals(SiteAddress.publicKey(key.publicKey()), key.address());
    }
}
