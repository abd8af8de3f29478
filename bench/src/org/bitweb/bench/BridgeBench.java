package org.bitweb.bench;

import org.bitweb.daemon.EngineDaemon;
import com.fasterxml.jackson.databind.JsonNode;
import org.bitweb.engine.EngineOptions;
import org.bitweb.json.Json;
import org.bitweb.messaging.Frames;
import org.bitweb.store.StateDir;

import java.io.OutputStream;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The bridge's start, as a browser starts it: {@code java [options] -jar bitweb.jar host <origin>}
 * with an engine already running (the service, or the browser's earlier start), timed from the
 * spawn to the answer to the extension's first message ({@code hello}). The installed launcher's
 * options (installer/install.sh's {@code HOST_JVM}), without and with the class-data archive
 * its launcher gives it from its second start on, against none, starts interleaved; also the
 * bridge's CPU and RSS at that moment, read from /proc. With {@code --cold} no engine runs and
 * the bridge starts one (what the first page a browser opens waits for). With several --jar,
 * those jars side by side (with an engine running: each the launcher's way, with its archive).
 * With an engine running, each --variant adds the launcher's way with those JVM options added.
 *
 * <p>{@code bench/run.sh bridge [--cold] [--trials 10] [--jar NAME=PATH]... [--variant NAME="-XX:..."]...}
 */
public final class BridgeBench {
    private static final Pattern HOST_JVM = Pattern.compile("(?m)^HOST_JVM='([^']*)'$");
    private static final long TICK_MS = 10; // /proc/PID/stat counts CPU in clock ticks of 1/100 s

    private record Start(double ms, double cpuMs, double rssMb) {
    }

    public static void main(String[] args) throws Exception {
        int trials = 10;
        boolean cold = false;
        Map<String, Path> jars = new LinkedHashMap<>();
        Map<String, List<String>> extra = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--trials" -> trials = Integer.parseInt(args[++i]);
                case "--cold" -> cold = true;
                case "--jar" -> {
                    String[] nameJar = args[++i].split("=", 2);
                    jars.put(nameJar[0], Path.of(nameJar[1]));
                }
                case "--variant" -> {
                    String[] nameOptions = args[++i].split("=", 2);
                    extra.put(nameOptions[0], List.of(nameOptions[1].trim().split("\\s+")));
                }
                default -> throw new IllegalArgumentException("unknown option " + args[i]
                        + " (bench/run.sh bridge [--cold] [--trials 10] [--jar NAME=PATH]... [--variant NAME=\"-XX:...\"]...)");
            }
        }
        Path root = Path.of(System.getProperty("bench.root", "."));
        if (jars.isEmpty()) {
            jars.put("this build", root.resolve("native-host/target/bitweb.jar"));
        }
        Matcher m = HOST_JVM.matcher(Files.readString(root.resolve("installer/install.sh")));
        if (!m.find()) {
            throw new IllegalStateException("installer/install.sh has no HOST_JVM line");
        }
        List<String> hostJvm = Arrays.asList(m.group(1).split(" "));
        Path temp = Files.createTempDirectory("bitweb-bridgebench");
        try {
            if (cold) {
                cold(temp, jars, hostJvm, trials);
            } else {
                warm(temp, jars, hostJvm, extra, trials);
            }
        } finally {
            ThroughputBench.deleteTree(temp);
        }
    }

    /**
     * An engine runs: plain {@code java -jar} against the launcher's options, without and with the
     * archive the launcher gives; with several jars, the launcher's way (its archive) for each.
     */
    private static void warm(Path temp, Map<String, Path> jars, List<String> hostJvm, Map<String, List<String>> extra,
                             int trials) throws Exception {
        Map<String, List<String>> variants = new LinkedHashMap<>();
        Map<String, Path> jarOf = new LinkedHashMap<>();
        Map<String, Path> archives = new LinkedHashMap<>();
        for (var jar : jars.entrySet()) {
            // what the installed launcher runs from its second start on: its own class-data archive
            Path archive = temp.resolve("bitweb-host-" + archives.size() + ".jsa");
            archives.put(jar.getKey(), archive);
            List<String> withArchive = new ArrayList<>(hostJvm);
            withArchive.add("-XX:SharedArchiveFile=" + archive);
            String prefix = jars.size() == 1 ? "" : jar.getKey() + ", ";
            if (jars.size() == 1) {
                variants.put("java -jar (before)", List.of());
                variants.put("HOST_JVM, no archive", hostJvm);
                jarOf.put("java -jar (before)", jar.getValue());
                jarOf.put("HOST_JVM, no archive", jar.getValue());
            }
            variants.put(prefix + "the launcher: HOST_JVM + its archive", withArchive);
            jarOf.put(prefix + "the launcher: HOST_JVM + its archive", jar.getValue());
            for (var e : extra.entrySet()) { // the launcher's way with options added (a later option wins)
                List<String> more = new ArrayList<>(withArchive);
                more.addAll(e.getValue());
                variants.put(prefix + "the launcher's, " + e.getKey(), more);
                jarOf.put(prefix + "the launcher's, " + e.getKey(), jar.getValue());
            }
        }
        Map<String, List<Start>> results = new LinkedHashMap<>();
        try (EngineDaemon engine = EngineDaemon.start(new StateDir(temp.resolve("home")),
                new EngineOptions(0, 0, InetAddress.getLoopbackAddress()).withLanDiscovery(false))) {
            for (var jar : jars.entrySet()) {
                List<String> writing = new ArrayList<>(hostJvm);
                writing.add("-XX:ArchiveClassesAtExit=" + archives.get(jar.getKey()));
                start(jar.getValue(), writing, temp.resolve("home")); // the launcher's first start, which writes it as it exits
                if (!Files.isRegularFile(archives.get(jar.getKey()))) {
                    throw new IllegalStateException("the bridge wrote no class-data archive at " + archives.get(jar.getKey()));
                }
            }
            for (int t = -1; t < trials; t++) { // -1: a warm-up of each (the page cache), not counted
                for (var v : variants.entrySet()) {
                    Start start = start(jarOf.get(v.getKey()), v.getValue(), temp.resolve("home"));
                    log(t, v.getKey(), start);
                    if (t >= 0) {
                        results.computeIfAbsent(v.getKey(), k -> new ArrayList<>()).add(start);
                    }
                }
            }
        }
        print(results, results.keySet().iterator().next(), "Bridge start with an engine running, " + trials
                + " starts each, interleaved; HOST_JVM = " + String.join(" ", hostJvm));
    }

    /**
     * No engine runs: the bridge starts one ({@code serve --background}, the product's JVM options
     * and the class-data archive an earlier engine wrote, copied from a template home) and answers
     * once it is up. Jars side by side, each bridge with no archive of its own and with the one
     * the launcher gives it from its second start on; each engine is stopped (SIGTERM) after its answer.
     */
    private static void cold(Path temp, Map<String, Path> jars, List<String> hostJvm, int trials) throws Exception {
        Map<String, List<Start>> results = new LinkedHashMap<>();
        Map<String, Path> templates = new LinkedHashMap<>();
        Map<String, List<String>> options = new LinkedHashMap<>();
        Map<String, Path> jarOf = new LinkedHashMap<>();
        for (var jar : jars.entrySet()) {
            Path template = temp.resolve("template-" + templates.size());
            Path archive = temp.resolve("bridge-" + templates.size() + ".jsa");
            List<String> writing = new ArrayList<>(hostJvm);
            writing.add("-XX:ArchiveClassesAtExit=" + archive);
            // its engine writes the engine's archive as it stops, the bridge its own as it exits
            startAndStop(jar.getValue(), writing, template);
            ThroughputBench.deleteTree(template.resolve("sites"));
            List<String> mapping = new ArrayList<>(hostJvm);
            mapping.add("-XX:SharedArchiveFile=" + archive);
            for (String name : List.of(jar.getKey() + ", bridge without archive", jar.getKey() + ", bridge with its archive")) {
                templates.put(name, template);
                jarOf.put(name, jar.getValue());
                options.put(name, name.endsWith("its archive") ? mapping : hostJvm);
                results.put(name, new ArrayList<>());
            }
        }
        int n = 0;
        for (int t = 0; t < trials; t++) {
            for (String variant : results.keySet()) {
                Path home = temp.resolve("home-" + n++);
                EngineJvmDefaults.copyArchive(templates.get(variant), home);
                Start start = startAndStop(jarOf.get(variant), options.get(variant), home);
                log(t, variant, start);
                results.get(variant).add(start);
                ThroughputBench.deleteTree(home);
            }
        }
        print(results, results.keySet().iterator().next(), "Bridge start with no engine running (the bridge starts it), "
                + trials + " starts each, interleaved; HOST_JVM = " + String.join(" ", hostJvm));
    }

    private static Start startAndStop(Path jar, List<String> hostJvm, Path home) throws Exception {
        Start start = start(jar, hostJvm, home);
        StateDir dir = new StateDir(home);
        long pid = Json.MAPPER.readTree(Files.readAllBytes(dir.engineInfo())).path("pid").asLong();
        ProcessHandle engine = ProcessHandle.of(pid).orElseThrow(() -> new IllegalStateException("no engine " + pid));
        engine.destroy(); // SIGTERM: it stops and writes its class-data archive
        engine.onExit().get(60, TimeUnit.SECONDS);
        return start;
    }

    private static void log(int trial, String name, Start start) {
        System.err.printf("bridge: %s%s: %.0f ms, CPU %.0f ms, RSS %.0f MB%n", trial < 0 ? "warm-up " : "",
                name, start.ms(), start.cpuMs(), start.rssMb());
    }

    private static void print(Map<String, List<Start>> results, String base, String title) {
        Table table = new Table("bridge", "spawn -> hello answered ms (median)", "min", "max", "bridge CPU ms (median)",
                "bridge RSS MB (median)", "vs " + base + " (median)");
        double anchor = EngineBench.median(results.get(base).stream().map(Start::ms).toList());
        for (var e : results.entrySet()) {
            List<Double> ms = e.getValue().stream().map(Start::ms).toList();
            table.row(e.getKey(), EngineBench.median(ms), ms.stream().min(Double::compare).orElseThrow(),
                    ms.stream().max(Double::compare).orElseThrow(),
                    EngineBench.median(e.getValue().stream().map(Start::cpuMs).toList()),
                    EngineBench.median(e.getValue().stream().map(Start::rssMb).toList()), EngineBench.median(ms) / anchor);
        }
        table.print(title);
    }

    /** One bridge: spawned, asked hello, timed at the answer, then let go (stdin closed). */
    private static Start start(Path jar, List<String> options, Path home) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        command.addAll(options);
        // as a browser runs the launcher: "host" first, the state folder from the environment
        command.addAll(List.of("-jar", jar.toString(), "host", "chrome-extension://bench/"));
        ProcessBuilder builder = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD);
        builder.environment().put("BITWEB_HOME", home.toString());
        long begun = System.nanoTime();
        Process bridge = builder.start();
        try {
            OutputStream in = bridge.getOutputStream();
            Frames.write(in, Json.bytes(Json.object().put("id", 1).put("action", "hello").put("client", "bench")));
            // bounded: the bridge answers or exits (its own 30 s engine timeout)
            JsonNode reply = Json.MAPPER.readTree(Frames.readRequired(bridge.getInputStream(), Frames.DEFAULT_MAX_INCOMING));
            double ms = (System.nanoTime() - begun) / 1e6;
            if (!reply.path("ok").asBoolean()) {
                throw new IllegalStateException("the bridge answered " + reply);
            }
            Start start = new Start(ms, SitesBench.cpuTicks(bridge.pid()) * TICK_MS, SitesBench.status(bridge.pid(), "VmRSS") / 1024.0);
            in.close();
            if (!bridge.waitFor(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the bridge did not exit when its stdin closed");
            }
            return start;
        } finally {
            bridge.destroyForcibly();
        }
    }
}
