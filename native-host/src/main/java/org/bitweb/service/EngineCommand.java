package org.bitweb.service;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The command line a service runs to start the engine: the launcher (or Java and the jar), then
 * {@code serve --home <state folder>}. The state folder is always named, so the service serves
 * the folder of the command that installed it, whatever the service manager's environment holds.
 *
 * @param argv the program first, then its arguments; every element non-empty
 */
public record EngineCommand(List<String> argv) {
    public EngineCommand {
        argv = List.copyOf(argv);
        if (argv.isEmpty()) {
            throw new IllegalArgumentException("the engine's command line is empty");
        }
        for (String arg : argv) {
            if (Objects.requireNonNull(arg, "argument").isEmpty() || arg.indexOf('\0') >= 0 || arg.indexOf('\n') >= 0) {
                throw new IllegalArgumentException("an argument of the engine's command line is empty or holds a "
                        + "line break or NUL: " + argv);
            }
        }
        if (!absolute(argv.get(0))) {
            throw new IllegalArgumentException("the service runs a program by its absolute path, not '" + argv.get(0) + "'");
        }
    }

    /** An absolute path on this OS or on Windows (the task's file is made and tested anywhere). */
    private static boolean absolute(String program) {
        return Path.of(program).isAbsolute() || program.matches("(?s)[A-Za-z]:[\\\\/].*") || program.startsWith("\\\\");
    }

    /** {@code launcher serve --home DIR}: the installed {@code bitweb} command, which holds the JVM options. */
    public static EngineCommand ofLauncher(Path launcher, Path stateDir) {
        return new EngineCommand(List.of(launcher.toString(), "serve", "--home", stateDir.toString()));
    }

    /**
     * {@code java OPTIONS -jar JAR serve --home DIR}: where there is no launcher to run (Windows, a
     * bare jar); {@code jvm} are the JVM options the launcher would have given.
     */
    public static EngineCommand ofJar(Path java, List<String> jvm, Path jar, Path stateDir) {
        List<String> argv = new ArrayList<>(List.of(java.toString()));
        argv.addAll(jvm);
        argv.addAll(List.of("-jar", jar.toString(), "serve", "--home", stateDir.toString()));
        return new EngineCommand(argv);
    }

    public String program() {
        return argv.get(0);
    }

    public List<String> arguments() {
        return argv.subList(1, argv.size());
    }

    /** The arguments with {@code --home} replaced (tests run the command against a folder of their own). */
    public EngineCommand withArguments(List<String> arguments) {
        List<String> all = new ArrayList<>();
        all.add(program());
        all.addAll(arguments);
        return new EngineCommand(all);
    }
}
