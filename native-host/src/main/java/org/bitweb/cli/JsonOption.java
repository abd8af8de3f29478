package org.bitweb.cli;

import picocli.CommandLine.Option;

/** {@code --json}: output for scripts, errors included ({@link Failures}). */
final class JsonOption {
    /** The option's name; {@link Main} looks for it to answer even a mistyped command line in JSON. */
    static final String NAME = "--json";

    @Option(names = NAME, description = "print one JSON object on stdout instead of text; errors too: "
            + "{\"error\": {\"code\": ..., \"message\": ...}}")
    boolean on;
}
