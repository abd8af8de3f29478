package org.bitweb.bench;

import org.bitweb.engine.EngineJvm;
import org.bitweb.site.Publisher;
import org.bitweb.store.SiteStore;
import org.bitweb.store.StateDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Locale;

/**
 * An engine seeding many sites, idle (issue 16): how long it takes to be ready, and what it holds
 * once settled: resident memory, threads, CPU. Each count runs in an engine process of its own
 * ({@code bitweb serve}, DHT and LAN discovery off), started on a state folder that already holds
 * that many tiny published sites; "ready" is from the process's start to its engine.json.
 *
 * <p>-Dbench.sites=0,100,1000 -Dbench.settle=40 (s after ready) -Dbench.window=20 (s of CPU)
 * -Dbench.variants="before=-Dbitweb.bt.messageLoop=false,-Xmx256m;after=product": engines started with
 * these JVM options (commas between them: run.sh splits BENCH_JAVA_OPTS at spaces), side by side for each count (the word {@code product} stands for the options
 * the product starts its engine with, {@link EngineJvm}); default: one engine with the product's.
 */
public final class SitesBench {
    public static void main(String[] args) throws Exception {
        List<Integer> counts = new ArrayList<>();
        for (String n : System.getProperty("bench.sites", "0,100,1000").split(",")) {
            counts.add(Integer.parseInt(n.trim()));
        }
        int settle = Integer.getInteger("bench.settle", 40);
        int window = Integer.getInteger("bench.window", 20);
        Path root = Files.createTempDirectory("bitweb-bench-sites-");
        Map<String, String> variants = new LinkedHashMap<>();
        for (String v : System.getProperty("bench.variants", "engine=product").split(";")) {
            int eq = v.indexOf('=');
            variants.put(v.substring(0, eq).trim(), v.substring(eq + 1).trim());
        }
        Table table = new Table("engine", "sites", "ready ms", "ready ratio", "RSS MB", "threads", "idle CPU % of a core");
        Map<String, Double> baseReady = new LinkedHashMap<>();
        try {
            for (int count : counts) {
                for (Map.Entry<String, String> variant : variants.entrySet()) {
                    Path home = root.resolve("home-" + count + "-" + variant.getKey());
                    publish(home, count, root.resolve("site-src"));
                    Measured m = run(home, jvmOptions(variant.getValue(), home), settle, window);
                    double base = baseReady.computeIfAbsent(variant.getKey(), k -> (double) m.readyMs);
                    table.row(variant.getKey(), count, m.readyMs, m.readyMs / base, m.rssKb / 1024, m.threads,
                            String.format(Locale.ROOT, "%.2f", m.cpuPercent));
                    System.err.printf("%s, %d sites: ready %d ms, RSS %d MB, %d threads, %.2f %% CPU%n",
                            variant.getKey(), count, m.readyMs, m.rssKb / 1024, m.threads, m.cpuPercent);
                }
            }
            for (Map.Entry<String, String> variant : variants.entrySet()) {
                System.err.println(variant.getKey() + ": " + String.join(" ", jvmOptions(variant.getValue(), root)));
            }
        } finally {
            Publisher.deleteTree(root);
        }
        table.print("Idle engine seeding N tiny sites (settled " + settle + " s, CPU over " + window
                + " s; ready ratio against the same engine's first row)");
    }

    /** A variant's JVM options: {@code product} expands to the product's ({@link EngineJvm}). */
    private static List<String> jvmOptions(String spec, Path home) {
        List<String> options = new ArrayList<>();
        for (String word : spec.split("[\\s,]+")) {
            if (word.equals("product")) {
                options.addAll(EngineJvm.options(new StateDir(home), System.getProperty("java.class.path")));
            } else if (!word.isEmpty()) {
                options.add(word);
            }
        }
        return options;
    }

    /** Publishes {@code count} one-page sites into a fresh state folder, as site.publish would. */
    private static void publish(Path home, int count, Path scratch) throws IOException {
        StateDir dir = new StateDir(home);
        dir.create();
        SiteStore store = SiteStore.open(dir);
        for (int i = 0; i < count; i++) {
            Path folder = Files.createDirectories(scratch.resolve("site-" + i));
            Files.writeString(folder.resolve("index.html"), "<h1>site " + i + "</h1>");
            Publisher.publish(dir, store, folder, Publisher.Progress.NONE);
            Publisher.deleteTree(folder);
        }
    }

    private record Measured(long readyMs, long rssKb, int threads, double cpuPercent) {
    }

    private static Measured run(Path home, List<String> jvm, int settle, int window) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(java));
        command.addAll(jvm);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), "org.bitweb.cli.Main",
                "--home", home.toString(), "serve", "--gateway-port", "0", "--peer-port", "0", "--no-dht", "--no-lan", "--no-port-mapping"));
        long start = System.nanoTime();
        Process engine = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(home.resolve("engine.out").toFile()).start();
        try {
            Path info = home.resolve("engine.json");
            while (!Files.exists(info)) {
                if (!engine.isAlive()) {
                    throw new IOException("the engine exited: " + Files.readString(home.resolve("engine.out")));
                }
                Thread.sleep(5); // a poll interval; the measured time is when the file appeared
            }
            long readyMs = (System.nanoTime() - start) / 1_000_000;
            Thread.sleep(settle * 1000L);
            long cpuBefore = cpuTicks(engine.pid());
            long wallBefore = System.nanoTime();
            Thread.sleep(window * 1000L);
            long cpuAfter = cpuTicks(engine.pid());
            double seconds = (System.nanoTime() - wallBefore) / 1e9;
            double cpu = (cpuAfter - cpuBefore) / 100.0 / seconds * 100; // USER_HZ is 100 on Linux
            return new Measured(readyMs, status(engine.pid(), "VmRSS"), (int) status(engine.pid(), "Threads"), cpu);
        } finally {
            engine.destroy();
            engine.waitFor();
        }
    }

    /** utime + stime of a process, in clock ticks. */
    private static long cpuTicks(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
    }

    /** A number from /proc/PID/status (kB for sizes). */
    private static long status(long pid, String key) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
            if (line.startsWith(key + ":")) {
                return Long.parseLong(line.substring(key.length() + 1).trim().split("\\s+")[0]);
            }
        }
        throw new IOException(key + " not in /proc/" + pid + "/status");
    }
}
