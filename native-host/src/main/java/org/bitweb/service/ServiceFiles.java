package org.bitweb.service;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The text of each service definition, filled from the templates beside this class: a systemd
 * unit, a launchd property list, a Task Scheduler task. Only text here; {@link Service} writes it
 * where each service manager looks and tells the manager.
 */
public final class ServiceFiles {
    /** The systemd unit's name. */
    public static final String UNIT = "bitweb.service";
    /** The launchd agent's label (and its file's name, with .plist). */
    public static final String LABEL = "org.bitweb.engine";
    /** The scheduled task's path. */
    public static final String TASK = "BitWeb\\Engine";

    private ServiceFiles() {
    }

    public static String systemdUnit(EngineCommand command) {
        String exec = command.argv().stream().map(ServiceFiles::systemdQuote).collect(Collectors.joining(" "));
        return template("bitweb.service").replace("@EXEC@", exec);
    }

    /** @param log where launchd sends the engine's stderr (the engine logs to its state folder too) */
    public static String launchdPlist(EngineCommand command, String log) {
        String arguments = command.argv().stream().map(a -> "    <string>" + xml(a) + "</string>")
                .collect(Collectors.joining("\n"));
        return template("org.bitweb.engine.plist").replace("@LABEL@", LABEL).replace("@ARGUMENTS@", arguments)
                .replace("@LOG@", xml(log));
    }

    /**
     * @param user the account the task runs as at its logon, {@code DOMAIN\name}
     */
    public static String taskXml(EngineCommand command, String user) {
        return template("bitweb-task.xml").replace("@TASK@", xml(TASK)).replace("@USER@", xml(user))
                .replace("@COMMAND@", xml(command.program()))
                .replace("@ARGUMENTS@", xml(windowsArguments(command.arguments())));
    }

    /**
     * One word of a systemd command line: double-quoted, with backslash and quote escaped, and
     * {@code %} and {@code $} doubled (systemd would expand specifiers and variables in them).
     */
    static String systemdQuote(String word) {
        StringBuilder quoted = new StringBuilder("\"");
        for (char c : word.toCharArray()) {
            switch (c) {
                case '\\' -> quoted.append("\\\\");
                case '"' -> quoted.append("\\\"");
                case '%' -> quoted.append("%%");
                case '$' -> quoted.append("$$");
                default -> quoted.append(c);
            }
        }
        return quoted.append('"').toString();
    }

    /**
     * Arguments as one Windows command line, quoted the way the C runtime's parser
     * (CommandLineToArgvW) splits it again: quotes around a word with a space or quote,
     * backslashes doubled only before a quote.
     */
    static String windowsArguments(List<String> arguments) {
        List<String> words = new ArrayList<>();
        for (String arg : arguments) {
            if (!arg.isEmpty() && arg.chars().noneMatch(c -> c == ' ' || c == '\t' || c == '"')) {
                words.add(arg);
                continue;
            }
            StringBuilder word = new StringBuilder("\"");
            int backslashes = 0;
            for (char c : arg.toCharArray()) {
                if (c == '\\') {
                    backslashes++;
                    continue;
                }
                word.append("\\".repeat(c == '"' ? backslashes * 2 + 1 : backslashes)).append(c);
                backslashes = 0;
            }
            word.append("\\".repeat(backslashes * 2)).append('"');
            words.add(word.toString());
        }
        return String.join(" ", words);
    }

    static String xml(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    private static String template(String name) {
        try (InputStream in = ServiceFiles.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("the jar lacks the service template " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
