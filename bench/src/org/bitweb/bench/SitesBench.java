package org.bitweb.bench;

import org.bitweb.site.Publisher;
import org.bitweb.store.SiteStore;
import org.bitweb.store.StateDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * An engine seeding many sites, idle (issue 16): how long it takes to be ready, and what it holds
 * once settled: resident memory, threads, CPU. Each count runs in an engine process of its own
 * ({@code bitweb serve}, DHT and LAN discovery off), started on a state folder that already holds
 * that many tiny published sites; "ready" is from the process's start to its engine.json.
 *
 * <p>-Dbench.sites=0,100,1000 -Dbench.settle=40 (s after ready) -Dbench.window=20 (s of CPU)
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
        Table table = new Table("sites", "ready ms", "ready ratio", "RSS MB", "threads", "idle CPU % of a core");
        double baseReady = 0;
        try {
            for (int count : counts) {
                Path home = root.resolve("home-" + count);
                publish(home, count, root.resolve("site-src"));
                Measured m = run(home, settle, window);
                if (baseReady == 0) {
                    baseReady = m.readyMs;
                }
                table.row(count, m.readyMs, m.readyMs / baseReady, m.rssKb / 1024, m.threads,
                        String.format(Locale.ROOT, "%.2f", m.cpuPercent));
                System.err.printf("%d sites: ready %d ms, RSS %d MB, %d threads, %.2f %% CPU%n",
                        count, m.readyMs, m.rssKb / 1024, m.threads, m.cpuPercent);
            }
        } finally {
            Publisher.deleteTree(root);
        }
        table.print("Idle engine seeding N tiny sites (settled " + settle + " s, CPU over " + window
                + " s; ready ratio against the first row)");
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

    private static Measured run(Path home, int settle, int window) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = List.of(java, "-cp", System.getProperty("java.class.path"), "org.bitweb.cli.Main",
                "--home", home.toString(), "serve", "--gateway-port", "0", "--peer-port", "0", "--no-dht", "--no-lan", "--no-port-mapping");
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
