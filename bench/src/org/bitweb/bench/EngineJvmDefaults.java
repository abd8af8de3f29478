package org.bitweb.bench;

import java.util.ArrayList;
import java.util.List;

/**
 * The JVM options of the engine process the gateway benchmarks start: what the product starts its
 * engine with, plus {@code BENCH_ENGINE_JVM_EXTRA} (e.g. a JFR recording) when set.
 */
final class EngineJvmDefaults {
    private EngineJvmDefaults() {
    }

    static List<String> get() {
        List<String> options = new ArrayList<>();
        String extra = System.getenv("BENCH_ENGINE_JVM_EXTRA");
        if (extra != null && !extra.isBlank()) {
            options.addAll(List.of(extra.trim().split("\\s+")));
        }
        return options;
    }
}
