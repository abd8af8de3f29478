package org.bitweb.messaging;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;

import java.util.ArrayList;
import java.util.List;

/**
 * One request from the extension: {@code {"id": .., "action": "..", ...params}}. The accessors
 * read JSON types and fail with BAD_REQUEST naming the field, so handlers read as plain code; the
 * engine's own value types (addresses, folders, salts, peers) are read by {@code daemon.Params}.
 */
public record Request(JsonNode id, String action, JsonNode body) {

    public Request {
        id = id == null ? NullNode.instance : id;
    }

    /** The field is present, even as null. */
    public boolean has(String field) {
        return body.has(field);
    }

    public String text(String field) throws ProtocolException {
        JsonNode value = body.get(field);
        if (value == null || value.isNull()) {
            throw new ProtocolException(ErrorCode.BAD_REQUEST, "'" + action + "' needs the field '" + field + "'");
        }
        if (!value.isTextual()) {
            throw new ProtocolException(ErrorCode.BAD_REQUEST,
                    "'" + field + "' of '" + action + "' must be a string, not " + value.getNodeType().name().toLowerCase());
        }
        return value.textValue();
    }

    public String optionalText(String field) throws ProtocolException {
        JsonNode value = body.get(field);
        return value == null || value.isNull() ? null : text(field);
    }

    public long number(String field, long fallback) throws ProtocolException {
        JsonNode value = body.get(field);
        if (value == null || value.isNull()) {
            return fallback;
        }
        if (!value.canConvertToLong() || !value.isIntegralNumber()) {
            throw new ProtocolException(ErrorCode.BAD_REQUEST,
                    "'" + field + "' of '" + action + "' must be an integer");
        }
        return value.longValue();
    }

    /** A true or false that must be there (null is not a choice). */
    public boolean flag(String field) throws ProtocolException {
        JsonNode value = body.get(field);
        if (value == null || !value.isBoolean()) {
            throw new ProtocolException(ErrorCode.BAD_REQUEST, "'" + field + "' must be true or false");
        }
        return value.booleanValue();
    }

    /** An optional true or false: {@code fallback} when absent or null, and nothing but a boolean otherwise. */
    public boolean flag(String field, boolean fallback) throws ProtocolException {
        JsonNode value = body.get(field);
        return value == null || value.isNull() ? fallback : flag(field);
    }

    /** An optional list of strings, empty when absent or null; {@code items} says what they are, for the error. */
    public List<String> texts(String field, String items) throws ProtocolException {
        JsonNode value = body.get(field);
        if (value == null || value.isNull()) {
            return List.of();
        }
        List<String> texts = new ArrayList<>();
        if (value.isArray()) {
            for (JsonNode item : value) {
                if (!item.isTextual()) {
                    break;
                }
                texts.add(item.textValue());
            }
        }
        if (!value.isArray() || texts.size() != value.size()) {
            throw new ProtocolException(ErrorCode.BAD_REQUEST, "'" + field + "' must be a list of " + items);
        }
        return texts;
    }
}
