package org.bitweb.messaging;

import org.bitweb.json.Json;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.concurrent.RejectedExecutionException;

/**
 * One protocol connection (a browser's host process, or the CLI) to the engine. Reads requests
 * in a loop and runs each on the engine's {@link RequestPools}, so a slow request (publishing a
 * big folder) never blocks a quick one behind it; replies may therefore come out of order and carry the
 * request's id. Bad input gets an error reply; only broken framing ends the session.
 */
public final class Session {
    private static final Logger log = LoggerFactory.getLogger(Session.class);

    private final InputStream in;
    private final OutputStream out;
    private final Dispatcher dispatcher;
    private final RequestPools pools;
    private final int maxIncoming;
    private final String name;
    private volatile boolean open = true;

    public Session(String name, InputStream in, OutputStream out, Dispatcher dispatcher,
                   RequestPools pools, int maxIncoming) {
        this.name = name;
        this.in = in;
        this.out = out;
        this.dispatcher = dispatcher;
        this.pools = pools;
        this.maxIncoming = maxIncoming;
    }

    public String name() {
        return name;
    }

    public boolean isOpen() {
        return open;
    }

    /** Runs until the peer closes the stream (clean) or the framing breaks. Never throws. */
    public void run() {
        try {
            while (open) {
                byte[] frame;
                try {
                    frame = Frames.read(in, maxIncoming);
                } catch (FrameException e) {
                    if (e.kind() == FrameException.Kind.TOO_LARGE && skip(e.declaredLength())) {
                        sendError(NullNode.instance, null, ErrorCode.FRAME_TOO_LARGE, e.getMessage());
                        continue;
                    }
                    log.warn("{}: closing, broken framing: {}", name, e.getMessage());
                    if (e.kind() == FrameException.Kind.TOO_LARGE) {
                        sendError(NullNode.instance, null, ErrorCode.FRAME_TOO_LARGE, e.getMessage());
                    }
                    return;
                }
                if (frame == null) {
                    log.debug("{}: end of stream", name);
                    return;
                }
                accept(frame);
            }
        } catch (IOException e) {
            log.debug("{}: connection lost: {}", name, e.toString());
        } finally {
            open = false;
        }
    }

    /** Discards an oversized body so the next frame can be read; false if the stream ended first. */
    private boolean skip(long length) throws IOException {
        long left = length;
        byte[] sink = new byte[64 * 1024];
        while (left > 0) {
            int n = in.read(sink, 0, (int) Math.min(sink.length, left));
            if (n < 0) {
                return false;
            }
            left -= n;
        }
        return true;
    }

    private void accept(byte[] frame) {
        JsonNode message;
        try {
            message = Json.MAPPER.readTree(frame);
        } catch (JsonProcessingException e) {
            sendError(NullNode.instance, null, ErrorCode.BAD_JSON, "not UTF-8 JSON: " + e.getOriginalMessage());
            return;
        } catch (IOException e) {
            sendError(NullNode.instance, null, ErrorCode.BAD_JSON, "not UTF-8 JSON: " + e.getMessage());
            return;
        }
        if (message == null || !message.isObject()) {
            sendError(NullNode.instance, null, ErrorCode.BAD_REQUEST, "a request must be a JSON object");
            return;
        }
        JsonNode id = Envelope.idOf(message);
        String action = Envelope.actionOf(message);
        if (action == null) {
            sendError(id, null, ErrorCode.BAD_REQUEST, "a request needs a string field 'action'");
            return;
        }
        Action known = dispatcher.action(action);
        if (known == null) {
            sendError(id, action, ErrorCode.UNKNOWN_ACTION, "unknown action '" + action + "'; known: " + dispatcher.actions());
            return;
        }
        Request request = new Request(id, action, message);
        try {
            pools.execute(known.lane(), () -> handle(known, request));
        } catch (RejectedExecutionException e) {
            sendError(id, action, ErrorCode.INTERNAL, "the engine is shutting down");
        }
    }

    private void handle(Action action, Request request) {
        try {
            Object data = action.handler().handle(request, this);
            send(Envelope.ok(request.id(), request.action(), data == null ? null : Json.tree(data)));
        } catch (Exception | Error e) {
            ProtocolException error = ErrorMapping.toError(action, e);
            sendError(request.id(), request.action(), error.code(), error.getMessage());
        }
    }

    private void sendError(JsonNode id, String action, ErrorCode code, String message) {
        send(Envelope.error(id, action, code, message));
    }

    /** Pushes an event: {@code {"event": name, "data": data}}. */
    public void sendEvent(String event, Object data) {
        send(Envelope.event(event, Json.tree(data)));
    }

    private void send(ObjectNode message) {
        byte[] body = Json.bytes(message);
        if (body.length > Frames.MAX_OUTGOING) {
            log.error("{}: reply to '{}' is {} bytes, over the browser limit", name, message.path("action"), body.length);
            String tooBig = "the reply was over the 1 MiB browser limit";
            body = Json.bytes(Envelope.error(Envelope.idOf(message), Envelope.actionOf(message), ErrorCode.INTERNAL, tooBig));
            if (body.length > Frames.MAX_OUTGOING) {
                // the request's own id or action is that big: an error that cannot name it still beats no reply
                body = Json.bytes(Envelope.error(null, null, ErrorCode.INTERNAL, tooBig));
            }
        }
        synchronized (out) {
            try {
                Frames.write(out, body);
            } catch (IOException e) {
                open = false;
                log.debug("{}: cannot write, peer gone: {}", name, e.toString());
            }
        }
    }
}
