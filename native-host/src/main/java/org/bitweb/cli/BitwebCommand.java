package org.bitweb.cli;

import ch.qos.logback.classic.Level;
import org.bitweb.Version;
import org.bitweb.log.Logging;
import org.bitweb.store.StateDir;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.FileSystemException;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * {@code bitweb}: the options every command takes; {@link BitwebCommands} lists the commands.
 * Each command is a class of its own; they reach these options and the streams through
 * {@link Subcommand}.
 */
@Command(name = "bitweb",
        versionProvider = BitwebCommand.VersionProvider.class,
        modelTransformer = BitwebCommand.Layout.class,
        header = "Publish websites over BitTorrent, and browse them in the browser you have.",
        description = {
            "Each command has its own help: bitweb COMMAND --help (or bitweb help COMMAND).",
            "",
            "The state folder (sites, keys, settings, logs) is --home, else $BITWEB_HOME, else "
                    + "$XDG_DATA_HOME/bitweb, else ~/.local/share/bitweb."},
        // the commands are listed in BitwebCommands: picocli builds every listed command's model
        // (reflection over each class) whenever the root is built, so a command line that names
        // its command builds that one alone (Main.commandLineFor)
        footerHeading = "%nExamples:%n",
        footer = {
            "  bitweb publish ~/my-site         make a site of a folder, print its address",
            "  bitweb serve                     seed every site until Ctrl-C",
            "  bitweb get http://<site>.bitweb/ -o copy",
            "  bitweb status --json             for scripts: what runs, what is shared"})
class BitwebCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--home", paramLabel = "DIR", scope = ScopeType.INHERIT,
            description = "the state folder (default: $BITWEB_HOME, $XDG_DATA_HOME/bitweb, ~/.local/share/bitweb)")
    Path home;

    @Option(names = "--log-level", paramLabel = "LEVEL", scope = ScopeType.INHERIT, converter = Converters.LogLevel.class,
            completionCandidates = Converters.LevelNames.class, description = "how much goes into logs/bitweb.log: error, warn, info (default), debug, trace")
    Level logLevel = Level.INFO;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "show this help and exit")
    boolean help;

    @Option(names = {"-V", "--version"}, versionHelp = true, description = "print the version and exit")
    boolean version;

    private final Streams streams;

    BitwebCommand(Streams streams) {
        this.streams = streams;
    }

    /** For {@link BitwebCommands}' own no-argument constructor (picocli's generators). */
    BitwebCommand() {
        this(new Streams(System.in, System.out, System.err, new FileOutputStream(FileDescriptor.out),
                System.getenv(), System.getProperty("os.name")));
    }

    Streams streams() {
        return streams;
    }

    /** {@code bitweb} alone: the list of commands, as a mistake (exit 2). */
    @Override
    public Integer call() {
        PrintStream err = streams.err();
        err.println("bitweb: which command? (bitweb --help says more)");
        spec.commandLine().usage(err);
        return Outcome.USAGE.status;
    }

    /**
     * The state folder, made if new, with logging to its {@code logs/bitweb.log} and, from
     * {@code consoleLevel} up, to stderr (never stdout).
     */
    StateDir open(Level consoleLevel) {
        StateDir dir = StateDir.resolve(home == null ? null : home.toString(), streams.env());
        try {
            dir.create();
        } catch (IOException e) {
            String why = e instanceof FileSystemException f ? Failures.describe(f) : e.getMessage();
            throw new CliException(Outcome.ERROR, "cannot use the state folder " + dir.root() + " (" + why
                    + "); choose another with --home DIR or BITWEB_HOME");
        }
        Logging.configure(dir.logs(), logLevel, consoleLevel);
        // the class-data archive the installed launcher gave this JVM, kept only while it is this
        // Java's and jar's (logged to the file from here on); Main waits for it before exiting
        LauncherArchive.checkInBackground();
        return dir;
    }

    static final class VersionProvider implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"bitweb " + Version.CURRENT};
        }
    }

    /**
     * What annotations cannot say once for all commands: one layout of the usage help, the exit
     * codes from {@link Outcome} (the one table), and no argument read as an {@code @file} of
     * arguments (a browser's argument to {@code host} could start with '@').
     */
    static final class Layout implements CommandLine.IModelTransformer {
        @Override
        public CommandSpec transform(CommandSpec spec) {
            apply(spec);
            // the table once, in 'bitweb --help' and bitweb(1)
            spec.usageMessage().exitCodeListHeading("%nExit codes:%n").exitCodeList(Outcome.usageTable());
            return spec;
        }

        /** The layout, on a command and those below it (also on a command added after the root was built). */
        static void apply(CommandSpec spec) {
            spec.usageMessage()
                    .headerHeading("")
                    .synopsisHeading("%nUsage: ")
                    .descriptionHeading("%n")
                    .parameterListHeading("%nArguments:%n")
                    .optionListHeading("%nOptions:%n")
                    .commandListHeading("%nCommands:%n")
                    .sortOptions(false)
                    .sortSynopsis(false);
            spec.parser().expandAtFiles(false);
            for (CommandLine sub : spec.subcommands().values()) {
                apply(sub.getCommandSpec());
            }
        }
    }
}
