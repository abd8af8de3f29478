package org.bitweb.messaging;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;

/**
 * One request from the extension: {@code {"id": .., "action": "..", ...params}}. Accessors fail
 * with BAD_REQUEST naming the field, so handlers read as plain code.
 */
public record Request(JsonNode id, String action, JsonNode body) {

    public Request {
        id = id == null ? NullNode.instance : id;
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
}
