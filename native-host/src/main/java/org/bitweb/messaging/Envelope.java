package org.bitweb.messaging;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.bitweb.json.Json;

/**
 * The protocol's message shapes, built and read here and nowhere else (docs/PROTOCOL.md,
 * "Envelope"): a reply {@code {id, action, ok: true, data}} or {@code {id, action, ok: false,
 * error: {code, message}}}, and an event {@code {event, data}}. The engine's sessions, the host
 * process answering without an engine, and the CLI's client all go through this class, so the
 * envelope cannot drift between them.
 */
public final class Envelope {
    private Envelope() {
    }

    /** A successful reply; a null {@code data} is sent as JSON null. */
    public static ObjectNode ok(JsonNode id, String action, JsonNode data) {
        ObjectNode reply = head(id, action);
        reply.put("ok", true);
        reply.set("data", data == null ? NullNode.instance : data);
        return reply;
    }

    /** A failed reply; {@code id} and {@code action} may be null when the request could not be read. */
    public static ObjectNode error(JsonNode id, String action, ErrorCode code, String message) {
        ObjectNode reply = head(id, action);
        reply.put("ok", false);
        reply.putObject("error").put("code", code.code()).put("message", message);
        return reply;
    }

    /** A message the engine pushes without a request; it has no id, so no client takes it for a reply. */
    public static ObjectNode event(String name, JsonNode data) {
        ObjectNode event = Json.object();
        event.put("event", name);
        event.set("data", data == null ? NullNode.instance : data);
        return event;
    }

    /** The id a reply to this message echoes: the message's id when it is a JSON scalar, else null. */
    public static JsonNode idOf(JsonNode message) {
        JsonNode id = message == null ? null : message.get("id");
        return id == null || id.isContainerNode() ? NullNode.instance : id;
    }

    /** The action a reply to this message echoes: the message's action when it is a string, else null. */
    public static String actionOf(JsonNode message) {
        JsonNode action = message == null ? null : message.get("action");
        return action != null && action.isTextual() ? action.textValue() : null;
    }

    public static boolean isEvent(JsonNode message) {
        return message.has("event");
    }

    /**
     * Reads a reply: its data when it is ok, else its error as an exception with the error's code
     * (a code this side does not know, or a reply without one, reads as {@code INTERNAL}).
     */
    public static JsonNode dataOf(JsonNode reply) throws ProtocolException {
        if (reply.path("ok").asBoolean(false)) {
            return reply.path("data");
        }
        JsonNode error = reply.path("error");
        int number = error.path("code").asInt(ErrorCode.INTERNAL.code());
        ErrorCode code = ErrorCode.of(number).orElse(ErrorCode.INTERNAL);
        throw new ProtocolException(code, error.path("message").asText("error " + number));
    }

    private static ObjectNode head(JsonNode id, String action) {
        ObjectNode reply = Json.object();
        reply.set("id", id == null ? NullNode.instance : id);
        if (action == null) {
            reply.putNull("action");
        } else {
            reply.put("action", action);
        }
        return reply;
    }
}
