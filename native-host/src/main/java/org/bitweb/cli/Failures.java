package org.bitweb.cli;

import org.bitweb.daemon.EngineDaemon;
import org.bitweb.json.Json;
import org.bitweb.keys.KeyException;
import org.bitweb.messaging.ProtocolException;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.SocketTimeoutException;
import java.net.http.HttpTimeoutException;
import java.nio.channels.ClosedByInterruptException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;

/**
 * The one place that turns what went wrong into an {@link Outcome} and a message of one line: on
 * stderr as {@code bitweb COMMAND: message}, or under {@code --json} as
 * {@code {"error": {"code": ..., "message": ...}}} on stdout. Never a stack trace: the log file
 * has those.
 */
final class Failures {
    /** What a user is told. */
    record Failure(Outcome outcome, String message) {
    }

    private Failures() {
    }

    static Failure of(Throwable e) {
        if (e instanceof CliException c) {
            return new Failure(c.outcome(), c.getMessage());
        }
        if (e instanceof UncheckedIOException u && u.getCause() != null) {
            return of(u.getCause());
        }
        if (e instanceof EngineDaemon.EngineRunningException) {
            return new Failure(Outcome.ENGINE, e.getMessage());
        }
        if (e instanceof ProtocolException p) {
            return new Failure(switch (p.code()) {
                case ENGINE_UNAVAILABLE -> Outcome.ENGINE;
                case NOT_READY -> Outcome.TIMEOUT;
                default -> Outcome.ERROR;
            }, p.getMessage());
        }
        if (e instanceof KeyException) {
            return new Failure(Outcome.ERROR, e.getMessage());
        }
        if (e instanceof HttpTimeoutException || e instanceof SocketTimeoutException) {
            return new Failure(Outcome.TIMEOUT, "timed out: " + text(e));
        }
        // (SocketTimeoutException is an InterruptedIOException too: it was caught above)
        if (e instanceof InterruptedException || e instanceof ClosedByInterruptException
                || e instanceof InterruptedIOException) {
            return new Failure(Outcome.INTERRUPTED, "interrupted before it finished");
        }
        if (e instanceof FileSystemException f) {
            return new Failure(Outcome.ERROR, describe(f));
        }
        if (e instanceof IOException) {
            return new Failure(Outcome.ERROR, text(e));
        }
        return new Failure(Outcome.ERROR, "unexpected " + e.getClass().getSimpleName()
                + (e.getMessage() == null ? "" : " (" + e.getMessage() + ")")
                + ": a bug; please report it with the log, logs/bitweb.log in the state folder");
    }

    /** Java names only the file in these exceptions; say what happened to it. */
    static String describe(FileSystemException e) {
        String file = e.getFile() == null ? "" : e.getFile();
        if (e instanceof AccessDeniedException) {
            return "permission denied: " + file;
        }
        if (e instanceof NoSuchFileException) {
            return "no such file or folder: " + file;
        }
        if (e instanceof FileAlreadyExistsException) {
            return file + " exists already";
        }
        if (e instanceof NotDirectoryException) {
            return "not a folder: " + file;
        }
        return e.getReason() == null ? text(e) : file + ": " + e.getReason();
    }

    private static String text(Throwable e) {
        return e.getMessage() == null || e.getMessage().isBlank() ? e.getClass().getSimpleName() : e.getMessage();
    }

    /**
     * Tells the user and returns the exit status.
     *
     * @param command the command's full name, e.g. "bitweb key export"
     */
    static int report(Failure failure, String command, boolean json, PrintStream out, PrintStream err) {
        if (json) {
            var error = Json.object();
            error.putObject("error").put("code", failure.outcome().code()).put("message", failure.message())
                    .put("command", command);
            out.println(Json.text(error));
        } else {
            err.println(command + ": " + failure.message());
        }
        return failure.outcome().status;
    }
}
