package org.bitweb.cli;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * What a command reads and writes: the process's own streams and environment, or a test's.
 *
 * @param rawOut the real stdout, for the host's native-messaging frames ({@code out} prints text to it)
 * @param os     the name of the operating system, as {@code os.name} says it
 */
record Streams(InputStream in, PrintStream out, PrintStream err, OutputStream rawOut, Map<String, String> env, String os) {
    /**
     * This process's: stdout is the file descriptor itself, not {@code System.out}, which host mode
     * points at stderr so that no library's print reaches the native-messaging channel.
     */
    static Streams ofThisProcess() {
        OutputStream stdout = new FileOutputStream(FileDescriptor.out);
        return new Streams(System.in, new PrintStream(stdout, true, StandardCharsets.UTF_8), System.err, stdout,
                System.getenv(), System.getProperty("os.name"));
    }
}
