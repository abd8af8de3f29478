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
 * figure is a pair of runs, nginx and BitWeb one right after the other, so that a shared
 * machine's changing load falls on both; the table gives the medians over the rounds.
 *
 * <pre>bench/run.sh gateway [--runs 1] [--seconds 5] [--connections 64,256] [--page-kb 13] [--file-mb 50]
 *                       [--engine-jvm "-Xmx..."]  (default: the options the product starts its engine with)</pre>
 */
public final class GatewayBench {

    private record Figure(String file, int connections, boolean cold) {
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
            Supplier<Servers.Server> bitweb = () -> unchecked(() -> Servers.engine(home, o.engineJvm, address));
            Supplier<Servers.Server> nginx = () -> unchecked(() -> Servers.nginx(temp.resolve("nginx"), site));
            verify(bitweb, page, big);
            verify(nginx, page, big);

            List<Figure> figures = new ArrayList<>();
            for (boolean cold : List.of(true, false)) {
                for (String file : List.of("index.html", "big.bin")) {
                    for (int c : o.connections) {
                        figures.add(new Figure(file, c, cold));
                    }
                }
            }
            Map<String, Memory> memory = Map.of("BitWeb", new Memory(), "nginx", new Memory());
            Map<Figure, List<Wrk.Result[]>> pairs = new LinkedHashMap<>();
            for (int round = 0; round < o.runs; round++) {
                // the other developers' load moves: each figure is measured as a pair, nginx and
                // BitWeb one right after the other, the first of the pair alternating by round
                boolean nginxFirst = round % 2 == 0;
                for (Figure f : figures) {
                    if (f.cold) {
                        Wrk.Result[] pair = new Wrk.Result[2];
                        for (int i = 0; i < 2; i++) {
                            boolean isNginx = (i == 0) == nginxFirst;
                            try (Servers.Server server = (isNginx ? nginx : bitweb).get()) {
                                String name = server.name();
                                memory.get(name).started(server);
                                Sampler sampler = new Sampler(server, memory.get(name));
                                pair[isNginx ? 1 : 0] = run(server, f, o, temp);
                                sampler.stop();
                            }
                        }
                        pairs.computeIfAbsent(f, k -> new ArrayList<>()).add(pair);
                    }
                }
                try (Servers.Server b = bitweb.get(); Servers.Server n = nginx.get()) {
                    memory.get("BitWeb").started(b);
                    memory.get("nginx").started(n);
                    Sampler sb = new Sampler(b, memory.get("BitWeb"));
                    Sampler sn = new Sampler(n, memory.get("nginx"));
                    for (Figure warmUp : List.of(new Figure("index.html", o.connections[0], false),
                            new Figure("big.bin", o.connections[0], false))) {
                        run(b, warmUp, o, temp); // the JIT and the caches are warm from here on
                        run(n, warmUp, o, temp);
                    }
                    for (Figure f : figures) {
                        if (!f.cold) {
                            Wrk.Result[] pair = new Wrk.Result[2];
                            for (int i = 0; i < 2; i++) {
                                boolean isNginx = (i == 0) == nginxFirst;
                                pair[isNginx ? 1 : 0] = run(isNginx ? n : b, f, o, temp);
                            }
                            pairs.computeIfAbsent(f, k -> new ArrayList<>()).add(pair);
                        }
                    }
                    sb.stop();
                    sn.stop();
                }
            }

            Table table = new Table("figure (" + o.seconds + " s of wrk, median of " + o.runs + " pairs)", "BitWeb",
                    "nginx", "BitWeb/nginx", "BitWeb p99 ms", "nginx p99 ms");
            for (Figure f : figures) {
                boolean page1 = f.file.equals("index.html");
                List<Wrk.Result[]> runs = pairs.get(f);
                double bv = median(runs.stream().mapToDouble(p -> value(p[0], page1)).toArray());
                double nv = median(runs.stream().mapToDouble(p -> value(p[1], page1)).toArray());
                double ratio = median(runs.stream().mapToDouble(p -> value(p[0], page1) / value(p[1], page1)).toArray());
                String what = (page1 ? o.pageKb + " KB page" : o.fileMb + " MB file") + ", " + f.connections
                        + " conn, " + (f.cold ? "first run after start" : "warm") + (page1 ? " (req/s)" : " (GB/s)");
                table.row(what, page1 ? String.format("%,.0f", bv) : String.format("%.2f", bv),
                        page1 ? String.format("%,.0f", nv) : String.format("%.2f", nv), ratio,
                        median(runs.stream().mapToDouble(p -> p[0].p99Ms()).toArray()),
                        median(runs.stream().mapToDouble(p -> p[1].p99Ms()).toArray()));
            }
            table.print("Gateway under load beside nginx (" + Runtime.getRuntime().availableProcessors()
                    + " cores, loopback, wrk keep-alive; ratio = median of the pairs' ratios, > 1: BitWeb ahead)");

            Table mem = new Table("server", "start to first page (ms, median)", "RSS idle (MB)", "RSS peak under load (MB)",
                    "threads idle", "threads peak");
            for (String name : List.of("BitWeb", "nginx")) {
                Memory m = memory.get(name);
                mem.row(name, Table.percentile(m.startNanos, 50), m.idleRss, m.peakRss, m.idleThreads, m.peakThreads);
            }
            mem.print("Start and memory (RSS summed over the process tree; engine JVM options: "
                    + EngineJvmDefaults.describe(o.engineJvm) + ")");
        } finally {
            try (var walk = Files.walk(temp)) {
                walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
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
        double idleRss;
        double peakRss;
        int idleThreads;
        int peakThreads;

        synchronized void started(Servers.Server server) {
            startNanos.add((long) (server.startMillis() * 1e6));
            idle(server.rssMb(), server.threads());
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
                    default -> throw new IllegalArgumentException("unknown option " + args[i]);
                }
                i++;
            }
        }
    }
}
