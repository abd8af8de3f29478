package org.bitweb.comments;

import bt.net.buffer.ByteBufferView;
import bt.protocol.DecodingContext;
import bt.protocol.EncodingContext;
import bt.protocol.handler.MessageHandler;

import java.nio.ByteBuffer;
import java.util.Collection;
import java.util.List;

/** Reads and writes {@link CommentMessage}s for bt's extended protocol; an oversized payload is skipped whole. */
public final class CommentMessageHandler implements MessageHandler<CommentMessage> {
    @Override
    public Collection<Class<? extends CommentMessage>> getSupportedTypes() {
        return List.of(CommentMessage.class);
    }

    @Override
    public Class<? extends CommentMessage> readMessageType(ByteBufferView buffer) {
        return CommentMessage.class;
    }

    @Override
    public int decode(DecodingContext context, ByteBufferView buffer) {
        int length = buffer.remaining();
        byte[] payload = new byte[Math.min(length, CommentMessage.MAX_PAYLOAD + 1)];
        buffer.get(payload);
        if (length > payload.length) {
            buffer.position(buffer.position() + (length - payload.length)); // skip the rest of an oversized one
        }
        context.setMessage(CommentMessage.decode(payload));
        return length;
    }

    @Override
    public boolean encode(EncodingContext context, CommentMessage message, ByteBuffer buffer) {
        byte[] payload = message.encode();
        if (buffer.remaining() < payload.length) {
            return false;
        }
        buffer.put(payload);
        return true;
    }
}
