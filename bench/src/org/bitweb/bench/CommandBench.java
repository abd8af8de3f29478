package org.bitweb.bench;

import org.bitweb.engine.EngineJvm;
import org.bitweb.site.Publisher;

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
 * A command's start, as a person typing {@code bitweb status} feels it: from launching {@code java}
 * with the installed command line's options to the command's exit, with no engine running.
 * Without a class-data archive (as the launcher ran every command but {@code serve} before
 * 2026-12-07) and with the archive the commands share (installer/templates/bitweb.sh), written
 * by a first {@code status} as it exits; {@code key list} shows what another command gets from
 * the archive {@code status} wrote. Starts interleaved.
 *
 * <p>bench/run.sh commands [--trials 10] [--jar PATH] (default: this build's jar)
 */
public final class CommandBench {
    private static final List<List<String>> COMMANDS = List.of(List.of("status", "--json"), List.of("key", "list"));

    public static void main(String[] args) throws Exception {
        int trials = 10;
        Path jar = Path.of(System.getProperty("bench.engineClassPath").split(":")[0]);
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--trials" -> trials = Integer.parseInt(args[++i]);
                case "--jar" -> jar = Path.of(args[++i]).toAbsolutePath();
                default -> throw new IllegalArgumentException("unknown argument " + args[i]
                        + " (bench/run.sh commands [--trials 10] [--jar PATH])");
            }
        }
        Path root = Files.createTempDirectory("bitweb-bench-commands-");
        try {
            Path home = Files.createDirectories(root.resolve("home"));
            Path archive = root.resolve("bitweb-commands.jsa");
            List<String> launcher = new ArrayList<>(EngineJvm.base());
            launcher.addAll(launcherOptions(Path.of(System.getProperty("bench.root", ".")).resolve("installer/templates/bitweb.sh")));
            List<String> writing = new ArrayList<>(launcher);
            writing.add("-XX:ArchiveClassesAtExit=" + archive);
            run(jar, writing, home, COMMANDS.get(0)); // the first command, which writes it as it exits
            if (!Files.isRegularFile(archive)) {
                throw new IllegalStateException("no class-data archive at " + archive);
            }
            List<String> mapping = new ArrayList<>(launcher);
            mapping.add("-XX:SharedArchiveFile=" + archive);
            Map<String, List<String>> variants = new LinkedHashMap<>();
            variants.put("no archive (before)", EngineJvm.base());
            variants.put("the commands' archive", mapping);
            Map<String, List<Double>> results = new LinkedHashMap<>();
            for (int t = -1; t < trials; t++) { // -1: a warm-up (the page cache), not counted
                for (List<String> command : COMMANDS) {
                    for (var v : variants.entrySet()) {
                        double ms = run(jar, v.getValue(), home, command);
                        String name = String.join(" ", command) + ", " + v.getKey();
                        System.err.printf(Locale.ROOT, "%s%s: %.0f ms%n", t < 0 ? "warm-up " : "", name, ms);
                        if (t >= 0) {
                            results.computeIfAbsent(name, k -> new ArrayList<>()).add(ms);
                        }
                    }
                }
            }
            Table table = new Table("bitweb ...", "launch -> exit ms (median)", "min", "max", "vs no archive (median)");
            double anchor = 0;
            for (var e : results.entrySet()) {
                double median = EngineBench.median(e.getValue());
                if (e.getKey().endsWith("(before)")) {
                    anchor = median;
                }
                table.row(e.getKey(), median, e.getValue().stream().min(Double::compare).orElseThrow(),
                        e.getValue().stream().max(Double::compare).orElseThrow(), median / anchor);
            }
            table.print("A command's start with no engine running, " + trials + " runs each, interleaved; base options "
                    + String.join(" ", EngineJvm.base()));
        } finally {
            Publisher.deleteTree(root);
        }
    }

    /** The options the command line's launcher adds after the base options and before the archive's. */
    private static List<String> launcherOptions(Path template) throws java.io.IOException {
        Matcher m = Pattern.compile("(?m)^exec @JAVA@ @JVM@ (.*?) \"\\$cds\"").matcher(Files.readString(template));
        if (!m.find()) {
            throw new IllegalStateException(template + " has no exec line with the archive's options");
        }
        return List.of(m.group(1).split(" "));
    }

    /** One command, launched and waited for (at most 60 s); its exit status must be 0. */
    private static double run(Path jar, List<String> options, Path home, List<String> command) throws Exception {
        List<String> line = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        line.addAll(options);
        line.addAll(List.of("-jar", jar.toString()));
        line.addAll(command);
        line.add("--home=" + home);
        ProcessBuilder builder = new ProcessBuilder(line).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.DISCARD);
        long begun = System.nanoTime();
        Process p = builder.start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException(String.join(" ", command) + " did not exit within 60 s");
        }
        double ms = (System.nanoTime() - begun) / 1e6;
        if (p.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", line) + " exited with " + p.exitValue());
        }
        return ms;
    }
}
