package org.bitweb.cli;

import org.bitweb.log.Logging;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.UnmatchedArgumentException;

import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The {@code bitweb} command: picocli reads the command line into the command classes
 * ({@link BitwebCommand} and the classes it lists); every mistake and failure leaves through
 * {@link Failures} as one line (or a JSON object) and an {@link Outcome}.
 */
public final class Main {
    private Main() {
    }

    public static void main(String[] argv) {
        // The real stdout is the streams' (Streams.ofThisProcess): in host mode it carries protocol
        // frames and nothing else.
        if (Arrays.asList(argv).contains("host")) {
            // Any library that prints to System.out now prints to stderr instead of corrupting the channel.
            System.setOut(System.err);
        }
        boolean browser = asABrowserStartsTheHost(argv);
        if (browser) {
            // as a browser starts the bridge (the state folder from the environment): an engine
            // that must start starts now, beside the rest of this start
            Bridge.startEngineEarly(System.getenv());
        }
        Streams streams = Streams.ofThisProcess();
        exit(browser ? HostCommand.bridge(new BitwebCommand(streams), streams) : run(argv, streams));
    }

    /** Ends the process once the command's check of its launcher's archive is done (if it opened the state folder). */
    static void exit(int status) {
        LauncherArchive.awaitCheck();
        System.exit(status);
    }

    /**
     * {@code host} and only what a browser appends (its origin, or the manifest's path and the
     * extension's id; the state folder from the environment): the bridge runs without picocli
     * reading the command line, whose model built by reflection took ~130 ms of every browser's
     * wait for its routing (docs/TUNING.md, "A visit that starts the engine", item 11). Anything a
     * person could mean (a global option, help) goes through the command line as before.
     */
    static boolean asABrowserStartsTheHost(String[] argv) {
        if (argv.length == 0 || !argv[0].equals("host")) {
            return false;
        }
        for (int i = 1; i < argv.length; i++) {
            String a = argv[i];
            if (a.equals("-h") || a.equals("--help") || a.equals("-V") || a.equals("--version")
                    || a.equals("--home") || a.startsWith("--home=") || a.equals("--log-level") || a.startsWith("--log-level=")) {
                return false;
            }
        }
        return true;
    }

    /** Runs one command line and returns its exit status. */
    static int run(String[] argv, Streams streams) {
        return commandLineFor(argv, streams).execute(argv);
    }

    /** {@code bitweb} with every command. */
    static CommandLine commandLine(Streams streams) {
        return configure(new CommandLine(new BitwebCommands(streams)), streams);
    }

    /**
     * The command line for {@code argv}: when it names a command after the root's options, the
     * root with that command alone; else every command (help, a mistake, no command). picocli
     * builds the model of every command it is given, by reflection over its class, at every start:
     * ~50 ms of the 130-140 ms it took to build all 18 on 2 cores with class-data sharing, paid by
     * every command, the engine's start by the browser's bridge and the service included.
     */
    static CommandLine commandLineFor(String[] argv, Streams streams) {
        CommandLine root = new CommandLine(new BitwebCommand(streams));
        int i = 0;
        while (i < argv.length && argv[i].startsWith("-")) {
            String name = argv[i].contains("=") ? argv[i].substring(0, argv[i].indexOf('=')) : argv[i];
            OptionSpec option = root.getCommandSpec().findOption(name);
            if (option == null || option.usageHelp() || option.versionHelp()) {
                return commandLine(streams);
            }
            i += argv[i].contains("=") ? 1 : 1 + option.arity().min();
        }
        Class<?> command = i < argv.length ? BitwebCommands.named(argv[i]) : null;
        if (command == null || command == CommandLine.HelpCommand.class) {
            return commandLine(streams);
        }
        root.addSubcommand(command);
        root.getSubcommands().values().forEach(sub -> BitwebCommand.Layout.apply(sub.getCommandSpec()));
        return configure(root, streams);
    }

    private static CommandLine configure(CommandLine cli, Streams streams) {
        cli.setOut(new PrintWriter(new OutputStreamWriter(streams.out(), StandardCharsets.UTF_8), true));
        cli.setErr(new PrintWriter(new OutputStreamWriter(streams.err(), StandardCharsets.UTF_8), true));
        cli.setParameterExceptionHandler((e, args) -> Failures.report(new Failures.Failure(Outcome.USAGE, explain(e)),
                e.getCommandLine().getCommandSpec().qualifiedName(), json(args), streams.out(), streams.err()));
        cli.setExecutionExceptionHandler((e, command, parsed) -> {
            Failures.Failure failure = Failures.of(e);
            String name = command.getCommandSpec().qualifiedName();
            // the user reads one line; the log file keeps the stack trace
            Logging.fileOnly(Main.class).warn("{} failed: {}", name, failure.message(), e);
            return Failures.report(failure, name, json(parsed.originalArgs().toArray(String[]::new)), streams.out(), streams.err());
        });
        return cli;
    }

    /** JSON errors when the line asked for JSON output, even if it could not be read whole. */
    private static boolean json(String[] args) {
        return Arrays.asList(args).contains(JsonOption.NAME);
    }

    /** A usage mistake in words that name it and say where help is. */
    static String explain(ParameterException e) {
        CommandSpec spec = e.getCommandLine().getCommandSpec();
        String help = spec.subcommands().isEmpty() || spec.root() != spec ? "'" + spec.qualifiedName() + " --help'" : "'bitweb help'";
        if (e instanceof UnmatchedArgumentException u && !u.getUnmatched().isEmpty()) {
            String first = u.getUnmatched().get(0);
            if (first.startsWith("-") && first.length() > 1) {
                String option = first.contains("=") ? first.substring(0, first.indexOf('=')) : first;
                // every command's options, also when only the one named was built
                CommandSpec all = spec.root().userObject() instanceof BitwebCommands ? spec.root()
                        : new CommandLine(new BitwebCommands()).getCommandSpec();
                List<String> owners = commandsWithOption(all, option);
                if (!owners.isEmpty()) {
                    return "'" + option + "' is not an option of '" + spec.qualifiedName() + "'; it belongs to '"
                            + String.join("', '", owners) + "' (see " + help + ")";
                }
                List<String> suggestions = u.getSuggestions();
                return "unknown option '" + option + "'" + (suggestions.isEmpty() ? "" : "; did you mean '"
                        + suggestions.get(0) + "'?") + " (see " + help + ")";
            }
            if (!spec.subcommands().isEmpty()) {
                return "unknown command '" + first + "' (see " + help + ")";
            }
            return "unexpected argument '" + first + "' (see " + help + ")";
        }
        String message = e.getMessage();
        if (message != null && !message.isEmpty()) {
            message = message.substring(0, 1).toLowerCase(Locale.ROOT) + message.substring(1);
        }
        return message + " (see " + help + ")";
    }

    /** The full names of the commands that take an option, e.g. ["bitweb publish"] for --key. */
    private static List<String> commandsWithOption(CommandSpec spec, String option) {
        List<String> owners = new ArrayList<>();
        OptionSpec found = spec.findOption(option);
        if (found != null && !found.inherited()) {
            owners.add(spec.qualifiedName());
        }
        for (CommandLine sub : spec.subcommands().values()) {
            for (String name : commandsWithOption(sub.getCommandSpec(), option)) {
                if (!owners.contains(name)) {
                    owners.add(name);
                }
            }
        }
        return owners;
    }
}
