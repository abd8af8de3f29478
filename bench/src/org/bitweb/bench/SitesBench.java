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
 *
 * <p>-Dbench.dht=testnet: the engines run with the DHT on, each on an address of its own in the
 * project's 16-node DHT testnet (docs/DHT.md; run.sh then starts this JVM in the testnet's
 * namespace), announcing their sites there. Two more words in a variant then: {@code no-dht} (that
 * engine runs with the DHT off) and {@code cp:PATH} (the engine runs from PATH first, another
 * build's classes: a before and an after in one run).
 *
 * <p>{@code jfr:FILE} in a variant records that engine's CPU window with Flight Recorder (its
 * "profile" settings, started and stopped with jcmd at the window's ends) into
 * FILE-home-COUNT-VARIANT.jfr; read it with {@code jfr print --events jdk.ExecutionSample}. The recording costs
 * the engine some CPU of its own: compare figures without it.
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
        Table table = new Table("engine", "sites", "ready ms", "ready ratio", "RSS MB", "threads", "idle CPU % of a core",
                "of which JIT %", "of which DHT threads %", "UDP datagrams/s (namespace)");
        Map<String, Double> baseReady = new LinkedHashMap<>();
        boolean dht = "testnet".equals(System.getProperty("bench.dht"));
        org.bitweb.dht.Testnet testnet = null;
        if (dht) {
            testnet = org.bitweb.dht.Testnet.start(16);
            testnet.awaitRoutingTables(org.bitweb.dht.DhtNode.HEALTHY_TABLE, java.time.Duration.ofSeconds(30));
        }
        try {
            for (int count : counts) {
                for (Map.Entry<String, String> variant : variants.entrySet()) {
                    Path home = root.resolve("home-" + count + "-" + variant.getKey());
                    publish(home, count, root.resolve("site-src"));
                    Measured m = run(home, variant.getValue(), testnet, settle, window);
                    double base = baseReady.computeIfAbsent(variant.getKey(), k -> (double) m.readyMs);
                    table.row(variant.getKey(), count, m.readyMs, m.readyMs / base, m.rssKb / 1024, m.threads,
                            String.format(Locale.ROOT, "%.2f", m.cpuPercent), String.format(Locale.ROOT, "%.2f", m.jitPercent),
                            String.format(Locale.ROOT, "%.2f", m.dhtPercent), String.format(Locale.ROOT, "%.1f", m.udpPerSecond));
                    System.err.printf("%s, %d sites: ready %d ms, RSS %d MB, %d threads, %.2f %% CPU%n",
                            variant.getKey(), count, m.readyMs, m.rssKb / 1024, m.threads, m.cpuPercent);
                }
            }
            for (Map.Entry<String, String> variant : variants.entrySet()) {
                System.err.println(variant.getKey() + ": " + String.join(" ", jvmOptions(variant.getValue(), root)));
            }
        } finally {
            Publisher.deleteTree(root);
            if (testnet != null) {
                testnet.close();
            }
        }
        table.print("Idle engine seeding N tiny sites (settled " + settle + " s, CPU over " + window
                + " s; ready ratio against the same engine's first row" + (dht ? "; DHT on, in a 16-node testnet, unless no-dht" : "") + ")");
    }

    /** A variant's JVM options: {@code product} expands to the product's ({@link EngineJvm}). */
    private static List<String> jvmOptions(String spec, Path home) {
        List<String> options = new ArrayList<>();
        for (String word : spec.split("[\\s,]+")) {
            if (word.equals("product")) {
                options.addAll(EngineJvm.options(new StateDir(home), classPath(spec)));
            } else if (word.equals("no-dht") || word.startsWith("cp:") || word.startsWith("jfr:")) {
                continue; // not JVM options: see run
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

    /**
     * @param udpPerSecond UDP datagrams sent in this JVM's network namespace a second over the
     *                     window: with the DHT testnet, the engine's DHT requests and the testnet
     *                     nodes' answers (and their own upkeep, a few a second); elsewhere the
     *                     whole machine's
     * @param jitPercent   of cpuPercent, the JIT compiler threads' (code still being compiled)
     * @param dhtPercent   of cpuPercent, the DHT node's threads' (mldht's selector, the node's
     *                     scheduler where lookups and announces run, its event thread)
     */
    private record Measured(long readyMs, long rssKb, int threads, double cpuPercent, double udpPerSecond,
                            double jitPercent, double dhtPercent) {
    }

    /** The engine's class path: this JVM's, after the variant's {@code cp:PATH} if it has one. */
    private static String classPath(String spec) {
        String own = System.getProperty("java.class.path");
        for (String word : spec.split("[\\s,]+")) {
            if (word.startsWith("cp:")) {
                return word.substring(3) + java.io.File.pathSeparator + own;
            }
        }
        return own;
    }

    private static Measured run(Path home, String spec, org.bitweb.dht.Testnet testnet, int settle, int window) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(java));
        command.addAll(jvmOptions(spec, home));
        command.addAll(List.of("-cp", classPath(spec), "org.bitweb.cli.Main",
                "--home", home.toString(), "serve", "--gateway-port", "0", "--peer-port", "0", "--no-lan", "--no-port-mapping"));
        java.net.InetAddress address = null;
        if (testnet == null || List.of(spec.split("[\\s,]+")).contains("no-dht")) {
            command.add("--no-dht");
        } else {
            address = org.bitweb.dht.Testnet.allocateAddress();
            command.addAll(List.of("--peer-bind", address.getHostAddress(), "--dht-bootstrap",
                    String.join(",", testnet.bootstrapNodes().stream().map(b -> b.host() + ":" + b.port()).toList())));
        }
        try {
            String jfr = null;
            for (String word : spec.split("[\\s,]+")) {
                if (word.startsWith("jfr:")) {
                    jfr = word.substring(4) + "-" + home.getFileName() + ".jfr";
                }
            }
            return measure(home, command, settle, window, jfr);
        } finally {
            if (address != null) {
                org.bitweb.dht.Testnet.releaseAddress(address);
            }
        }
    }

    private static Measured measure(Path home, List<String> command, int settle, int window, String jfr) throws Exception {
        long start = System.nanoTime();
        ProcessBuilder builder = new ProcessBuilder(command);
        if (!command.contains("--no-dht")) {
            builder.environment().remove("BITWEB_DHT"); // test shells switch it off; this engine is in the testnet
        }
        Process engine = builder.redirectErrorStream(true)
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
            if (jfr != null) {
                jcmd(engine.pid(), "JFR.start", "name=bench", "settings=profile");
            }
            long cpuBefore = cpuTicks(engine.pid());
            Map<String, Long> threadsBefore = threadTicks(engine.pid());
            long udpBefore = udpSent();
            long wallBefore = System.nanoTime();
            Thread.sleep(window * 1000L);
            long cpuAfter = cpuTicks(engine.pid());
            Map<String, Long> threadsAfter = threadTicks(engine.pid());
            long udpAfter = udpSent();
            if (jfr != null) {
                jcmd(engine.pid(), "JFR.stop", "name=bench", "filename=" + jfr);
            }
            double seconds = (System.nanoTime() - wallBefore) / 1e9;
            double cpu = (cpuAfter - cpuBefore) / 100.0 / seconds * 100; // USER_HZ is 100 on Linux
            double jit = percent(threadsBefore, threadsAfter, seconds, "C1 CompilerThre", "C2 CompilerThre");
            double dht = percent(threadsBefore, threadsAfter, seconds, "dht-", "mlDHT");
            return new Measured(readyMs, status(engine.pid(), "VmRSS"), (int) status(engine.pid(), "Threads"), cpu,
                    (udpAfter - udpBefore) / seconds, jit, dht);
        } finally {
            engine.destroy();
            engine.waitFor();
        }
    }

    /** Runs the JDK's jcmd against the engine, failing the bench if it fails. */
    private static void jcmd(long pid, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                Long.toString(pid)));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (p.waitFor() != 0) {
            throw new IOException("jcmd " + String.join(" ", args) + ": " + out);
        }
    }

    /** UDP datagrams sent in this network namespace so far (/proc/net/snmp, "Udp: OutDatagrams"). */
    private static long udpSent() throws IOException {
        List<String> lines = Files.readAllLines(Path.of("/proc/net/snmp"));
        for (int i = 0; i + 1 < lines.size(); i++) {
            if (lines.get(i).startsWith("Udp:") && lines.get(i + 1).startsWith("Udp:")) {
                List<String> names = List.of(lines.get(i).split("\\s+"));
                return Long.parseLong(lines.get(i + 1).split("\\s+")[names.indexOf("OutDatagrams")]);
            }
        }
        throw new IOException("no Udp line in /proc/net/snmp");
    }

    /** CPU, % of a core, of the threads whose name starts with one of {@code prefixes}, between two {@link #threadTicks}. */
    private static double percent(Map<String, Long> before, Map<String, Long> after, double seconds, String... prefixes) {
        long ticks = 0;
        for (Map.Entry<String, Long> e : after.entrySet()) {
            for (String prefix : prefixes) {
                if (e.getKey().substring(e.getKey().indexOf(' ') + 1).startsWith(prefix)) {
                    ticks += e.getValue() - before.getOrDefault(e.getKey(), 0L);
                    break;
                }
            }
        }
        return ticks / 100.0 / seconds * 100;
    }

    /** utime + stime of each live thread of a process, in clock ticks, keyed "TID NAME" (the name cut at 15 characters). */
    private static Map<String, Long> threadTicks(long pid) throws IOException {
        Map<String, Long> ticks = new LinkedHashMap<>();
        try (var tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
            for (Path task : tasks.toList()) {
                try {
                    String stat = Files.readString(task.resolve("stat"));
                    String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
                    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    ticks.put(task.getFileName() + " " + name, Long.parseLong(fields[11]) + Long.parseLong(fields[12]));
                } catch (IOException gone) {
                    // the thread ended meanwhile
                }
            }
        }
        return ticks;
    }

    /** utime + stime of a process, in clock ticks. */
    static long cpuTicks(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
    }

    /** A number from /proc/PID/status (kB for sizes). */
    static long status(long pid, String key) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
            if (line.startsWith(key + ":")) {
                return Long.parseLong(line.substring(key.length() + 1).trim().split("\\s+")[0]);
            }
        }
        throw new IOException(key + " not in /proc/" + pid + "/status");
    }
}
