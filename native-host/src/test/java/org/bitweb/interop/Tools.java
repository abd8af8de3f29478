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
        return assumeBinary(binary, debianPackage, System.getenv());
    }

    /** {@link #assumeBinary(String, String)} under the environment {@code env} (tests of the rule itself). */
    static Path assumeBinary(String binary, String debianPackage, Map<String, String> env) {
        require(binary, () -> which(binary).isPresent() ? Optional.empty()
                : Optional.of(binary + " not on PATH (apt-get install " + debianPackage + ")"), env);
        return which(binary).orElseThrow();
    }

    /** Skips (or fails) unless the npm package bittorrent-dht is installed in src/test/node. */
    public static void assumeBittorrentDht() {
        Path node = Path.of("src/test/node").toAbsolutePath();
        require("bittorrent-dht", () -> Files.isDirectory(node.resolve("node_modules/bittorrent-dht")) ? Optional.empty()
                : Optional.of("bittorrent-dht is not installed: run 'npm ci' in " + node + " (scripts/install-test-deps.sh does)"));
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
        require(what, probe, System.getenv());
    }

    static void require(String what, java.util.function.Supplier<Optional<String>> probe, Map<String, String> env) {
        Optional<String> missing = PROBES.computeIfAbsent(what, k -> probe.get());
        if (missing.isPresent()) {
            missing(missing.get(), env);
        }
    }

    /**
     * The one rule for a test that cannot run here (a client, a tool, the testnet): it fails under
     * {@code BITWEB_INTEROP_REQUIRED=1} (CI, where it must run) and is skipped, saying why, elsewhere.
     * Call it before anything that could skip the test for another reason, so a missing tool is
     * never hidden behind a skip.
     */
    public static void missing(String why) {
        missing(why, System.getenv());
    }

    public static void missing(String why, Map<String, String> env) {
        if (required(env)) {
            Assertions.fail("BITWEB_INTEROP_REQUIRED=1 but " + why);
        }
        // surefire shows a class aborted in @BeforeAll as "Tests run: 0" without the reason: say it here
        System.err.println("[interop] SKIPPED: " + why);
        Assumptions.abort("cannot run here, test skipped: " + why);
    }

    /** Whether this run must run every interop and testnet test (CI installs what they need). */
    static boolean required(Map<String, String> env) {
        return "1".equals(env.get("BITWEB_INTEROP_REQUIRED"));
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
