package org.bitweb.interop;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * An external client run by a test: stdout and stderr go to files (so a failure can show them and
 * nothing blocks on a full pipe), stdin stays open until {@link #close()} (our Python fixtures
 * stop when it closes, so they die with the JVM too). Closing kills the whole process tree.
 */
public final class Proc implements AutoCloseable {
    private final String name;
    private final Process process;
    private final Path out;
    private final Path err;
    private final OutputStream stdin;

    private Proc(String name, Process process, Path out, Path err) {
        this.name = name;
        this.process = process;
        this.out = out;
        this.err = err;
        this.stdin = process.getOutputStream();
    }

    /** Starts {@code command} with its output in {@code logDir/<name>.out} and {@code .err}. */
    public static Proc start(String name, List<String> command, Path logDir) throws IOException {
        Files.createDirectories(logDir);
        Path out = logDir.resolve(name + ".out");
        Path err = logDir.resolve(name + ".err");
        ProcessBuilder pb = new ProcessBuilder(command)
                .redirectOutput(out.toFile())
                .redirectError(err.toFile())
                .redirectInput(ProcessBuilder.Redirect.PIPE);
        pb.environment().put("PYTHONUNBUFFERED", "1");
        pb.environment().put("PYTHONDONTWRITEBYTECODE", "1"); // no __pycache__ in the source or classes tree
        return new Proc(name, pb.start(), out, err);
    }

    public String stdout() {
        return read(out);
    }

    public String stderr() {
        return read(err);
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** Waits for the exit code; empty when still running at the deadline. */
    public Optional<Integer> waitFor(Duration timeout) throws InterruptedException {
        if (process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            return Optional.of(process.exitValue());
        }
        return Optional.empty();
    }

    /**
     * Polls stdout until a line matches, the process exits or the deadline passes.
     *
     * @return the first matching line, or empty
     */
    public Optional<String> awaitLine(Predicate<String> match, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Optional<String> line = stdout().lines().filter(match).findFirst();
            boolean alive = process.isAlive();
            if (line.isPresent() || !alive || System.nanoTime() > deadline) {
                return line.isPresent() ? line : alive ? Optional.empty() : stdout().lines().filter(match).findFirst();
            }
            Thread.sleep(50);
        }
    }

    /** What a failure message needs: the exit state and the last lines of both outputs. */
    public String diagnostics() {
        String state = process.isAlive() ? "still running" : "exit " + process.exitValue();
        return name + " (" + state + ")\n--- stdout (tail) ---\n" + tail(stdout(), 40)
                + "\n--- stderr (tail) ---\n" + tail(stderr(), 60);
    }

    /** Closes stdin (our fixtures stop on that), then terminates and finally kills the process tree. */
    @Override
    public void close() {
        try {
            stdin.close();
        } catch (IOException ignored) {
            // the process is gone already
        }
        try {
            if (!process.waitFor(3, TimeUnit.SECONDS)) {
                process.descendants().forEach(ProcessHandle::destroy);
                process.destroy();
                if (!process.waitFor(5, TimeUnit.SECONDS)) {
                    process.descendants().forEach(ProcessHandle::destroyForcibly);
                    process.destroyForcibly();
                    process.waitFor(5, TimeUnit.SECONDS);
                }
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    /** Ends the process at once, for clients that never exit by themselves. */
    public void terminate() {
        process.descendants().forEach(ProcessHandle::destroy);
        process.destroy();
        close();
    }

    static String tail(String text, int lines) {
        // progress lines from some clients end with '\r' only
        List<String> all = text.replace('\r', '\n').lines().filter(l -> !l.isBlank()).toList();
        return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    }

    private static String read(Path file) {
        try {
            // lenient decoding: clients print whatever bytes they like
            return Files.exists(file) ? new String(Files.readAllBytes(file), StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            return "(cannot read " + file + ": " + e + ")";
        }
    }
}
