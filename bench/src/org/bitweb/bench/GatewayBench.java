package org.bitweb.bench;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * The gateway under concurrent load beside nginx, in one run: the same 13 KB page and 50 MB file,
 * wrk with 64 and 256 keep-alive connections, each server started fresh for its "first run after
 * start" figures and measured again warm; the engine's RSS and threads sampled throughout. Each
 * figure is a set of runs, nginx and BitWeb (and each variant) one right after the other, so that
 * a shared machine's changing load falls on all; the table gives the medians over the rounds.
 *
 * <pre>bench/run.sh gateway [--runs 1] [--seconds 5] [--connections 64,256] [--page-kb 13] [--file-mb 50]
 *                       [--engine-jvm "-Xmx..."]  (default: the options the product starts its engine with)
 *                       [--variant NAME="-XX:..."]...  (more engines, with these JVM options added, measured alongside;
 *                                   "jar:PATH" among them runs that engine from another build's bitweb.jar)
 *                       [--rss-cap-mb 320]  (the engine's peak RSS under load above this fails the run; 0: no cap)
 *                       [--cold-pause-ms 0]  (between a server's first page and its first run's load: the
 *                                   reader's pause after a start, in which the engine's gateway warms up)</pre>
 */
public final class GatewayBench {

    private record Figure(String file, int connections, boolean cold) {
    }

    /** One server measured in every figure: nginx, BitWeb, or BitWeb with added JVM options. */
    private record Contender(String name, Supplier<Servers.Server> start) {
    }

    public static void main(String[] args) throws Exception {
        Options o = new Options(args);
        Path temp = Files.createTempDirectory("bitweb-gatewaybench");
        try {
            Path site = Files.createDirectories(temp.resolve("site"));
            byte[] page = new byte[o.pageKb * 1024];
            Arrays.fill(page, (byte) 'x');
            byte[] head = "<!doctype html><title>bench</title><h1>bench</h1><p>".getBytes(StandardCharsets.US_ASCII);
            System.arraycopy(head, 0, page, 0, head.length);
            Files.write(site.resolve("index.html"), page);
            byte[] big = new byte[o.fileMb * 1024 * 1024];
            new Random(7).nextBytes(big);
            Files.write(site.resolve("big.bin"), big);
            Servers.readableByAll(site);

            Path home = temp.resolve("engine");
            String address = Servers.publish(home, site, o.engineJvm);
            List<Contender> contenders = new ArrayList<>();
            contenders.add(new Contender("nginx", () -> unchecked(() -> Servers.nginx(temp.resolve("nginx"), site))));
            contenders.add(new Contender("BitWeb", () -> unchecked(() -> Servers.engine(home, o.engineJvm, List.of(),
                    EngineJvmDefaults.classPath(), "BitWeb", address))));
            for (Map.Entry<String, List<String>> v : o.variants.entrySet()) {
                // a home of its own (a copy): engines warm side by side
                Path own = temp.resolve("engine-" + v.getKey());
                copy(home, own);
                List<String> added = new ArrayList<>();
                String classPath = EngineJvmDefaults.classPath();
                for (String option : v.getValue()) {
                    if (option.startsWith("jar:")) {
                        classPath = EngineJvmDefaults.classPathWith(option.substring(4));
                    } else {
                        added.add(option);
                    }
                }
                String cp = classPath;
                contenders.add(new Contender(v.getKey(), () -> unchecked(() -> Servers.engine(own, o.engineJvm,
                        added, cp, v.getKey(), address))));
            }
            for (Contender c : contenders) {
                verify(c.start, page, big);
            }

            List<Figure> figures = new ArrayList<>();
            for (boolean cold : List.of(true, false)) {
                for (String file : List.of("index.html", "big.bin")) {
                    for (int c : o.connections) {
                        figures.add(new Figure(file, c, cold));
                    }
                }
            }
            Map<String, Memory> memory = new LinkedHashMap<>();
            contenders.forEach(c -> memory.put(c.name, new Memory()));
            int n = contenders.size();
            // per figure, one array per round: the contenders' results, in the contenders' order
            Map<Figure, List<Wrk.Result[]>> sets = new LinkedHashMap<>();
            for (int round = 0; round < o.runs; round++) {
                // the other developers' load moves: each figure is measured as a set, one server
                // right after the other, the first of the set rotating by round
                int first = round % n;
                for (Figure f : figures) {
                    if (f.cold) {
                        Wrk.Result[] set = new Wrk.Result[n];
                        for (int i = 0; i < n; i++) {
                            int k = (first + i) % n;
                            try (Servers.Server server = contenders.get(k).start.get()) {
                                Memory m = memory.get(contenders.get(k).name);
                                m.started(server);
                                if (o.coldPauseMs > 0) {
                                    Thread.sleep(o.coldPauseMs); // the reader's pause being modelled, not a wait for a condition
                                }
                                m.beforeLoad(server);
                                Sampler sampler = new Sampler(server, m);
                                set[k] = run(server, f, o, temp);
                                sampler.stop();
                            }
                        }
                        sets.computeIfAbsent(f, key -> new ArrayList<>()).add(set);
                    }
                }
                List<Servers.Server> warm = new ArrayList<>();
                List<Sampler> samplers = new ArrayList<>();
                try {
                    for (Contender c : contenders) {
                        Servers.Server server = c.start.get();
                        warm.add(server);
                        memory.get(c.name).started(server);
                        samplers.add(new Sampler(server, memory.get(c.name)));
                    }
                    for (Figure warmUp : List.of(new Figure("index.html", o.connections[0], false),
                            new Figure("big.bin", o.connections[0], false))) {
                        for (Servers.Server server : warm) {
                            run(server, warmUp, o, temp); // the JIT and the caches are warm from here on
                        }
                    }
                    for (Figure f : figures) {
                        if (!f.cold) {
                            Wrk.Result[] set = new Wrk.Result[n];
                            for (int i = 0; i < n; i++) {
                                int k = (first + i) % n;
                                set[k] = run(warm.get(k), f, o, temp);
                            }
                            sets.computeIfAbsent(f, key -> new ArrayList<>()).add(set);
                        }
                    }
                    for (Sampler sampler : samplers) {
                        sampler.stop();
                    }
                } finally {
                    for (Servers.Server server : warm) {
                        server.close();
                    }
                }
            }

            List<String> columns = new ArrayList<>(List.of("figure (" + o.seconds + " s of wrk, median of " + o.runs
                    + (n > 2 ? " sets)" : " pairs)"), "BitWeb", "nginx", "BitWeb/nginx", "BitWeb p99 ms", "nginx p99 ms"));
            for (int k = 2; k < n; k++) {
                columns.add(contenders.get(k).name + "/nginx");
                columns.add(contenders.get(k).name + " p99 ms");
            }
            Table table = new Table(columns.toArray(String[]::new));
            for (Figure f : figures) {
                boolean page1 = f.file.equals("index.html");
                List<Wrk.Result[]> runs = sets.get(f);
                double bv = median(runs.stream().mapToDouble(p -> value(p[1], page1)).toArray());
                double nv = median(runs.stream().mapToDouble(p -> value(p[0], page1)).toArray());
                String what = (page1 ? o.pageKb + " KB page" : o.fileMb + " MB file") + ", " + f.connections
                        + " conn, " + (f.cold ? (o.coldPauseMs > 0 ? "first run " + o.coldPauseMs / 1000.0 + " s after start"
                        : "first run after start") : "warm") + (page1 ? " (req/s)" : " (GB/s)");
                List<Object> row = new ArrayList<>(List.of(what,
                        page1 ? String.format("%,.0f", bv) : String.format("%.2f", bv),
                        page1 ? String.format("%,.0f", nv) : String.format("%.2f", nv),
                        ratio(runs, 1, page1),
                        median(runs.stream().mapToDouble(p -> p[1].p99Ms()).toArray()),
                        median(runs.stream().mapToDouble(p -> p[0].p99Ms()).toArray())));
                for (int k = 2; k < n; k++) {
                    int kk = k;
                    row.add(ratio(runs, k, page1));
                    row.add(median(runs.stream().mapToDouble(p -> p[kk].p99Ms()).toArray()));
                }
                table.row(row.toArray());
            }
            table.print("Gateway under load beside nginx (" + Runtime.getRuntime().availableProcessors()
                    + " cores, loopback, wrk keep-alive; ratio = median of the sets' ratios, > 1: BitWeb ahead)");

            Table mem = new Table("server", "start to first page (ms, median)", "CPU from spawn to first run's load (s, median)",
                    "RSS idle (MB)", "RSS peak under load (MB)", "threads idle", "threads peak");
            for (int k = 0; k < n; k++) {
                // BitWeb first, as in the table above
                String name = contenders.get(k == 0 ? 1 : k == 1 ? 0 : k).name;
                Memory m = memory.get(name);
                mem.row(name, Table.percentile(m.startNanos, 50), String.format("%.2f", median(
                        m.cpuBeforeLoad.stream().mapToDouble(Double::doubleValue).toArray())), m.idleRss, m.peakRss, m.idleThreads, m.peakThreads);
            }
            mem.print("Start and memory (RSS summed over the process tree; engine JVM options: "
                    + EngineJvmDefaults.describe(o.engineJvm) + (o.variants.isEmpty() ? "" : "; variants add "
                    + o.variants) + ")");
            if (o.rssCapMb > 0) {
                for (int k = 1; k < n; k++) {
                    double peak = memory.get(contenders.get(k).name).peakRss;
                    if (peak > o.rssCapMb) {
                        throw new IllegalStateException(contenders.get(k).name + "'s peak RSS under load, "
                                + String.format("%.0f", peak) + " MB, is above the cap of " + o.rssCapMb + " MB");
                    }
                }
                System.out.println("\nPeak RSS of every engine within the cap of " + o.rssCapMb + " MB.");
            }
        } finally {
            try (var walk = Files.walk(temp)) {
                walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /** The median over the rounds of contender {@code k}'s figure over nginx's (index 0). */
    private static double ratio(List<Wrk.Result[]> runs, int k, boolean requests) {
        return median(runs.stream().mapToDouble(p -> value(p[k], requests) / value(p[0], requests)).toArray());
    }

    private static void copy(Path from, Path to) throws java.io.IOException {
        try (var walk = Files.walk(from)) {
            for (Path p : (Iterable<Path>) walk::iterator) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target, java.nio.file.StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
    }

    private static Wrk.Result run(Servers.Server server, Figure f, Options o, Path temp) throws Exception {
        Wrk.Result r = Wrk.run(server, f.file, f.connections, o.seconds, temp).check(server.name() + " " + f);
        System.err.printf("%s %s: %.0f req/s, %.2f GB/s, p99 %.1f ms%n", server.name(), f, r.requestsPerSecond(),
                r.bytesPerSecond() / 1e9, r.p99Ms());
        return r;
    }

    private static double value(Wrk.Result r, boolean requests) {
        return requests ? r.requestsPerSecond() : r.bytesPerSecond() / 1e9;
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    /** Each file is served whole and right by both servers before anything is timed. */
    private static void verify(Supplier<Servers.Server> start, byte[] page, byte[] big) throws Exception {
        try (Servers.Server server = start.get()) {
            check(Arrays.equals(page, Servers.HttpProbe.get(server, "index.html", 30_000).body()), server.name() + " page");
            check(Arrays.equals(big, Servers.HttpProbe.get(server, "big.bin", 30_000).body()), server.name() + " file");
        }
    }

    static void check(boolean ok, String what) {
        if (!ok) {
            throw new IllegalStateException("benchmark result is wrong: " + what);
        }
    }

    interface Call<T> {
        T call() throws Exception;
    }

    static <T> T unchecked(Call<T> call) {
        try {
            return call.call();
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** RSS and threads: at rest after start, and the highest seen while under load. */
    static final class Memory {
        final List<Long> startNanos = new ArrayList<>();
        final List<Double> cpuBeforeLoad = new ArrayList<>();
        double idleRss;
        double peakRss;
        int idleThreads;
        int peakThreads;

        synchronized void started(Servers.Server server) {
            startNanos.add((long) (server.startMillis() * 1e6));
            idle(server.rssMb(), server.threads());
        }

        /** The process's CPU time from its spawn to the start of its first run's load. */
        synchronized void beforeLoad(Servers.Server server) {
            cpuBeforeLoad.add(server.cpuSeconds());
        }

        synchronized void idle(double rss, int threads) {
            idleRss = Math.max(idleRss, rss);
            idleThreads = Math.max(idleThreads, threads);
            sample(rss, threads);
        }

        synchronized void sample(double rss, int threads) {
            peakRss = Math.max(peakRss, rss);
            peakThreads = Math.max(peakThreads, threads);
        }
    }

    /** Samples a server's RSS and threads every 100 ms until stopped. */
    static final class Sampler {
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final Thread thread;

        Sampler(Servers.Server server, Memory memory) {
            thread = new Thread(() -> {
                while (running.get() && server.process().isAlive()) {
                    memory.sample(server.rssMb(), server.threads());
                    try {
                        Thread.sleep(100); // a sampling period, not a wait for a condition
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }, "rss-sampler");
            thread.setDaemon(true);
            thread.start();
        }

        void stop() throws InterruptedException {
            running.set(false);
            thread.interrupt();
            thread.join();
        }
    }

    private static final class Options {
        int runs = 1;
        int seconds = 5;
        int[] connections = {64, 256};
        int pageKb = 13;
        int fileMb = 50;
        List<String> engineJvm = EngineJvmDefaults.get();
        Map<String, List<String>> variants = new LinkedHashMap<>();
        int rssCapMb = 320;
        int coldPauseMs = 0;

        Options(String[] args) {
            for (int i = 0; i < args.length; i++) {
                String value = i + 1 < args.length ? args[i + 1] : "";
                switch (args[i]) {
                    case "--runs" -> runs = Integer.parseInt(value);
                    case "--seconds" -> seconds = Integer.parseInt(value);
                    case "--connections" -> connections = Arrays.stream(value.split(",")).mapToInt(Integer::parseInt).toArray();
                    case "--page-kb" -> pageKb = Integer.parseInt(value);
                    case "--file-mb" -> fileMb = Integer.parseInt(value);
                    case "--engine-jvm" -> engineJvm = value.isBlank() ? List.of() : List.of(value.trim().split("\\s+"));
                    case "--variant" -> {
                        int eq = value.indexOf('=');
                        if (eq <= 0 || value.substring(0, eq).equals("BitWeb") || value.substring(0, eq).equals("nginx")) {
                            throw new IllegalArgumentException("--variant NAME=\"JVM options\", not " + value);
                        }
                        variants.put(value.substring(0, eq), List.of(value.substring(eq + 1).trim().split("\\s+")));
                    }
                    case "--rss-cap-mb" -> rssCapMb = Integer.parseInt(value);
                    case "--cold-pause-ms" -> coldPauseMs = Integer.parseInt(value);
                    default -> throw new IllegalArgumentException("unknown option " + args[i]);
                }
                i++;
            }
        }
    }
}
