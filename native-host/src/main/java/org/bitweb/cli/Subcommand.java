package org.bitweb.cli;

import ch.qos.logback.classic.Level;
import org.bitweb.store.StateDir;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.PrintStream;
import java.util.concurrent.Callable;

/** A command below {@code bitweb}: reaches the global options and the streams through the root command. */
abstract class Subcommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "show this help and exit")
    boolean help;

    final BitwebCommand bitweb() {
        return (BitwebCommand) spec.root().userObject();
    }

    final Streams io() {
        return bitweb().streams();
    }

    final PrintStream out() {
        return io().out();
    }

    final PrintStream err() {
        return io().err();
    }

    /** The state folder, with logging set up; commands for people log to stderr from WARN up only. */
    final StateDir open() {
        return bitweb().open(Level.WARN);
    }

    /** A mistake in the command line found only when the values are seen together: exit 2. */
    final ParameterException usage(String message) {
        return new ParameterException(spec.commandLine(), message);
    }
}
