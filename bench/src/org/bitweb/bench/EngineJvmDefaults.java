package org.bitweb.bench;

import org.bitweb.engine.EngineJvm;
import org.bitweb.store.StateDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * How the gateway benchmarks start the engine's JVM: with the options the product starts it with
 * ({@link EngineJvm}: heap cap, class-data sharing archive in the engine's state folder) unless
 * {@code --engine-jvm} says otherwise, plus {@code BENCH_ENGINE_JVM_EXTRA} (e.g. a JFR recording),
 * on the class path {@code bench.engineClassPath} (run.sh: the product's shaded jar and a jar of
 * the benchmarks, since classes in folders cannot be archived).
 */
final class EngineJvmDefaults {
    /** The product's options, chosen at each start (the archive exists or not). */
    static final List<String> PRODUCT = List.of("product");

    private EngineJvmDefaults() {
    }

    static List<String> get() {
        return PRODUCT;
    }

    static String classPath() {
        return System.getProperty("bench.engineClassPath", System.getProperty("java.class.path"));
    }

    /**
     * The engine class path with the product's jar replaced by {@code jar} (another build's
     * {@code native-host/target/bitweb.jar}), the benchmarks' own jar kept.
     */
    static String classPathWith(String jar) {
        List<String> entries = new ArrayList<>(List.of(classPath().split(java.io.File.pathSeparator)));
        entries.set(0, Path.of(jar).toAbsolutePath().toString());
        return String.join(java.io.File.pathSeparator, entries);
    }

    /** The options for one start of the engine on {@code home}. */
    static List<String> resolve(List<String> chosen, Path home) {
        return resolve(chosen, home, classPath());
    }

    /** The same, for an engine run from {@code classPath} (its class-data archive is named by it). */
    static List<String> resolve(List<String> chosen, Path home, String classPath) {
        List<String> options = new ArrayList<>(chosen == PRODUCT
                ? EngineJvm.options(new StateDir(home), classPath) : chosen);
        String extra = System.getenv("BENCH_ENGINE_JVM_EXTRA");
        if (extra != null && !extra.isBlank()) {
            options.addAll(List.of(extra.trim().split("\\s+")));
        }
        return options;
    }

    static String describe(List<String> chosen) {
        return chosen == PRODUCT ? "the product's (" + String.join(" ", EngineJvm.options(new StateDir(Path.of("/x")),
                "none")) + " + class-data sharing archive)" : chosen.isEmpty() ? "none" : String.join(" ", chosen);
    }

    /**
     * Copies the class-data archive an earlier engine wrote in {@code template}'s cache folder
     * into {@code home}'s, as a user's engine has it from its earlier runs.
     */
    static void copyArchive(Path template, Path home) throws java.io.IOException {
        java.nio.file.Files.createDirectories(home.resolve("cache"));
        try (var files = java.nio.file.Files.list(template.resolve("cache"))) {
            for (Path f : files.toList()) {
                java.nio.file.Files.copy(f, home.resolve("cache").resolve(f.getFileName()));
            }
        }
    }
}
