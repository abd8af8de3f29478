package org.bitweb.cli;

import org.bitweb.daemon.EngineDaemon;
import org.bitweb.json.Json;
import org.bitweb.messaging.ErrorCode;
import org.bitweb.messaging.ProtocolException;
import org.bitweb.store.StateDir;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.SocketTimeoutException;
import java.net.http.HttpTimeoutException;
import java.nio.channels.ClosedByInterruptException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The one mapping from what went wrong to an exit code and a line. (The tests run as root here,
 * so an unreadable folder cannot be made for real: its exception stands in.)
 */
class FailuresTest {
    private static void maps(Throwable e, Outcome outcome, String message) {
        Failures.Failure failure = Failures.of(e);
        assertEquals(outcome, failure.outcome(), e.toString());
        assertEquals(message, failure.message(), e.toString());
    }

    @Test
    void fileSystemFailuresSayWhatHappenedToWhichFile() {
        maps(new AccessDeniedException("/srv/site/private"), Outcome.ERROR, "permission denied: /srv/site/private");
        maps(new UncheckedIOException(new AccessDeniedException("/srv/site/private")), Outcome.ERROR,
                "permission denied: /srv/site/private");
        maps(new NoSuchFileException("/srv/gone"), Outcome.ERROR, "no such file or folder: /srv/gone");
        maps(new IOException("disk full"), Outcome.ERROR, "disk full");
    }

    @Test
    void timeoutsInterruptionsAndTheEngineHaveCodesOfTheirOwn() {
        maps(new HttpTimeoutException("request timed out"), Outcome.TIMEOUT, "timed out: request timed out");
        maps(new SocketTimeoutException("Read timed out"), Outcome.TIMEOUT, "timed out: Read timed out");
        maps(new InterruptedException(), Outcome.INTERRUPTED, "interrupted before it finished");
        maps(new ClosedByInterruptException(), Outcome.INTERRUPTED, "interrupted before it finished");
        StateDir dir = new StateDir(Path.of("/tmp/state"));
        maps(new EngineDaemon.EngineRunningException(dir), Outcome.ENGINE, new EngineDaemon.EngineRunningException(dir).getMessage());
        maps(new ProtocolException(ErrorCode.ENGINE_UNAVAILABLE, "the gateway port is taken"), Outcome.ENGINE,
                "the gateway port is taken");
        maps(new ProtocolException(ErrorCode.PUBLISH_FAILED, "nothing to publish"), Outcome.ERROR, "nothing to publish");
        maps(new CliException(Outcome.TIMEOUT, "no peer"), Outcome.TIMEOUT, "no peer");
    }

    @Test
    void aBugIsReportedAsOneLineThatSaysWhereTheDetailsAre() {
        Failures.Failure failure = Failures.of(new NullPointerException("site is null"));
        assertEquals(Outcome.ERROR, failure.outcome());
        assertTrue(failure.message().startsWith("unexpected NullPointerException (site is null): a bug"), failure.message());
        assertTrue(failure.message().contains("logs/bitweb.log"), failure.message());
        assertFalse(failure.message().contains("\n"));
    }

    @Test
    void reportedAsALineOnStderrOrAnObjectOnStdout() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
        PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8);
        Failures.Failure failure = new Failures.Failure(Outcome.TIMEOUT, "no peer sent it");

        assertEquals(4, Failures.report(failure, "bitweb get", false, o, e));
        assertEquals("bitweb get: no peer sent it\n", err.toString(StandardCharsets.UTF_8));
        assertEquals("", out.toString(StandardCharsets.UTF_8));

        err.reset();
        assertEquals(4, Failures.report(failure, "bitweb get", true, o, e));
        assertEquals("", err.toString(StandardCharsets.UTF_8));
        var error = Json.MAPPER.readTree(out.toString(StandardCharsets.UTF_8)).path("error");
        assertEquals("TIMEOUT", error.path("code").asText());
        assertEquals("no peer sent it", error.path("message").asText());
        assertEquals("bitweb get", error.path("command").asText());
    }
}
