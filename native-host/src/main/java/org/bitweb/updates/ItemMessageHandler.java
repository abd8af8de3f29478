package org.bitweb.updates;

import bt.net.buffer.ByteBufferView;
import bt.protocol.DecodingContext;
import bt.protocol.EncodingContext;
import bt.protocol.handler.MessageHandler;

import java.nio.ByteBuffer;
import java.util.Collection;
import java.util.List;

/** Reads and writes {@link ItemMessage}s for bt's extended protocol. */
public final class ItemMessageHandler implements MessageHandler<ItemMessage> {
    @Override
    public Collection<Class<? extends ItemMessage>> getSupportedTypes() {
        return List.of(ItemMessage.class);
    }

    @Override
    public Class<? extends ItemMessage> readMessageType(ByteBufferView buffer) {
        return ItemMessage.class;
    }

    @Override
    public int decode(DecodingContext context, ByteBufferView buffer) {
        int length = buffer.remaining();
        byte[] payload = new byte[Math.min(length, ItemMessage.MAX_PAYLOAD + 1)];
        buffer.get(payload);
        if (length > payload.length) {
            buffer.position(buffer.position() + (length - payload.length)); // skip the rest of an oversized one
        }
        context.setMessage(ItemMessage.decode(payload));
        return length;
    }

    @Override
    public boolean encode(EncodingContext context, ItemMessage message, ByteBuffer buffer) {
        byte[] payload = message.encode();
        if (buffer.remaining() < payload.length) {
            return false;
        }
        buffer.put(payload);
        return true;
    }
}
