package org.bitweb.cli;

import org.bitweb.engine.EngineLock;
import org.bitweb.store.StateDir;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The engine a browser's bridge starts runs {@code bitweb --home DIR serve --background} without
 * picocli ({@link BackgroundEngine}): it must be that run, option for option.
 */
class BackgroundEngineTest {
    @TempDir
    Path tmp;

    @Test
    void isServeInTheBackgroundWithEveryOptionAtItsDefault() throws Exception {
        var parsed = Main.commandLine(InProcess.nowhere()).parseArgs("--home", tmp.toString(), "serve", "--background");
        ServeCommand fromTheCommandLine = (ServeCommand) parsed.subcommand().commandSpec().userObject();
        ServeCommand background = ServeCommand.background();
        List<String> differ = new ArrayList<>();
        compare(ServeCommand.class, fromTheCommandLine, background, "", differ);
        compare(NetworkOptions.class, fromTheCommandLine.network, background.network, "network.", differ);
        assertEquals(List.of(), differ, "options that differ from 'serve --background'");
        assertTrue(background.background);
    }

    @Test
    void anythingButTheStateFolderIsAMistake() {
        // (the run itself is the e2e suite's: every browser there starts its engine this way)
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream print = new PrintStream(err, true, StandardCharsets.UTF_8);
        Streams streams = new Streams(new ByteArrayInputStream(new byte[0]), print, print, err, Map.of(), "Linux");
        assertEquals(Outcome.USAGE.status, BackgroundEngine.run(new String[] {"--home", "x", "--gateway-port", "0"}, streams));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("bitweb serve"), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void takesTheLockAndListensOnTheGatewaysPortBeforeItsLoggingIsSetUp() throws Exception {
        // A page asked for once the port listens waits for the engine; before, it is refused.
        // Setting up logging first (a class with a logger touched on the way) put ~100 ms of
        // refusals in front of the port. The child JVM's class-loading log shows the order.
        List<String> lines = probe(tmp.resolve("state"));
        int listening = lines.indexOf("PROBE listening true");
        assertTrue(listening > 0, "the port listened: " + lines.stream().filter(l -> l.startsWith("PROBE")).toList());
        List<String> loggingFirst = lines.subList(0, listening).stream().filter(BackgroundEngineTest::isLogging).toList();
        assertTrue(loggingFirst.isEmpty(), loggingFirst.size() + " logging classes loaded before the port listened, the first: "
                + loggingFirst.stream().limit(3).toList());
        assertTrue(lines.subList(listening, lines.size()).stream().anyMatch(BackgroundEngineTest::isLogging),
                "the class-loading log shows logging once it is set up (else this test could not see it)");
    }

    @Test
    void leavesTheGatewaysPortAloneWhileAnotherEngineHoldsTheLock() throws Exception {
        // A service's engine starting at login holds the lock and is about to bind the port: the
        // bridge's engine, which will give way to it, must not hold the port meanwhile.
        StateDir state = new StateDir(tmp.resolve("state"));
        try (EngineLock starting = EngineLock.tryAcquire(state).orElseThrow()) {
            List<String> lines = probe(state.root());
            assertTrue(lines.contains("PROBE listening false"), lines.stream().filter(l -> l.startsWith("PROBE")).toList().toString());
        }
    }

    /** The first acts in a child JVM with its class-loading log, on {@code state}: its stdout's lines. */
    private static List<String> probe(Path state) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xshare:auto", "-XX:TieredStopAtLevel=1", "-verbose:class",
                "-cp", System.getProperty("java.class.path"), FirstActProbe.class.getName(), state.toString()));
        Process probe = new ProcessBuilder(command).redirectErrorStream(true).start();
        try (var out = probe.inputReader(StandardCharsets.UTF_8)) {
            return out.lines().toList();
        } finally {
            assertTrue(probe.waitFor(60, java.util.concurrent.TimeUnit.SECONDS), "the probe ended");
        }
    }

    private static boolean isLogging(String classLoadLine) {
        return classLoadLine.contains(" org.slf4j.") || classLoadLine.contains(" ch.qos.logback.");
    }

    /** Adds each instance field (picocli's and ours, not the injected spec) that differs between a and b. */
    private static void compare(Class<?> type, Object a, Object b, String prefix, List<String> differ) throws Exception {
        for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
            for (Field f : c.getDeclaredFields()) {
                if (Modifier.isStatic(f.getModifiers()) || f.getName().equals("spec") || f.getName().equals("network")) {
                    continue;
                }
                f.setAccessible(true);
                if (!Objects.equals(f.get(a), f.get(b))) {
                    differ.add(prefix + f.getName() + ": " + f.get(a) + " vs " + f.get(b));
                }
            }
        }
    }
}
