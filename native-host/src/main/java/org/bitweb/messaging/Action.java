package org.bitweb.messaging;

import java.util.Objects;

/**
 * One protocol action: its name, its handler, which pool it runs on, and what the failures its
 * handler expects mean on the wire (see {@link ErrorMapping}).
 *
 * @param io      the code an {@link java.io.IOException} from the handler becomes ({@code INTERNAL}
 *                unless the action says that an I/O failure is an answer, as publishing does)
 * @param refusal the code an {@link IllegalArgumentException} from the handler becomes: a value the
 *                domain refused ({@code INTERNAL} unless the action says otherwise)
 */
public record Action(String name, Lane lane, ErrorCode io, ErrorCode refusal, Handler handler) {

    /** Handles one request; returns the reply's {@code data} (any Jackson-serializable value). */
    @FunctionalInterface
    public interface Handler {
        Object handle(Request request, Session session) throws Exception;
    }

    /**
     * Where a request runs. A quick action only reads what the engine holds in memory and never
     * waits on the network, the disk's slow paths or a person, so it never queues behind one that
     * does (issue 12: {@code sites.list} once waited 29.7 s behind slow calls).
     */
    public enum Lane {
        QUICK, SLOW
    }

    public Action {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(lane, "lane");
        Objects.requireNonNull(io, "io");
        Objects.requireNonNull(refusal, "refusal");
        Objects.requireNonNull(handler, "handler");
    }

    /** An action that answers from memory at once. */
    public static Action quick(String name, Handler handler) {
        return new Action(name, Lane.QUICK, ErrorCode.INTERNAL, ErrorCode.INTERNAL, handler);
    }

    /** An action that may take long: publishing, waiting for peers, a dialog, deleting files. */
    public static Action slow(String name, Handler handler) {
        return new Action(name, Lane.SLOW, ErrorCode.INTERNAL, ErrorCode.INTERNAL, handler);
    }

    /** This action's I/O failures are answers with this code (the message says what failed). */
    public Action whenIoFails(ErrorCode code) {
        return new Action(name, lane, code, refusal, handler);
    }

    /** This action's refused values (IllegalArgumentException) are answers with this code. */
    public Action whenRefused(ErrorCode code) {
        return new Action(name, lane, io, code, handler);
    }
}
