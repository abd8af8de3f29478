package org.bitweb.cli;

import ch.qos.logback.classic.Level;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Unmatched;

import java.util.ArrayList;
import java.util.List;

/**
 * {@code bitweb host}: the process a browser starts for the extension ({@link Bridge}). Its stdout
 * carries native-messaging frames and nothing else; {@link Main} sends System.out to stderr first.
 */
@Command(name = "host",
        header = "The native-messaging host the browser starts (not for people).",
        description = {
            "Relays the extension's messages between the browser and the engine, starting the engine "
                    + "in the background when none runs. Writes nothing but native-messaging frames to stdout; "
                    + "logs go to logs/bitweb.log in the state folder."})
final class HostCommand extends Subcommand {
    /**
     * What the browser appends, which the host does not need: Chromium the caller's origin (and on
     * Windows --parent-window=N), Firefox the manifest's path and the extension's id.
     */
    @Parameters(paramLabel = "BROWSER-ARGS", hidden = true)
    List<String> browserArgs = new ArrayList<>();

    @Unmatched
    List<String> unmatched = new ArrayList<>();

    @Override
    public Integer call() {
        return bridge(bitweb(), io());
    }

    /** The bridge, for the state folder {@code root} gives; also what {@link Main} runs for a browser without picocli. */
    static int bridge(BitwebCommand root, Streams io) {
        return new Bridge(root.open(Level.WARN), io.in(), io.rawOut()).run();
    }
}
