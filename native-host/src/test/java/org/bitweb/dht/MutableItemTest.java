package org.bitweb.dht;

import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** BEP 44's test vectors (bittorrent.org/beps/bep_0044.html, "test vectors"). */
class MutableItemTest {
    private static final HexFormat HEX = HexFormat.of();
    static final byte[] KEY = HEX.parseHex("77ff84905a91936367c01360803104f92432fcd904a43511876df5cdf3e7e548");
    static final byte[] SIG = HEX.parseHex("305ac8aeb6c9c151fa120f120ea2cfb923564e11552d06a5d856091e5e853cff"
            + "1260d3f39e4999684aa92eb73ffd136e6f4f3ecbfda0ce53a1608ecd7ae21f01");
    static final byte[] SIG_SALTED = HEX.parseHex("6834284b6b24c3204eb2fea824d82f88883a3d95e8b4a21b8c0ded553d17d17d"
            + "df9a8a7104b1258f30bed3787e6cb896fca78c58f8e03b5f18f14951a87d9a08");
    static final byte[] HELLO = "12:Hello World!".getBytes(StandardCharsets.US_ASCII);
    static final byte[] FOOBAR = "foobar".getBytes(StandardCharsets.US_ASCII);

    @Test
    void vectorOneWithoutSalt() {
        MutableItem item = new MutableItem(KEY, new byte[0], 1, HELLO, SIG);
        assertEquals("3:seqi1e1:v12:Hello World!", new String(item.signedBuffer(), StandardCharsets.US_ASCII));
        assertEquals("4a533d47ec9c7d95b1ad75f576cffc641853b750", HEX.formatHex(item.target()));
        assertTrue(verifies(item), "Bouncy Castle verifies the vector over our signed buffer");
        assertTrue(DhtNode.signatureVerifies(item), "mldht verifies it too");
    }

    @Test
    void vectorTwoWithSalt() {
        MutableItem item = new MutableItem(KEY, FOOBAR, 1, HELLO, SIG_SALTED);
        assertEquals("4:salt6:foobar3:seqi1e1:v12:Hello World!", new String(item.signedBuffer(), StandardCharsets.US_ASCII));
        assertEquals("411eba73b6f087ca51a3795d9c8c938d365e32c1", HEX.formatHex(item.target()));
        assertTrue(verifies(item));
        assertTrue(DhtNode.signatureVerifies(item));
    }

    @Test
    void aChangedFieldBreaksTheSignature() {
        assertFalse(DhtNode.signatureVerifies(new MutableItem(KEY, new byte[0], 2, HELLO, SIG)), "seq");
        assertFalse(DhtNode.signatureVerifies(new MutableItem(KEY, FOOBAR, 1, HELLO, SIG)), "salt");
        assertFalse(DhtNode.signatureVerifies(new MutableItem(KEY, new byte[0], 1, "12:Hello World?".getBytes(StandardCharsets.US_ASCII), SIG)), "value");
    }

    @Test
    void nullSaltIsNoSalt() {
        MutableItem item = new MutableItem(KEY, null, 1, HELLO, SIG);
        assertEquals(0, item.salt().length);
        assertEquals(new MutableItem(KEY, new byte[0], 1, HELLO, SIG), item);
        assertEquals(new MutableItem(KEY, new byte[0], 1, HELLO, SIG).hashCode(), item.hashCode());
        assertNotEquals(new MutableItem(KEY, null, 2, HELLO, SIG), item);
    }

    @Test
    void fieldsAreCheckedAndNamed() {
        assertThrows(IllegalArgumentException.class, () -> new MutableItem(new byte[31], null, 1, HELLO, SIG), "key");
        assertThrows(IllegalArgumentException.class, () -> new MutableItem(KEY, null, 1, HELLO, new byte[63]), "signature");
        assertThrows(IllegalArgumentException.class, () -> new MutableItem(KEY, new byte[65], 1, HELLO, SIG), "salt");
        assertThrows(IllegalArgumentException.class, () -> new MutableItem(KEY, null, -1, HELLO, SIG), "seq");
        assertThrows(IllegalArgumentException.class, () -> new MutableItem(KEY, null, 1, new byte[0], SIG), "empty value");
        IllegalArgumentException big = assertThrows(IllegalArgumentException.class,
                () -> new MutableItem(KEY, null, 1, ("1001:" + "x".repeat(1001)).getBytes(StandardCharsets.US_ASCII), SIG));
        assertTrue(big.getMessage().contains("1000"), big.getMessage());
        IllegalArgumentException notBencode = assertThrows(IllegalArgumentException.class,
                () -> new MutableItem(KEY, null, 1, "Hello".getBytes(StandardCharsets.US_ASCII), SIG));
        assertTrue(notBencode.getMessage().contains("bencoded"), notBencode.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new MutableItem(KEY, null, 1, "i1ei2e".getBytes(StandardCharsets.US_ASCII), SIG));
    }

    @Test
    void theItemIsImmutable() {
        byte[] value = HELLO.clone();
        MutableItem item = new MutableItem(KEY, null, 1, value, SIG);
        value[5] = 'X';
        item.value()[5] = 'Y';
        assertArrayEquals(HELLO, item.value());
    }

    static boolean verifies(MutableItem item) {
        Ed25519Signer verifier = new Ed25519Signer();
        verifier.init(false, new Ed25519PublicKeyParameters(item.publicKey(), 0));
        byte[] buffer = item.signedBuffer();
        verifier.update(buffer, 0, buffer.length);
        return verifier.verifySignature(item.signature());
    }
}
