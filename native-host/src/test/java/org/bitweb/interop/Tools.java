package org.bitweb.interop;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

import java.io.File;
import java.io.IOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Finds the external clients the interop tests drive, and skips a test (with the reason and the
 * package to install) when one is missing. With {@code BITWEB_INTEROP_REQUIRED=1} in the
 * environment (CI installs the clients) a missing client fails the test instead of skipping it,
 * so a broken CI image cannot turn the interop suite silently green.
 */
public final class Tools {
    /** Debian's python: it has python3-libtorrent, unlike a pyenv python earlier on PATH. */
    public static final String PYTHON = Optional.ofNullable(System.getenv("BITWEB_INTEROP_PYTHON")).orElse("/usr/bin/python3");

    private static final Map<String, Optional<String>> PROBES = new ConcurrentHashMap<>();

    private Tools() {
    }

    /** Skips (or fails, see the class comment) unless python3-libtorrent imports. */
    public static void assumeLibtorrent() {
        require("libtorrent", () -> {
            if (!Files.isExecutable(Path.of(PYTHON))) {
                return Optional.of(PYTHON + " not found (apt-get install python3 python3-libtorrent, or set BITWEB_INTEROP_PYTHON)");
            }
            return run(List.of(PYTHON, "-c", "import libtorrent; assert libtorrent.__version__ >= '2'"),
                    "python3-libtorrent 2.x does not import in " + PYTHON + " (apt-get install python3-libtorrent)");
        });
    }

    /** Skips (or fails) unless {@code binary} is on PATH; returns its path. */
    public static Path assumeBinary(String binary, String debianPackage) {
        require(binary, () -> which(binary).isPresent() ? Optional.empty()
                : Optional.of(binary + " not on PATH (apt-get install " + debianPackage + ")"));
        return which(binary).orElseThrow();
    }

    public static Optional<Path> which(String binary) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(File.pathSeparator)) {
            Path candidate = Path.of(dir, binary);
            if (Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    /** A script of {@code src/test/resources/interop}, as a file (test resources are a folder, not a jar). */
    public static Path script(String name) {
        URL url = Tools.class.getResource("/interop/" + name);
        if (url == null) {
            throw new IllegalStateException("interop/" + name + " is not on the test classpath");
        }
        try {
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Skips (or fails, see the class comment) when {@code probe} names something missing. */
    static void require(String what, java.util.function.Supplier<Optional<String>> probe) {
        Optional<String> missing = PROBES.computeIfAbsent(what, k -> probe.get());
        if (missing.isEmpty()) {
            return;
        }
        if ("1".equals(System.getenv("BITWEB_INTEROP_REQUIRED"))) {
            Assertions.fail("BITWEB_INTEROP_REQUIRED=1 but " + missing.get());
        }
        // surefire shows a class aborted in @BeforeAll as "Tests run: 0" without the reason: say it here
        System.err.println("[interop] SKIPPED, client missing: " + missing.get());
        Assumptions.abort("interop client missing, test skipped: " + missing.get());
    }

    private static Optional<String> run(List<String> command, String whyNot) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            p.getOutputStream().close();
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return Optional.of(whyNot + ": probe timed out");
            }
            String output = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).strip();
            return p.exitValue() == 0 ? Optional.empty() : Optional.of(whyNot + (output.isEmpty() ? "" : ": " + Proc.tail(output, 3)));
        } catch (IOException e) {
            return Optional.of(whyNot + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.of(whyNot + ": interrupted");
        }
    }
}
