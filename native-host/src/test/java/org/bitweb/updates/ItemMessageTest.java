package org.bitweb.updates;

import org.bitweb.dht.MutableItem;
import org.bitweb.keys.SiteKey;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The bw_item extension message on the wire. */
class ItemMessageTest {
    final SiteKey key = SiteKey.generate("wire");

    @Test
    void anItemRoundTripsWithAndWithoutSalt() {
        MutableItem plain = key.signItem(new byte[0], 3, SiteValue.encode("ab".repeat(20)));
        assertEquals(plain, ItemMessage.decode(ItemMessage.of(plain).encode()).item().orElseThrow());
        MutableItem salted = key.signItem("blog".getBytes(StandardCharsets.US_ASCII), 4, SiteValue.encode("cd".repeat(20)));
        byte[] wire = ItemMessage.of(salted).encode();
        assertTrue(new String(wire, StandardCharsets.ISO_8859_1).startsWith("d1:k32:"), "BEP 44 field names, sorted");
        assertEquals(salted, ItemMessage.decode(wire).item().orElseThrow());
    }

    @Test
    void malformedPayloadsBecomeMessagesWithoutAnItem() {
        String[] payloads = {"", "i5e", "le", "d1:ki5ee", "d1:k32:" + "k".repeat(32) + "3:seqi1e3:sig3:abc1:v3:i1ee",
                "d1:k3:abc3:seqi1e3:sig64:" + "s".repeat(64) + "1:v3:i1ee", "garbage"};
        for (String payload : payloads) {
            ItemMessage message = ItemMessage.decode(payload.getBytes(StandardCharsets.ISO_8859_1));
            assertTrue(message.item().isEmpty(), payload);
            assertTrue(message.problem() != null && !message.problem().isEmpty(), payload);
        }
        assertTrue(ItemMessage.decode(new byte[ItemMessage.MAX_PAYLOAD + 1]).item().isEmpty());
    }
}
