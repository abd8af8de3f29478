package org.bitweb.cli;

import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.util.Map;

/**
 * What a command reads and writes: the process's own streams and environment, or a test's.
 *
 * @param rawOut the real stdout, for the host's native-messaging frames ({@code out} prints text to it)
 * @param os     the name of the operating system, as {@code os.name} says it
 */
record Streams(InputStream in, PrintStream out, PrintStream err, OutputStream rawOut, Map<String, String> env, String os) {
}
