package org.bitweb.bench;

import org.bitweb.address.SiteAddress;
import org.bitweb.engine.Engine;
import org.bitweb.engine.EngineOptions;
import org.bitweb.gateway.SiteSource;
import org.bitweb.interop.BitwebSeeder;
import org.bitweb.interop.LibtorrentDownload;
import org.bitweb.interop.LibtorrentPeer;
import org.bitweb.interop.SiteFixture;
import org.bitweb.store.StateDir;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

/**
 * Whole-site download by a BitWeb engine, against libtorrent to libtorrent, trials interleaved so
 * that every row sees the same machine load; prints medians.
 *
 * <pre>bench/run.sh engine [--size-mb 200] [--trials 5] [--from-libtorrent] [--to-libtorrent] [--only-engine]
 *     [--variant NAME:prop=value,prop=value ...] [--no-base] [--cpu] [--keep]</pre>
 *
 * Each downloading engine is a fresh one (its own state folder) in this JVM, started before the
 * clock runs; the clock runs from asking for the site by infohash (file list by BEP 9 included)
 * to its last verified piece. A variant sets system properties (say -Dbitweb.bt.*) while its
 * engines start, its seeder and each of its downloaders, so engine settings are compared side by
 * side in one run; "base" is the engine as it is. With --from-libtorrent each variant also
 * downloads from a libtorrent seeder, with --to-libtorrent libtorrent downloads from each
 * variant's seeder; --cpu logs each download's phases and where its CPU time went.
 */
