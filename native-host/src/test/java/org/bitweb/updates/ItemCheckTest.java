package org.bitweb.updates;

import org.bitweb.address.SiteAddress;
import org.bitweb.dht.MutableItem;
import org.bitweb.keys.SiteKey;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What an updatable site accepts as its current version, and what it refuses. */
class ItemCheckTest {
    static final String IH1 = "0123456789abcdef0123456789abcdef01234567";
    static final String IH2 = "89abcdef0123456789abcdef0123456789abcdef";
    final SiteKey key = SiteKey.generate("check");
    final SiteAddress site = key.address();

    private MutableItem item(long seq, String ih) {
        return key.signItem(new byte[0], seq, SiteValue.encode(ih));
    }

    @Test
    void aSignedPointerIsAcceptedWithItsInfohash() throws RejectedItem {
        ItemCheck.Verified v = ItemCheck.verify(site, item(1, IH1), Optional.empty());
        assertEquals(IH1, v.infohash());
        assertEquals(1, v.seq());
        assertEquals("d2:ih20:", new String(Arrays.copyOf(SiteValue.encode(IH1), 8), StandardCharsets.US_ASCII));
    }

    @Test
    void aBadSignatureIsRefused() {
        MutableItem good = item(2, IH1);
        byte[] signature = good.signature();
        signature[0] ^= 1;
        MutableItem forged = new MutableItem(good.publicKey(), good.salt(), good.seq(), good.value(), signature);
        RejectedItem e = assertThrows(RejectedItem.class, () -> ItemCheck.verify(site, forged, Optional.empty()));
        assertTrue(e.getMessage().contains("signature"), e.getMessage());
        // a signature over seq 2 does not cover seq 3
        MutableItem replayed = new MutableItem(good.publicKey(), good.salt(), 3, good.value(), good.signature());
        assertThrows(RejectedItem.class, () -> ItemCheck.verify(site, replayed, Optional.empty()));
        // nor another value
        MutableItem swapped = new MutableItem(good.publicKey(), good.salt(), 2, SiteValue.encode(IH2), good.signature());
        assertThrows(RejectedItem.class, () -> ItemCheck.verify(site, swapped, Optional.empty()));
    }

    @Test
    void anItemOfAnotherKeyOrSaltIsRefused() {
        SiteKey other = SiteKey.generate("other");
        MutableItem foreign = other.signItem(new byte[0], 5, SiteValue.encode(IH1));
        assertThrows(RejectedItem.class, () -> ItemCheck.verify(site, foreign, Optional.empty()));
        MutableItem salted = key.signItem("blog".getBytes(StandardCharsets.US_ASCII), 5, SiteValue.encode(IH1));
        RejectedItem e = assertThrows(RejectedItem.class, () -> ItemCheck.verify(site, salted, Optional.empty()));
        assertTrue(e.getMessage().contains("salt"), e.getMessage());
    }

    @Test
    void seqNeverGoesBack() throws RejectedItem {
        MutableItem known = item(5, IH1);
        RejectedItem e = assertThrows(RejectedItem.class, () -> ItemCheck.verify(site, item(4, IH2), Optional.of(known)));
        assertTrue(e.getMessage().contains("goes back"), e.getMessage());
        // the same seq with another value is a conflict: the one already known stays
        assertThrows(RejectedItem.class, () -> ItemCheck.verify(site, item(5, IH2), Optional.of(known)));
        // the same item again is fine, and not newer
        assertFalse(ItemCheck.isNewer(ItemCheck.verify(site, item(5, IH1), Optional.of(known)).item(), Optional.of(known)));
        assertTrue(ItemCheck.isNewer(ItemCheck.verify(site, item(6, IH2), Optional.of(known)).item(), Optional.of(known)));
    }

    @Test
    void aValueOverTheBep44LimitIsRefusedBeforeItIsParsed() {
        byte[] big = ("d2:ih20:" + "x".repeat(20) + "4:junk" + (1000 - 33) + ":" + "y".repeat(1000 - 33) + "e")
                .getBytes(StandardCharsets.US_ASCII);
        assertTrue(big.length > MutableItem.MAX_VALUE_BYTES, "" + big.length);
        byte[] signature = key.sign(MutableItem.signedBuffer(new byte[0], 1, big));
        RejectedItem e = assertThrows(RejectedItem.class,
                () -> ItemCheck.verify(site, key.publicKey(), new byte[0], 1, big, signature, Optional.empty()));
        assertTrue(e.getMessage().contains("1000"), e.getMessage());
    }

    @Test
    void malformedPointersAreRefusedEvenWhenSigned() {
        String[] values = {
                "d2:ih19:" + "x".repeat(19) + "e",     // not 20 bytes
                "d2:ih21:" + "x".repeat(21) + "e",
                "d2:ihi5ee",                             // not a string
                "l20:" + "x".repeat(20) + "e",          // not a dict
                "20:" + "x".repeat(20),
                "d1:x1:ye",                              // no ih
                "d2:ih20:" + "x".repeat(20) + "ejunk",  // junk after the dict
                "d2:ih20:" + "x".repeat(20) + "e2:ih",
                "d2:zz1:a2:ih20:" + "x".repeat(20) + "e", // keys out of order: not canonical bencode
        };
        for (String text : values) {
            byte[] value = text.getBytes(StandardCharsets.ISO_8859_1);
            byte[] signature = key.sign(MutableItem.signedBuffer(new byte[0], 1, value));
            assertThrows(RejectedItem.class,
                    () -> ItemCheck.verify(site, key.publicKey(), new byte[0], 1, value, signature, Optional.empty()), text);
        }
    }

    @Test
    void otherKeysBesideIhAreIgnored() throws RejectedItem {
        byte[] value = ("d2:ih20:" + "x".repeat(20) + "4:note5:hello" + "e").getBytes(StandardCharsets.US_ASCII);
        byte[] signature = key.sign(MutableItem.signedBuffer(new byte[0], 1, value));
        assertEquals("78".repeat(20), ItemCheck.verify(site, key.publicKey(), new byte[0], 1, value, signature, Optional.empty()).infohash());
    }
}
