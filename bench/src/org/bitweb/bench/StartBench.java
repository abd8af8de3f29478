package org.bitweb.bench;

import org.bitweb.engine.EngineJvm;
import org.bitweb.site.Publisher;
import org.bitweb.store.StateDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An engine's start, as a visit that starts the engine waits for it (issue 16, docs/TUNING.md "A
 * visit that starts the engine"): from launching {@code java} with the product's JVM options
 * ({@link EngineJvm#options}, class-data archive included) to the "engine up" line in its log,
 * and that line's own step times. Jars side by side, their starts interleaved, each with a state
 * folder and archive of its own; the first start of each writes the archive and is not counted.
 *
 * <p>bench/run.sh start [--trials 10] [--dht] [--no-archive] [--floor] [--jar NAME=PATH]... [--variant NAME="-XX:..."]...
 * [--java NAME=JAVA_HOME]... [--java-class-data NAME=JAVA_HOME]... (default: this build's jar). --floor adds
 * {@link JvmFloor}, a JVM that only listens on a port, started the same way (the engine's options,
 * an archive of its own) and interleaved with the others: what no engine start can go below. With --dht the engine starts its DHT node (any address, a free
 * port, no bootstrap nodes, so nothing is sent); without it, --no-dht. With --no-archive each jar
 * is also started with the base options alone, no class-data archive (what {@code bitweb serve}
 * and the service ran with before the command line's launcher gave them one), interleaved with
 * the others. Each --variant starts each jar once more with these JVM options added after the
 * product's (a later option wins), in a state folder and archive of its own. Each --java starts
 * each jar once more with that Java and the options the engine gets on it (Java 25 and later: an
 * AOT cache instead of the class-data archive); --java-class-data with that Java and the class-data
 * archive, as before.
 * The engine's CPU (user + system, from /proc) is read at the moment "engine up" is seen: on two
 * cores the JIT's compiler threads and the start compete for the same CPUs.
 */
public final class StartBench {
    private static final Pattern UP = Pattern.compile("engine up: .*; start (\\d+) ms: (.*)$");
    private static final Pattern STEP = Pattern.compile("([a-z ()]+?) (\\d+) ms");

    private record Start(long launchToUpMs, long engineStartMs, long btRuntimeMs, long cpuMs) {
    }

    /** One kind of start: a jar, with or without its archive, with JVM options added, run by a Java; or the JVM floor. */
    private record Variant(Path jar, boolean archive, List<String> extra, Java java, boolean floor) {
        Variant(Path jar, boolean archive, List<String> extra, Java java) {
            this(jar, archive, extra, java, false);
        }
    }

    /** A Java runtime to run the engine with: its home and the feature version its options are chosen for (17, 25). */
    private record Java(Path home, int feature) {
        static Java current() {
            return new Java(Path.of(System.getProperty("java.home")), Runtime.version().feature());
        }

        /** From its home's {@code release} file (JAVA_VERSION="25.0.3"). */
        static Java at(Path home) throws IOException {
            Matcher m = Pattern.compile("(?m)^JAVA_VERSION=\"(\\d+)").matcher(Files.readString(home.resolve("release")));
            if (!m.find()) {
                throw new IOException("no JAVA_VERSION in " + home.resolve("release"));
            }
            return new Java(home, Integer.parseInt(m.group(1)));
        }
    }

    public static void main(String[] args) throws Exception {
        int trials = 10;
        boolean dht = false;
        boolean noArchive = false;
        boolean floor = false;
        Map<String, Path> jars = new LinkedHashMap<>();
        Map<String, List<String>> options = new LinkedHashMap<>();
        Map<String, Java> javas = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--trials" -> trials = Integer.parseInt(args[++i]);
                case "--dht" -> dht = true;
                case "--no-archive" -> noArchive = true;
                case "--floor" -> floor = true;
                case "--jar" -> {
                    String[] named = args[++i].split("=", 2);
                    jars.put(named[0], Path.of(named[1]).toAbsolutePath());
                }
                case "--variant" -> {
                    String[] named = args[++i].split("=", 2);
                    options.put(named[0], List.of(named[1].trim().split("\\s+")));
                }
                case "--java" -> {
                    String[] named = args[++i].split("=", 2);
                    javas.put(named[0], Java.at(Path.of(named[1])));
                }
                case "--java-class-data" -> {
                    // that Java with the dynamic class-data archive, as before its AOT cache
                    String[] named = args[++i].split("=", 2);
                    Java java = Java.at(Path.of(named[1]));
                    javas.put(named[0], new Java(java.home(), 17));
                }
                default -> throw new IllegalArgumentException("unknown argument " + args[i]
                        + " (bench/run.sh start [--trials 10] [--dht] [--no-archive] [--floor] [--jar NAME=PATH]... [--variant NAME=\"-XX:...\"]... [--java NAME=JAVA_HOME]... [--java-class-data NAME=JAVA_HOME]...)");
            }
        }
        if (jars.isEmpty()) {
            jars.put("this", Path.of(System.getProperty("bench.engineClassPath").split(":")[0]));
        }
        // each start's JVM options: the product's (with the archive), or the base options alone
        Map<String, Variant> variants = new LinkedHashMap<>();
        for (Map.Entry<String, Path> jar : jars.entrySet()) {
            variants.put(jar.getKey(), new Variant(jar.getValue(), true, List.of(), Java.current()));
            if (noArchive) {
                variants.put(jar.getKey() + ", no archive", new Variant(jar.getValue(), false, List.of(), Java.current()));
            }
            for (Map.Entry<String, List<String>> o : options.entrySet()) {
                variants.put(jar.getKey() + ", " + o.getKey(), new Variant(jar.getValue(), true, o.getValue(), Java.current()));
            }
            for (Map.Entry<String, Java> java : javas.entrySet()) {
                variants.put(jar.getKey() + ", " + java.getKey(), new Variant(jar.getValue(), true, List.of(), java.getValue()));
            }
        }
        Path root = Files.createTempDirectory("bitweb-bench-start-");
        if (floor) {
            variants.put("the JVM floor (listens on a port, nothing else)",
                    new Variant(floorJar(root), true, List.of(), Java.current(), true));
        }
        Map<String, List<Start>> starts = new LinkedHashMap<>();
        try {
            for (int trial = 0; trial <= trials; trial++) {
                int n = 0;
                for (Map.Entry<String, Variant> jar : variants.entrySet()) {
                    StateDir home = new StateDir(root.resolve("home-" + n++)).create();
                    Start s = start(jar.getValue(), home, dht);
                    System.err.printf(Locale.ROOT, "%s, start %d%s: %d ms to engine up (Engine.start %d ms, bt runtime %d ms, CPU %d ms)%n",
                            jar.getKey(), trial, trial == 0 ? " (writes the archive, not counted)" : "",
                            s.launchToUpMs, s.engineStartMs, s.btRuntimeMs, s.cpuMs);
                    if (trial > 0) {
                        starts.computeIfAbsent(jar.getKey(), k -> new ArrayList<>()).add(s);
                    }
                }
            }
        } finally {
            Publisher.deleteTree(root);
        }
        Table table = new Table("jar", "launch -> engine up ms", "range", "Engine.start ms", "bt runtime ms",
                "CPU to up ms", "paired median, launch -> up", "faster in");
        List<Start> base = starts.values().iterator().next();
        for (Map.Entry<String, List<Start>> e : starts.entrySet()) {
            List<Start> mine = e.getValue();
            List<Long> diffs = new ArrayList<>();
            for (int i = 0; i < mine.size(); i++) {
                diffs.add(mine.get(i).launchToUpMs - base.get(i).launchToUpMs);
            }
            boolean first = mine == base;
            table.row(e.getKey(), median(mine, Start::launchToUpMs),
                    min(mine) + "-" + max(mine),
                    median(mine, Start::engineStartMs), median(mine, Start::btRuntimeMs), median(mine, Start::cpuMs),
                    first ? "-" : String.format(Locale.ROOT, "%+d ms", medianOf(diffs)),
                    first ? "-" : diffs.stream().filter(d -> d < 0).count() + " of " + diffs.size());
        }
        table.print(String.format(Locale.ROOT, "Engine start, %d interleaved starts of each jar, DHT %s (medians and range; paired against the first row)",
                trials, dht ? "on" : "off"));
    }

    /** One start: launched, waited for "engine up" (at most 60 s), stopped with SIGTERM (which writes the archive). */
    private static Start start(Variant variant, StateDir home, boolean dht) throws Exception {
        String jar = variant.jar().toString();
        List<String> command = new ArrayList<>();
        command.add(variant.java().home().resolve("bin").resolve("java").toString());
        command.addAll(variant.archive() ? EngineJvm.options(home, jar, variant.java().feature()) : EngineJvm.base());
        command.addAll(variant.extra());
        if (variant.floor()) {
            command.addAll(List.of("-cp", jar, JvmFloor.class.getName()));
        } else {
            command.addAll(List.of("-jar", jar, "serve", "--home=" + home.root(), "--gateway-port=0",
                    "--peer-port=0", "--no-lan", "--no-port-mapping"));
            command.addAll(dht ? List.of("--dht-port=0", "--dht-bootstrap=") : List.of("--no-dht"));
        }
        Path log = home.root().resolve("bench-start.log");
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().remove("BITWEB_DHT");
        builder.environment().put("BITWEB_LAN", "off");
        builder.environment().put("BITWEB_PORTMAP", "off");
        long t0 = System.nanoTime();
        Process p = builder.start();
        try {
            long deadline = t0 + TimeUnit.SECONDS.toNanos(60);
            while (true) {
                Matcher m = UP.matcher(upLine(log));
                if (m.find()) {
                    long upMs = (System.nanoTime() - t0) / 1_000_000;
                    long bt = -1;
                    for (Matcher step = STEP.matcher(m.group(2)); step.find(); ) {
                        if (step.group(1).trim().equals("bt runtime")) {
                            bt = Long.parseLong(step.group(2));
                        }
                    }
                    long cpuMs = SitesBench.cpuTicks(p.pid()) * 10; // /proc counts clock ticks of 1/100 s
                    return new Start(upMs, Long.parseLong(m.group(1)), bt, cpuMs);
                }
                if (!p.isAlive() || System.nanoTime() > deadline) {
                    throw new IOException("the engine did not come up (exit " + (p.isAlive() ? "none" : p.exitValue())
                            + "); its log: " + log + "\n" + Files.readString(log));
                }
                Thread.sleep(5);
            }
        } finally {
            p.destroy();
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor();
            }
        }
    }

    /** {@link JvmFloor} alone in a jar: class-data sharing archives classes from jars, not from folders. */
    private static Path floorJar(Path root) throws IOException {
        Path jar = root.resolve("jvm-floor.jar");
        String entry = JvmFloor.class.getName().replace('.', '/') + ".class";
        try (var in = JvmFloor.class.getClassLoader().getResourceAsStream(entry);
             var out = new java.util.jar.JarOutputStream(Files.newOutputStream(jar))) {
            out.putNextEntry(new java.util.jar.JarEntry(entry));
            in.transferTo(out);
            out.closeEntry();
        }
        return jar;
    }

    private static String upLine(Path log) throws IOException {
        for (String line : Files.readAllLines(log)) {
            if (line.contains("engine up: ")) {
                return line;
            }
        }
        return "";
    }

    private static long median(List<Start> starts, java.util.function.ToLongFunction<Start> f) {
        return medianOf(starts.stream().map(s -> f.applyAsLong(s)).toList());
    }

    private static long medianOf(List<Long> values) {
        List<Long> sorted = values.stream().sorted().toList();
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    private static long min(List<Start> starts) {
        return starts.stream().mapToLong(Start::launchToUpMs).min().orElse(0);
    }

    private static long max(List<Start> starts) {
        return starts.stream().mapToLong(Start::launchToUpMs).max().orElse(0);
    }
}
