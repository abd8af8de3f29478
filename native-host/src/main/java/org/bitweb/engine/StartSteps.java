package org.bitweb.engine;

/**
 * How long each step of an engine's start took, for its "engine up" log line: a visit that starts
 * the engine waits for all of it (docs/TUNING.md, "A visit that starts the engine").
 */
final class StartSteps {
    private final StringBuilder text = new StringBuilder();
    private final long first = System.nanoTime();
    private long last = first;

    void done(String step) {
        long now = System.nanoTime();
        text.append(text.length() == 0 ? "" : ", ").append(step).append(' ').append((now - last) / 1_000_000).append(" ms");
        last = now;
    }

    @Override
    public String toString() {
        return "start " + (last - first) / 1_000_000 + " ms: " + text;
    }
}
