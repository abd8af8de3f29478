package org.bitweb.messaging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import org.bitweb.keys.KeyException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.NoSuchFileException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Which failure of a handler becomes which error code: the one table that all actions share.
 * An action says what its I/O failures and refused values mean; anything it did not expect is
 * INTERNAL, with a message that sends the user to the log.
 */
class ErrorMappingTest {
    static final Action.Handler NONE = (request, session) -> null;
    static final Action PLAIN = Action.quick("status", NONE);
    static final Action PUBLISH = Action.slow("site.publish", NONE).whenIoFails(ErrorCode.PUBLISH_FAILED);
    static final Action SETTINGS = Action.slow("settings.set", NONE).whenRefused(ErrorCode.BAD_SETTING);

    @BeforeEach
    void quiet() {
        // the INTERNAL cases log at error level on purpose
        ((Logger) LoggerFactory.getLogger(ErrorMapping.class)).setLevel(Level.OFF);
    }

    @AfterEach
    void loud() {
        ((Logger) LoggerFactory.getLogger(ErrorMapping.class)).setLevel(null);
    }

    @Test
    void aProtocolExceptionIsTheHandlersOwnAnswerAndKeepsItsCode() {
        for (ErrorCode code : ErrorCode.values()) {
            ProtocolException answer = new ProtocolException(code, "m");
            assertSame(answer, ErrorMapping.toError(PLAIN, answer));
            assertSame(answer, ErrorMapping.toError(PUBLISH, answer), "an action's I/O code does not override it");
        }
    }

    @Test
    void anIoFailureIsTheActionsAnswerWhereItNamesOne() {
        for (IOException e : new IOException[] {new IOException("disk full"), new NoSuchFileException("/x"),
                new KeyException("no key named 'k'"), new FileNotFoundException("gone")}) {
            ProtocolException error = ErrorMapping.toError(PUBLISH, e);
            assertEquals(ErrorCode.PUBLISH_FAILED, error.code(), e.toString());
            assertEquals(e.getMessage(), error.getMessage(), "the user reads what failed, not a class name");
        }
    }

    @Test
    void anIoFailureIsInternalWhereTheActionNamesNoCode() {
        ProtocolException error = ErrorMapping.toError(PLAIN, new IOException("disk full"));
        assertEquals(ErrorCode.INTERNAL, error.code());
        assertTrue(error.getMessage().contains("disk full") && error.getMessage().contains("'status'")
                && error.getMessage().contains("engine log"), error.getMessage());
        assertEquals(ErrorCode.INTERNAL, ErrorMapping.toError(SETTINGS, new IOException("x")).code(),
                "a refusal code says nothing about I/O");
    }

    @Test
    void aRefusedValueIsTheActionsAnswerWhereItNamesOne() {
        ProtocolException error = ErrorMapping.toError(SETTINGS, new IllegalArgumentException("storage limit must be >= 0"));
        assertEquals(ErrorCode.BAD_SETTING, error.code());
        assertEquals("storage limit must be >= 0", error.getMessage());
        assertEquals(ErrorCode.BAD_SETTING, ErrorMapping.toError(SETTINGS, new NumberFormatException("1.5")).code(),
                "subclasses too");
        assertEquals(ErrorCode.INTERNAL, ErrorMapping.toError(PLAIN, new IllegalArgumentException("x")).code());
        assertEquals(ErrorCode.INTERNAL, ErrorMapping.toError(PUBLISH, new IllegalArgumentException("x")).code(),
                "an I/O code says nothing about refused values");
    }

    @Test
    void anythingElseIsInternal() {
        for (Throwable e : new Throwable[] {new IllegalStateException("bug"), new NullPointerException(),
                new UncheckedIOException(new IOException("wrapped")), new StackOverflowError(), new Exception("checked")}) {
            for (Action action : new Action[] {PLAIN, PUBLISH, SETTINGS}) {
                ProtocolException error = ErrorMapping.toError(action, e);
                assertEquals(ErrorCode.INTERNAL, error.code(), action.name() + ": " + e);
                assertTrue(error.getMessage().startsWith("internal error in '" + action.name() + "'"), error.getMessage());
            }
        }
    }

    @Test
    void aFailureWithoutAMessageStillSaysWhatItWas() {
        ProtocolException error = ErrorMapping.toError(PUBLISH, new IOException());
        assertEquals(ErrorCode.PUBLISH_FAILED, error.code());
        assertEquals("java.io.IOException", error.getMessage());
    }
}
