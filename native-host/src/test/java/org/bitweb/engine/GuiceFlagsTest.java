package org.bitweb.engine;

import com.google.inject.internal.InternalFlags;
import org.bitweb.store.StateDir;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.OutputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Guice builds bt's runtime without generating classes or walking stacks (Swarm), which takes
 * a start's slowest step down by about 80 ms. Guice reads its flags once, when its first class
 * initializes, so this starts an engine in a JVM of its own, as every real start is (in this
 * JVM, a test's stock bt runtime may have reached Guice first): it fails if anything on the
 * start's path reaches Guice before the engine sets them, or if Guice stops reading them.
 */
class GuiceFlagsTest {
    @TempDir
    Path temp;

    /** Starts an engine, prints Guice's flags as it saw them. */
    public static final class StartAndTell {
        public static void main(String[] args) throws Exception {
            try (Engine engine = Engine.start(new StateDir(Path.of(args[0])), new EngineOptions(0, 0, InetAddress.getLoopbackAddress()))) {
                System.out.println("flags: bytecode-gen=" + InternalFlags.isBytecodeGenEnabled()
                        + " stack-traces=" + InternalFlags.getIncludeStackTraceOption());
            }
        }
    }

    @Test
    void btsRuntimeIsBuiltWithoutGeneratedClassesOrStackWalks() throws Exception {
        List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), StartAndTell.class.getName(),
                temp.resolve("state").toString());
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        try (OutputStream ignored = p.getOutputStream()) {
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the engine's JVM ended");
            assertEquals(0, p.exitValue(), out);
            assertTrue(out.contains("flags: bytecode-gen=false stack-traces=OFF"), out);
        }
    }
}
