package org.bitweb.bt;

import bt.net.buffer.DelegatingByteBufferView;
import bt.protocol.DecodingContext;
import bt.protocol.EncodingContext;
import org.bitweb.dht.MutableItem;
import org.bitweb.keys.SiteKey;
import org.bitweb.updates.ItemMessage;
import org.bitweb.updates.SiteValue;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** One handler for BitWeb's BEP 10 messages: what a peer sends is read only up to the type's cap. */
class CappedMessageHandlerTest {
    final MutableItem item = SiteKey.generate("wire").signItem(new byte[0], 7, SiteValue.encode("ab".repeat(20)));

    @Test
    void aMessageWithinTheCapRoundTrips() {
        CappedMessageHandler<ItemMessage> handler = items(new AtomicInteger());
        ByteBuffer wire = ByteBuffer.allocate(4096);
        assertTrue(handler.encode(new EncodingContext(null), ItemMessage.of(item), wire));
        wire.flip();
        int length = wire.remaining();
        DecodingContext decoded = new DecodingContext(null);
        assertEquals(length, handler.decode(decoded, new DelegatingByteBufferView(wire)));
        assertEquals(item, ((ItemMessage) decoded.getMessage()).item().orElseThrow());
    }

    @Test
    void anOversizedPayloadIsSkippedWholeAndOnlyOneBytePastTheCapIsCopied() {
        AtomicInteger seen = new AtomicInteger();
        CappedMessageHandler<ItemMessage> handler = items(seen);
        ByteBuffer wire = ByteBuffer.allocate(1_000_000);
        DecodingContext decoded = new DecodingContext(null);
        assertEquals(1_000_000, handler.decode(decoded, new DelegatingByteBufferView(wire)), "the whole message is consumed");
        assertEquals(0, wire.remaining(), "the next message starts after it");
        assertEquals(ItemMessage.MAX_PAYLOAD + 1, seen.get(), "the decoder saw the cap plus one byte, not a megabyte");
        assertTrue(((ItemMessage) decoded.getMessage()).item().isEmpty(), "and refused it");
    }

    @Test
    void aBufferTooSmallIsRefusedNotOverrun() {
        ByteBuffer small = ByteBuffer.allocate(8);
        assertFalse(items(new AtomicInteger()).encode(new EncodingContext(null), ItemMessage.of(item), small));
        assertEquals(0, small.position());
    }

    private static CappedMessageHandler<ItemMessage> items(AtomicInteger seen) {
        return new CappedMessageHandler<>(ItemMessage.class, ItemMessage.MAX_PAYLOAD,
                payload -> {
                    seen.set(payload.length);
                    return ItemMessage.decode(payload);
                }, ItemMessage::encode);
    }
}
