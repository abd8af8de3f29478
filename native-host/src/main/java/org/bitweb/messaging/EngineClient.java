package org.bitweb.messaging;

import org.bitweb.json.Json;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.function.BiConsumer;

/**
 * A blocking client of the engine's control socket, for the CLI and tests: one request at a time,
 * events that arrive meanwhile go to a callback.
 */
public final class EngineClient implements AutoCloseable {
    private final SocketChannel channel;
    private final InputStream in;
    private final OutputStream out;
    private int nextId = 1;

    private EngineClient(SocketChannel channel) {
        this.channel = channel;
        this.in = ChannelStreams.in(channel);
        this.out = ChannelStreams.out(channel);
    }

    /** @throws IOException when no engine listens there */
    public static EngineClient connect(Path socket) throws IOException {
        SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            channel.connect(UnixDomainSocketAddress.of(socket));
        } catch (IOException e) {
            channel.close();
            throw e;
        }
        return new EngineClient(channel);
    }

    public JsonNode request(String action, ObjectNode params) throws IOException, ProtocolException {
        return request(action, params, (event, data) -> { });
    }

    /**
     * Sends one request and waits for its reply.
     *
     * @return the reply's data
     * @throws ProtocolException the engine's error, with its code
     */
    public JsonNode request(String action, ObjectNode params, BiConsumer<String, JsonNode> events)
            throws IOException, ProtocolException {
        ObjectNode request = params == null ? Json.object() : params.deepCopy();
        int id = nextId++;
        request.put("id", id);
        request.put("action", action);
        Frames.write(out, Json.bytes(request));
        while (true) {
            JsonNode reply = Json.MAPPER.readTree(Frames.readRequired(in, 64 * 1024 * 1024));
            if (Envelope.isEvent(reply)) {
                events.accept(reply.path("event").asText(), reply.path("data"));
                continue;
            }
            if (reply.path("id").asInt(-1) != id) {
                continue; // a reply to something else: not ours
            }
            return Envelope.dataOf(reply);
        }
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
