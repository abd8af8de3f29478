package org.bitweb.testing;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Starts {@code org.bitweb.cli.Main} in a child JVM with this test's classpath, as a launcher would. */
public final class ChildJava {
    private ChildJava() {
    }

    public static List<String> command(String... mainArgs) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xshare:auto");
        command.add("-XX:TieredStopAtLevel=1"); // short-lived JVMs on a small machine: start fast
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add("org.bitweb.cli.Main");
        command.addAll(List.of(mainArgs));
        return command;
    }

    /** Child with stdin from nothing and stdout and stderr appended to {@code outputFile}, like a daemon. */
    public static Process startDetached(Path outputFile, String... mainArgs) throws IOException {
        return new ProcessBuilder(command(mainArgs))
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .redirectOutput(ProcessBuilder.Redirect.appendTo(outputFile.toFile()))
                .redirectErrorStream(true)
                .start();
    }

    /** Child with its stdout and stdin piped to the test and stderr appended to {@code stderrFile}. */
    public static Process start(Path stderrFile, String... mainArgs) throws IOException {
        return new ProcessBuilder(command(mainArgs))
                .redirectError(ProcessBuilder.Redirect.appendTo(stderrFile.toFile()))
                .start();
    }
}
