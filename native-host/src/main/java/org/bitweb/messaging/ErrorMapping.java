package org.bitweb.messaging;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;

/**
 * The one place where a handler's failure becomes a protocol error. Handlers throw what their
 * work throws; this table decides the code:
 * <ul>
 *   <li>{@link ProtocolException}: its own code (an answer the handler chose: unknown site, bad field...);</li>
 *   <li>{@link IllegalArgumentException}: a value the domain refused, with the action's refusal code;</li>
 *   <li>{@link IOException}: with the action's I/O code (publishing: {@code PUBLISH_FAILED});</li>
 *   <li>anything else, and the two above where the action names no code: {@code INTERNAL}, a bug
 *       or an unexpected failure, logged with its stack trace.</li>
 * </ul>
 */
public final class ErrorMapping {
    private static final Logger log = LoggerFactory.getLogger(ErrorMapping.class);

    private ErrorMapping() {
    }

    /** The error reply for {@code failure} thrown by {@code action}'s handler; logs what needs it. */
    public static ProtocolException toError(Action action, Throwable failure) {
        if (failure instanceof ProtocolException answer) {
            return answer;
        }
        ErrorCode declared = failure instanceof IllegalArgumentException ? action.refusal()
                : failure instanceof IOException ? action.io()
                : ErrorCode.INTERNAL;
        if (declared != ErrorCode.INTERNAL) {
            log.info("'{}' failed ({}): {}", action.name(), declared, failure.toString());
            log.debug("'{}' failure", action.name(), failure);
            return new ProtocolException(declared, message(failure));
        }
        log.error("'{}' failed", action.name(), failure);
        return new ProtocolException(ErrorCode.INTERNAL,
                "internal error in '" + action.name() + "': " + failure + " (details in the engine log)");
    }

    private static String message(Throwable failure) {
        String message = failure.getMessage();
        return message == null || message.isBlank() ? failure.toString() : message;
    }
}
