package org.bitweb.bt;

import bt.net.buffer.ByteBufferView;
import bt.protocol.DecodingContext;
import bt.protocol.EncodingContext;
import bt.protocol.extended.ExtendedMessage;
import bt.protocol.handler.MessageHandler;

import java.nio.ByteBuffer;
import java.util.Collection;
import java.util.List;
import java.util.function.Function;

/**
 * Reads and writes one BitWeb BEP 10 message type for bt's extended protocol. A payload longer
 * than the type's cap is read no further than one byte past the cap (the rest is skipped, never
 * copied), so a peer cannot make us allocate what it sends; the type's decoder then refuses it.
 */
public final class CappedMessageHandler<T extends ExtendedMessage> implements MessageHandler<T> {
    private final Class<T> type;
    private final int maxPayload;
    private final Function<byte[], T> decoder;
    private final Function<T, byte[]> encoder;

    public CappedMessageHandler(Class<T> type, int maxPayload, Function<byte[], T> decoder, Function<T, byte[]> encoder) {
        this.type = type;
        this.maxPayload = maxPayload;
        this.decoder = decoder;
        this.encoder = encoder;
    }

    @Override
    public Collection<Class<? extends T>> getSupportedTypes() {
        return List.of(type);
    }

    @Override
    public Class<? extends T> readMessageType(ByteBufferView buffer) {
        return type;
    }

    @Override
    public int decode(DecodingContext context, ByteBufferView buffer) {
        int length = buffer.remaining();
        byte[] payload = new byte[Math.min(length, maxPayload + 1)];
        buffer.get(payload);
        if (length > payload.length) {
            buffer.position(buffer.position() + (length - payload.length));
        }
        context.setMessage(decoder.apply(payload));
        return length;
    }

    @Override
    public boolean encode(EncodingContext context, T message, ByteBuffer buffer) {
        byte[] payload = encoder.apply(message);
        if (buffer.remaining() < payload.length) {
            return false;
        }
        buffer.put(payload);
        return true;
    }
}
