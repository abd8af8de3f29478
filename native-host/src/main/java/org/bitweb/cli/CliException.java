package org.bitweb.cli;

/** A command could not do what it was asked, for a reason it can say in one line. */
final class CliException extends RuntimeException {
    private final Outcome outcome;

    CliException(Outcome outcome, String message) {
        super(message);
        this.outcome = outcome;
    }

    Outcome outcome() {
        return outcome;
    }
}