public final class EngineBench {
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    public static void main(String[] args) throws Exception {
        long sizeMb = 200;
        int trials = 5;
        boolean keep = false;
        boolean fromLibtorrent = false;
        boolean onlyEngine = false;
        Map<String, Map<String, String>> variants = new LinkedHashMap<>();
        variants.put("base", Map.of());
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--size-mb" -> sizeMb = Long.parseLong(args[++i]);
                case "--trials" -> trials = Integer.parseInt(args[++i]);
                case "--keep" -> keep = true;
                case "--from-libtorrent" -> fromLibtorrent = true;
                case "--to-libtorrent" -> toLibtorrent = true;
                case "--only-engine" -> onlyEngine = true;
                case "--cpu" -> cpu = true;
                case "--no-base" -> variants.remove("base");
                case "--variant" -> {
                    String[] nameProps = args[++i].split(":", 2);
                    Map<String, String> props = new LinkedHashMap<>();
                    if (nameProps.length > 1 && !nameProps[1].isEmpty()) {
                        for (String kv : nameProps[1].split(",")) {
                            String[] p = kv.split("=", 2);
                            props.put(p[0], p.length > 1 ? p[1] : "true");
                        }
                    }
                    variants.put(nameProps[0], props);
                }
                default -> throw new IllegalArgumentException("unknown argument " + args[i]
                        + " (see the class comment of EngineBench)");
            }
        }
        Path work = Files.createTempDirectory(Path.of("/tmp"), "bitweb-bench-");
        try {
            run(work, sizeMb, trials, fromLibtorrent, onlyEngine, variants);
        } finally {
            if (keep) {
                System.err.println("kept " + work);
            } else {
                ThroughputBench.deleteTree(work);
            }
        }
        System.exit(0);
    }

    private static void run(Path work, long sizeMb, int trials, boolean fromLibtorrent, boolean onlyEngine,
                            Map<String, Map<String, String>> variants) throws Exception {
        Path site = SiteFixture.makeBulkSite(work.resolve("src"), "bench-site", sizeMb << 20, 42);
        Path warmSite = SiteFixture.makeBulkSite(work.resolve("src"), "warm-up", 32 << 20, 7);
        Map<String, List<Double>> rates = new LinkedHashMap<>();
        long bytes;
        // one seeder engine per variant, started with the variant's settings like its downloader
        Map<String, BitwebSeeder> seeders = new LinkedHashMap<>();
        try {
            for (var v : variants.entrySet()) {
                seeders.put(v.getKey(), withProperties(v.getValue(),
                        () -> BitwebSeeder.publish(site, work.resolve("state-" + seeders.size()))));
            }
            BitwebSeeder first = seeders.values().iterator().next();
            Path torrent = first.torrent();
            var info = org.bitweb.torrent.TorrentInfo.parseTorrent(Files.readAllBytes(torrent));
            bytes = info.totalSize();
            log("site %s: %d MB, %d KiB pieces", first.infohash(), sizeMb, info.pieceLength() / 1024);
            SiteAddress address = SiteAddress.parseLabel(first.infohash());

            // warm-up: JIT and class loading, once per variant
            for (var v : variants.entrySet()) {
                BitwebSeeder seeder = seeders.get(v.getKey());
                String warm = seeder.engine().publish(warmSite, org.bitweb.site.Publisher.Progress.NONE).address();
                download(work.resolve("warm"), SiteAddress.parseLabel(warm), List.of(seeder.peerAddress()), v.getValue(), 32L << 20);
            }
            log("warmed up");

            LibtorrentPeer lt = fromLibtorrent || !onlyEngine
                    ? LibtorrentPeer.seedTorrent(torrent, first.dataRoot(), work.resolve("logs"), Duration.ofMinutes(3))
                    : null;
            try {
                for (int t = 0; t < trials; t++) {
                    if (!onlyEngine) {
                        Path save = work.resolve("dl");
                        LibtorrentDownload.Result r = LibtorrentDownload.run(torrent, save, List.of(lt.address()),
                                LibtorrentDownload.Encryption.DISABLED, Duration.ofMinutes(5), work.resolve("logs"));
                        ThroughputBench.deleteTree(save);
                        double rate = r.ok() ? bytes / 1e6 / r.seconds() : Double.NaN;
                        add(rates, "libtorrent -> libtorrent", rate);
                    }
                    for (var v : variants.entrySet()) {
                        BitwebSeeder seeder = seeders.get(v.getKey());
                        seederPort = seeder.peerAddress().getPort();
                        // a variant's own site: a publishing setting (bitweb.publish.*) makes another torrent
                        SiteAddress own = SiteAddress.parseLabel(seeder.infohash());
                        add(rates, "engine -> engine " + v.getKey(),
                                download(work.resolve("v"), own, List.of(seeder.peerAddress()), v.getValue(), bytes));
                        if (fromLibtorrent) {
                            add(rates, "libtorrent -> engine " + v.getKey(),
                                    download(work.resolve("v"), address, List.of(lt.address()), v.getValue(), bytes));
                        }
                        if (toLibtorrent) {
                            Path save = work.resolve("dl");
                            LibtorrentDownload.Result r = LibtorrentDownload.run(torrent, save, List.of(seeder.peerAddress()),
                                    LibtorrentDownload.Encryption.DISABLED, Duration.ofMinutes(5), work.resolve("logs"));
                            ThroughputBench.deleteTree(save);
                            add(rates, "engine " + v.getKey() + " -> libtorrent", r.ok() ? bytes / 1e6 / r.seconds() : Double.NaN);
                        }
                    }
                }
            } finally {
                if (lt != null) {
                    lt.close();
                }
            }
        } finally {
            seeders.values().forEach(BitwebSeeder::close);
        }
        double reference = rates.containsKey("libtorrent -> libtorrent")
                ? median(rates.get("libtorrent -> libtorrent")) : Double.NaN;
        System.out.printf(Locale.ROOT, "%nWhole-site download of %d MB on loopback, %d trials interleaved (MB/s)%n%n",
                sizeMb, trials);
        System.out.printf(Locale.ROOT, "| %-40s | %7s | %7s | %7s | %8s | %s%n", "seeder -> downloader", "median", "min",
                "max", "vs lt-lt", "trials");
        System.out.printf(Locale.ROOT, "|%s|%s|%s|%s|%s|---%n", "-".repeat(42), "-".repeat(9), "-".repeat(9),
                "-".repeat(9), "-".repeat(10));
        for (var e : rates.entrySet()) {
            List<Double> all = e.getValue();
            StringBuilder each = new StringBuilder();
            for (double r : all) {
                each.append(String.format(Locale.ROOT, "%.0f ", r));
            }
            long failed = all.stream().filter(d -> d.isNaN()).count();
            System.out.printf(Locale.ROOT, "| %-40s | %7.1f | %7.1f | %7.1f | %8.2f | %s%s%n", e.getKey(), median(all),
                    all.stream().filter(d -> !d.isNaN()).mapToDouble(d -> d).min().orElse(Double.NaN),
                    all.stream().filter(d -> !d.isNaN()).mapToDouble(d -> d).max().orElse(Double.NaN),
                    median(all) / reference, each.toString().trim(),
                    failed > 0 ? " (" + failed + " failed or stalled 60 s, left out of the median)" : "");
        }
        for (var v : variants.entrySet()) {
            System.out.println(v.getKey() + " = " + (v.getValue().isEmpty() ? "the engine as it is" : v.getValue()));
        }
    }

    private static void add(Map<String, List<Double>> rates, String row, double rate) {
        rates.computeIfAbsent(row, k -> new ArrayList<>()).add(rate);
        log("%s: %.1f MB/s", row, rate);
    }

    /** A fresh engine with {@code props} set while it starts downloads the whole site; MB/s. */
    private static double download(Path home, SiteAddress site, List<InetSocketAddress> peers, Map<String, String> props,
                                   long bytes) throws Exception {
        Engine visitor = withProperties(props, () -> Engine.start(new StateDir(home), new EngineOptions(0, 0, LOOPBACK)));
        Map<String, Long> cpuBefore = cpu ? threadCpu() : null;
        long machineBefore = cpu ? machineCpu() : 0;
        long started = System.nanoTime();
        try {
            long start = System.nanoTime();
            SiteSource.Lookup lookup = visitor.fetch(site, peers, Duration.ofSeconds(30));
            if (!(lookup instanceof SiteSource.Lookup.Ready)) {
                log("not ready: %s", lookup);
                return Double.NaN;
            }
            visitor.keepWholeSite(site);
            long ready = System.nanoTime();
            long deadline = start + Duration.ofSeconds(60).toNanos();
            long[] marks = new long[4]; // first piece, 10%, 50%, 90%
            double[] at = {1e-9, 0.1, 0.5, 0.9};
            double done;
            while ((done = visitor.completion(site).orElse(0.0)) < 1.0) {
                if (System.nanoTime() > deadline) {
                    log("stalled at %.3f", done);
                    return Double.NaN;
                }
                for (int i = 0; i < marks.length; i++) {
                    if (marks[i] == 0 && done >= at[i]) {
                        marks[i] = System.nanoTime();
                    }
                }
                Thread.sleep(10);
            }
            long end = System.nanoTime();
            double seconds = (end - start) / 1e9;
            if (cpu) {
                StringBuilder phases = new StringBuilder(String.format(Locale.ROOT, "file list %.2f s", (ready - start) / 1e9));
                String[] names = {"1st piece", "10%", "50%", "90%"};
                for (int i = 0; i < marks.length; i++) {
                    phases.append(String.format(Locale.ROOT, ", %s %.2f", names[i], ((marks[i] == 0 ? end : marks[i]) - start) / 1e9));
                }
                log("%s, all %.2f s", phases, seconds);
            }
            return bytes / 1e6 / seconds;
        } finally {
            if (cpu) {
                reportCpu(cpuBefore, threadCpu(), machineCpu() - machineBefore, (System.nanoTime() - started) / 1e9);
            }
            visitor.close();
            ThroughputBench.deleteTree(home);
        }
    }

    /** --cpu: where the CPU time of each download went, per thread of this JVM (from /proc). */
    private static boolean cpu;
    private static boolean toLibtorrent;
    private static int seederPort;

    private static Map<String, Long> threadCpu() {
        Map<String, Long> ticks = new java.util.HashMap<>();
        try (var tasks = Files.list(Path.of("/proc/self/task"))) {
            for (Path task : (Iterable<Path>) tasks::iterator) {
                try {
                    String stat = Files.readString(task.resolve("stat"));
                    String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
                    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    long t = Long.parseLong(f[11]) + Long.parseLong(f[12]);
                    if (!Character.isDigit(name.charAt(0)) && !name.startsWith("bt.") && !name.equals("java")) {
                        ticks.merge(task.getFileName() + " " + name, t, Long::sum); // VM threads: GC, JIT
                    }
                    ticks.merge("0 (jvm total)", t, Long::sum);
                } catch (java.io.IOException | RuntimeException e) {
                    // the thread ended
                }
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        var mx = java.lang.management.ManagementFactory.getThreadMXBean();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            long ns = mx.getThreadCpuTime(t.getId());
            if (ns > 0) {
                // ports in names (bt's "41997.bt.net...") tell the engines apart: seeder's port is fixed
                ticks.merge(t.getId() + " " + t.getName().replace(String.valueOf(seederPort), "S")
                        .replaceAll("^\\d+\\.", "V.").replaceAll("-\\d+$", ""), ns / 10_000_000, Long::sum);
            }
        }
        return ticks;
    }

    /** Busy ticks of the whole machine (all processes), from /proc/stat. */
    private static long machineCpu() {
        try {
            String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
            long busy = 0;
            for (int i = 1; i < f.length; i++) {
                if (i != 4 && i != 5) { // idle, iowait
                    busy += Long.parseLong(f[i]);
                }
            }
            return busy;
        } catch (java.io.IOException e) {
            return 0;
        }
    }

    private static void reportCpu(Map<String, Long> before, Map<String, Long> after, long machine, double seconds) {
        Map<String, Long> byName = new java.util.TreeMap<>();
        long total = 0;
        for (var e : after.entrySet()) {
            long d = e.getValue() - before.getOrDefault(e.getKey(), 0L);
            if (d > 0 && !e.getKey().startsWith("0 ")) {
                String name = e.getKey().substring(e.getKey().indexOf(' ') + 1);
                byName.merge(name, d, Long::sum);
                total += d;
            }
        }
        total = after.get("0 (jvm total)") - before.get("0 (jvm total)");
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT,
                "cpu over %.2f s: this JVM %.2f s, machine %.2f s (of %d cores);", seconds, total / 100.0, machine / 100.0,
                Runtime.getRuntime().availableProcessors()));
        byName.entrySet().stream().sorted((a, b) -> Long.compare(b.getValue(), a.getValue())).limit(18)
                .forEach(e -> sb.append(String.format(Locale.ROOT, " [%s] %.2f", e.getKey(), e.getValue() / 100.0)));
        log("%s", sb);
    }

    interface Start<T> {
        T start() throws Exception;
    }

    /** Starts something with {@code props} set as system properties, then puts them back. */
    private static synchronized <T> T withProperties(Map<String, String> props, Start<T> start) throws Exception {
        Properties saved = (Properties) System.getProperties().clone();
        try {
            props.forEach(System::setProperty);
            return start.start();
        } finally {
            System.setProperties(saved);
        }
    }

    static double median(List<Double> values) {
        List<Double> sorted = values.stream().filter(d -> !d.isNaN()).sorted().toList();
        if (sorted.isEmpty()) {
            return Double.NaN;
        }
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    private static void log(String format, Object... args) {
        System.err.printf(Locale.ROOT, "bench: " + format + "%n", args);
    }
}
