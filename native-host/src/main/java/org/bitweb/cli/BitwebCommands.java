package org.bitweb.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.util.Arrays;

/**
 * {@code bitweb} with every command: what {@code bitweb --help} and {@code bitweb help} list, and
 * what the man pages and the completion script are made from. The root's options and texts are
 * {@link BitwebCommand}'s (picocli takes a superclass's {@code @Command} attributes); this class
 * adds only the list, the one place that names the commands.
 */
@Command(name = "bitweb",
        subcommands = {
            PublishCommand.class,
            ServeCommand.class,
            GetCommand.class,
            CommentCommand.class,
            CommentsCommand.class,
            ModerateCommand.class,
            KeyCommand.class,
            StatusCommand.class,
            SiteCommands.Sites.class,
            SiteCommands.Seed.class,
            SiteCommands.Unseed.class,
            SiteCommands.Remove.class,
            SiteCommands.Forget.class,
            StopCommand.class,
            ServiceCommand.class,
            DoctorCommand.class,
            HostCommand.class,
            CommandLine.HelpCommand.class})
final class BitwebCommands extends BitwebCommand {
    BitwebCommands(Streams streams) {
        super(streams);
    }

    /** For picocli's generators (completion script, man pages), which only read the annotations. */
    BitwebCommands() {
    }

    /** The class of the command called {@code name} (or by an alias of it), or null. */
    static Class<?> named(String name) {
        for (Class<?> command : BitwebCommands.class.getAnnotation(Command.class).subcommands()) {
            Command about = command.getAnnotation(Command.class);
            if (about.name().equals(name) || Arrays.asList(about.aliases()).contains(name)) {
                return command;
            }
        }
        return null;
    }
}
