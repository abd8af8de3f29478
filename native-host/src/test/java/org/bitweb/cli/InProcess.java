package org.bitweb.cli;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/** {@code bitweb ...} run in the test's JVM, with its own stdin, stdout, stderr and environment. */
record InProcess(int exit, String out, String err) {
    static InProcess run(String... args) {
        return run("", Map.of(), args);
    }

    static InProcess run(String stdin, Map<String, String> env, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Map<String, String> environment = new HashMap<>(System.getenv());
        environment.putAll(env);
        int exit = Main.run(args, new Streams(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
                out, environment, System.getProperty("os.name")));
        return new InProcess(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** Streams that go nowhere, for tests that only parse a command line. */
    static Streams nowhere() {
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        PrintStream print = new PrintStream(sink, true, StandardCharsets.UTF_8);
        return new Streams(new ByteArrayInputStream(new byte[0]), print, print, sink, Map.of(), "Linux");
    }

    @Override
    public String toString() {
        return "exit " + exit + "\n--- stdout\n" + out + "--- stderr\n" + err;
    }
}
