package org.bitweb.bench;

import org.bitweb.address.SiteAddress;
import org.bitweb.engine.Engine;
import org.bitweb.engine.EngineOptions;
import org.bitweb.store.StateDir;
import org.bitweb.torrent.TorrentInfo;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A cold visit over an emulated network link (issue 16, "real latency"): the 10 KB first page of
 * a big site, from one known peer, through a real TCP path with a real delay and rate.
 *
 * <p>Runs as root of a user namespace ({@code unshare -rn}, bench/run.sh does it). The link is
 * {@code bench/latency/delayline.py}: two TUN devices, one here and one in a network namespace
 * it makes, packets copied across after the one-way delay, tbf for the rate. The seeders (a
 * BitWeb engine in a JVM of its own, libtorrent) run in the far namespace, the visitors here: a
 * warm BitWeb engine (its JVM has visited before; the engine itself is fresh and has never seen
 * the site) asked through its gateway, and libtorrent as the anchor. Each trial counts the
 * visitor's flights: bursts of packets it sent after the far side sent something, i.e. the round
 * trips it waited for.
 *
 * <pre>bench/run.sh latency [--trials 5] [--big-mb 1024] [--profiles 25:20mbit,100:2mbit] [--before prop=value,...]
 *                      [--before-jar JAR [--before-jvm "-XX:..."]] [--before-pieces N]</pre>
 *
 * <p>{@code --before} adds BitWeb visitors started with those system properties (the engine
 * before a change, e.g. {@code bitweb.bt.earlyInterest=false}), trials interleaved with the rest;
 * {@code --before-jar} a visit that starts the engine from another build's jar (the product before a
 * change to its start, which has no switch), with an archive of its own, and {@code --before-jvm}
 * JVM options added to that one's (after the product's: a later option wins, e.g. an option the
 * product's JVM options did not have before); {@code --before-pieces} a
 * second copy of the site published with the piece rule of at most N pieces (the rule before a
 * change, {@code bitweb.publish.mostPieces}; its own infohash and file list), seeded by both
 * seeders and visited by libtorrent and the warm BitWeb visitor.
 */
public final class LatencyBench {
    private static final String NEAR = "10.77.0.1";
    private static final String FAR = "10.77.0.2";
    private static final Duration TRIAL_TIMEOUT = Duration.ofSeconds(Integer.getInteger("bench.trialTimeoutS", 30));
    private static final int PAGE = 10 * 1024;

    record Profile(int oneWayMs, String rate) {
        String name() {
            return (2 * oneWayMs) + " ms RTT, " + rate.replace("mbit", " Mbit/s").replace("kbit", " kbit/s");
        }
    }

    record Trial(double ms, int flights, int loadingPages) {
    }

    public static void main(String[] args) throws Exception {
        int trials = 5;
        int bigMb = 1024;
        List<Profile> profiles = new ArrayList<>(List.of(new Profile(25, "20mbit"), new Profile(100, "2mbit")));
        Map<String, String> before = new LinkedHashMap<>();
        String beforeJar = null;
        List<String> beforeJvm = List.of();
        int beforePieces = 0;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--trials" -> trials = Integer.parseInt(args[++i]);
                case "--big-mb" -> bigMb = Integer.parseInt(args[++i]);
                case "--before-jar" -> beforeJar = args[++i];
                case "--before-jvm" -> beforeJvm = List.of(args[++i].trim().split("\\s+"));
                case "--before-pieces" -> beforePieces = Integer.parseInt(args[++i]);
                case "--before" -> {
                    for (String prop : args[++i].split(",")) {
                        String[] kv = prop.split("=", 2);
                        before.put(kv[0], kv[1]);
                    }
                }
                case "--profiles" -> {
                    profiles.clear();
                    for (String p : args[++i].split(",")) {
                        String[] parts = p.split(":");
                        profiles.add(new Profile(Integer.parseInt(parts[0]), parts[1]));
                    }
                }
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        Path root = Path.of(System.getProperty("bench.root", "."));
        Path temp = Files.createTempDirectory("bitweb-latency");
        List<Proc> procs = new ArrayList<>();
        try {
            new ProcessBuilder("ip", "link", "set", "lo", "up").inheritIO().start().waitFor();
            Path site = temp.resolve("site");
            Files.createDirectories(site.resolve("media"));
            byte[] index = new byte[PAGE];
            Arrays.fill(index, (byte) 'x');
            System.arraycopy("<h1>bench</h1>".getBytes(StandardCharsets.US_ASCII), 0, index, 0, 14);
            Files.write(site.resolve("index.html"), index);
            try (RandomAccessFile big = new RandomAccessFile(site.resolve("media/data.bin").toFile(), "rw")) {
                big.setLength(bigMb * 1024L * 1024); // sparse: hashing reads zeros, the disk keeps nothing
            }

            Proc link = new Proc(List.of("/usr/bin/python3", root.resolve("bench/latency/delayline.py").toString()), procs);
            String pid = link.line(Duration.ofSeconds(20)).split(" ")[1];
            List<String> far = List.of("nsenter", "-t", pid, "-n");

            List<String> seedCmd = new ArrayList<>(far);
            seedCmd.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx512m",
                    "-cp", System.getProperty("java.class.path"), LatencySeeder.class.getName(),
                    temp.resolve("seeder").toString(), FAR, site.toString()));
            if (beforePieces > 0) {
                seedCmd.add(beforePieces + "@" + site); // the same files, the other piece rule
            }
            Proc bitwebSeeder = new Proc(seedCmd, procs);
            String[] ready = bitwebSeeder.line(Duration.ofMinutes(10)).split(" ");
            InetSocketAddress bitwebPeer = new InetSocketAddress(FAR, Integer.parseInt(ready[1]));
            String infohash = ready[2];
            Path siteDir = temp.resolve("seeder").resolve("sites").resolve(infohash);
            log("site %s: 10 KB index.html + %d MB, BitWeb seeder on %s", infohash, bigMb, bitwebPeer);

            InetSocketAddress ltPeer = ltSeed(root, far, siteDir, infohash, procs);
            log("libtorrent seeder on %s", ltPeer);

            SiteAddress address = SiteAddress.parseLabel(infohash);
            Map<String, Route> routes = new LinkedHashMap<>();
            routes.put("libtorrent -> libtorrent (anchor)", (home) -> ltVisit(root, infohash, siteDir, ltPeer, link));
            routes.put("BitWeb -> BitWeb gateway", (home) -> bitwebVisit(home, address, bitwebPeer, link, Map.of()));
            routes.put("libtorrent -> BitWeb gateway", (home) -> bitwebVisit(home, address, ltPeer, link, Map.of()));
            if (!before.isEmpty()) {
                routes.put("BitWeb -> BitWeb gateway, before", (home) -> bitwebVisit(home, address, bitwebPeer, link, before));
                routes.put("libtorrent -> BitWeb gateway, before", (home) -> bitwebVisit(home, address, ltPeer, link, before));
            }
            Path template = temp.resolve("cold-template"); // its class-data sharing archive, made by the warm-up
            String classPath = EngineJvmDefaults.classPath();
            routes.put("BitWeb -> BitWeb gateway, engine started by the visit",
                    (home) -> coldVisit(home, template, classPath, List.of(), infohash, bitwebPeer, link));
            if (beforeJar != null) {
                // the same visit with another build's engine (the product's jar before a change) in its place
                Path beforeTemplate = temp.resolve("cold-template-before");
                String beforePath = beforeJar + java.io.File.pathSeparator + benchJar(classPath);
                List<String> beforeOptions = beforeJvm;
                routes.put("BitWeb -> BitWeb gateway, engine started by the visit, before",
                        (home) -> coldVisit(home, beforeTemplate, beforePath, beforeOptions, infohash, bitwebPeer, link));
            }
            routes.put("BitWeb -> libtorrent", (home) -> ltVisit(root, infohash, siteDir, bitwebPeer, link));
            if (beforePieces > 0) {
                String beforeHash = ready[3];
                Path beforeDir = temp.resolve("seeder").resolve("sites").resolve(beforeHash);
                int pieces = TorrentInfo.parseTorrent(Files.readAllBytes(beforeDir.resolve("site.torrent"))).pieces().length / 20;
                log("site %s: the same files in %d pieces (at most %d), file list %d bytes against %d", beforeHash, pieces,
                        beforePieces, infoLength(beforeDir), infoLength(siteDir));
                InetSocketAddress ltBeforePeer = ltSeed(root, far, beforeDir, beforeHash, procs);
                String rule = ", before (at most " + beforePieces + " pieces)";
                SiteAddress beforeAddress = SiteAddress.parseLabel(beforeHash);
                routes.put("libtorrent -> libtorrent" + rule, (home) -> ltVisit(root, beforeHash, beforeDir, ltBeforePeer, link));
                routes.put("BitWeb -> BitWeb gateway" + rule,
                        (home) -> bitwebVisit(home, beforeAddress, bitwebPeer, link, Map.of()));
                routes.put("libtorrent -> BitWeb gateway" + rule,
                        (home) -> bitwebVisit(home, beforeAddress, ltBeforePeer, link, Map.of()));
            }

            for (Profile profile : profiles) {
                link.command("profile " + profile.oneWayMs() + " " + profile.rate());
                log("profile %s", profile.name());
                Map<String, List<Trial>> results = new LinkedHashMap<>();
                int n = 0;
                for (int t = -1; t < trials; t++) { // trial -1 warms up (not counted)
                    for (var route : routes.entrySet()) {
                        Path home = temp.resolve("visitor-" + n++);
                        Trial trial = route.getValue().visit(home);
                        ThroughputBench.deleteTree(home);
                        log("%s%s: %.0f ms, %d flights%s", t < 0 ? "warm-up " : "", route.getKey(), trial.ms(),
                                trial.flights(), trial.loadingPages() > 0 ? ", " + trial.loadingPages() + " loading pages" : "");
                        if (t >= 0) {
                            results.computeIfAbsent(route.getKey(), k -> new ArrayList<>()).add(trial);
                        }
                    }
                }
                print(profile, results, trials, bigMb);
            }
        } finally {
            for (Proc p : procs) {
                p.close();
            }
            ThroughputBench.deleteTree(temp);
        }
    }

    interface Route {
        Trial visit(Path home) throws Exception;
    }

    private static void print(Profile profile, Map<String, List<Trial>> results, int trials, int bigMb) {
        double rtt = 2.0 * profile.oneWayMs();
        Table table = new Table("seeder -> visitor", "p50 ms", "min ms", "max ms", "round trips (p50)",
                "p50 / RTT", "p50 - trips x RTT ms", "vs anchor (p50)");
        double anchor = median(results.get("libtorrent -> libtorrent (anchor)").stream().map(Trial::ms).toList());
        for (var e : results.entrySet()) {
            List<Double> ms = e.getValue().stream().map(Trial::ms).toList();
            double p50 = median(ms);
            double flights = median(e.getValue().stream().map(t -> (double) t.flights()).toList());
            table.row(e.getKey(), p50, ms.stream().min(Double::compare).orElseThrow(),
                    ms.stream().max(Double::compare).orElseThrow(), flights, p50 / rtt, p50 - flights * rtt, p50 / anchor);
        }
        table.print("Cold visit, first page (10 KB index.html of a " + bigMb + " MB site), one known peer, "
                + profile.name() + ", " + trials + " trials each");
    }

    private static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        sorted.sort(null);
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    /** libtorrent seeding a site the BitWeb seeder published, in the far namespace; its peer address. */
    private static InetSocketAddress ltSeed(Path root, List<String> far, Path siteDir, String infohash, List<Proc> procs)
            throws Exception {
        List<String> ltCmd = new ArrayList<>(far);
        ltCmd.addAll(List.of("/usr/bin/python3",
                root.resolve("native-host/src/test/resources/interop/lt_seed.py").toString(),
                "--torrent", siteDir.resolve("site.torrent").toString(), "--save", siteDir.resolve("data").toString(),
                "--bind", FAR, "--encryption", "disabled", "--quiet"));
        Proc ltSeeder = new Proc(ltCmd, procs);
        String[] ltReady = ltSeeder.line(Duration.ofMinutes(10)).split(" ");
        if (!ltReady[2].equals(infohash)) {
            throw new IllegalStateException("libtorrent seeds " + ltReady[2] + ", not " + infohash);
        }
        return new InetSocketAddress(FAR, Integer.parseInt(ltReady[1]));
    }

    /** The size of a site's file list (the info dictionary BEP 9 sends). */
    private static int infoLength(Path siteDir) throws IOException {
        return org.bitweb.torrent.Bencode.rawValue(Files.readAllBytes(siteDir.resolve("site.torrent")), "info").length;
    }

    /** A fresh engine (started before the clock runs) is told the peer and asked for "/" through its gateway. */
    private static Trial bitwebVisit(Path home, SiteAddress site, InetSocketAddress peer, Proc link,
                                     Map<String, String> properties) throws Exception {
        EngineOptions options = new EngineOptions(0, 0, InetAddress.getByName(NEAR)).withLanDiscovery(false);
        // the engine reads its switches as it starts and as a fetch starts: only this visitor sees them
        properties.forEach(System::setProperty);
        try (Engine visitor = Engine.start(new StateDir(home), options)) {
            link.command("mark");
            long start = System.nanoTime();
            visitor.fetch(site, List.of(peer), Duration.ZERO); // a link's peer hint, as the extension gives it
            int loading = 0;
            long deadline = start + TRIAL_TIMEOUT.toNanos();
            while (true) {
                byte[] body = get(visitor.gatewayPort(), site.host(), "/");
                if (body.length == PAGE) {
                    break;
                }
                if (!new String(body, StandardCharsets.UTF_8).contains("http-equiv=\"refresh\"") || System.nanoTime() > deadline) {
                    throw new IllegalStateException("the first page had " + body.length + " bytes");
                }
                loading++;
                Thread.sleep(1000); // what the loading page's refresh makes a browser do
            }
            double ms = (System.nanoTime() - start) / 1e6;
            return new Trial(ms, flights(link), loading);
        } finally {
            properties.keySet().forEach(System::clearProperty);
        }
    }

    /**
     * A JVM started at the clock's start runs the engine and visits (what the first link a browser
     * opens costs when no engine runs). The archive the product's engine writes on its first run
     * is copied from a template home, as a user's engine has it from its earlier runs.
     */
    private static Trial coldVisit(Path home, Path template, String classPath, List<String> extraJvm, String infohash,
                                   InetSocketAddress peer, Proc link) throws Exception {
        Path cache = template.resolve("cache");
        boolean first = !Files.isDirectory(cache);
        Path run = first ? template : home;
        if (!first) {
            EngineJvmDefaults.copyArchive(template, home);
        }
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        command.addAll(EngineJvmDefaults.resolve(EngineJvmDefaults.PRODUCT, run, classPath));
        command.addAll(extraJvm);
        command.addAll(List.of("-cp", classPath, LatencyColdVisit.class.getName(), run.toString(),
                infohash, peer.getHostString(), String.valueOf(peer.getPort()), NEAR, String.valueOf(PAGE)));
        link.command("mark");
        long start = System.nanoTime();
        List<Proc> none = new ArrayList<>();
        try (Proc visit = new Proc(command, none)) {
            String[] done = visit.line(TRIAL_TIMEOUT.plusSeconds(30)).split(" ");
            double ms = (System.nanoTime() - start) / 1e6;
            if (!done[0].equals("done")) {
                throw new IllegalStateException("the cold visit said " + String.join(" ", done));
            }
            log("cold visit: JVM start to engine up %s ms, engine up to page %s ms", done[1], done[2]);
            return new Trial(ms, flights(link), 0);
        } finally {
            if (first) {
                ThroughputBench.deleteTree(template.resolve("sites")); // the archive stays, the visit goes
            }
        }
    }

    /** The benchmarks' own jar on the engine's class path (run.sh puts it after the product's). */
    private static String benchJar(String classPath) {
        String[] entries = classPath.split(java.io.File.pathSeparator);
        return entries[entries.length - 1];
    }

    private static Trial ltVisit(Path root, String infohash, Path siteDir, InetSocketAddress peer, Proc link) throws Exception {
        link.command("mark"); // the script's session sends nothing on the link before it adds the torrent
        List<Proc> none = new ArrayList<>();
        try (Proc visit = new Proc(List.of("/usr/bin/python3", root.resolve("bench/latency/lt_visit.py").toString(),
                "--infohash", infohash, "--layout", siteDir.resolve("site.torrent").toString(), "--peer", FAR + ":" + peer.getPort(), "--bind", NEAR,
                "--timeout", String.valueOf(TRIAL_TIMEOUT.toSeconds())), none)) {
            String[] done = visit.line(TRIAL_TIMEOUT.plusSeconds(10)).split(" ");
            if (!done[0].equals("done") || Integer.parseInt(done[2]) != PAGE) {
                throw new IllegalStateException("libtorrent's visit: " + String.join(" ", done));
            }
            return new Trial(Double.parseDouble(done[1]), flights(link), 0);
        }
    }

    private static int flights(Proc link) throws IOException, InterruptedException {
        String[] count = link.command("count").split(" ");
        return Integer.parseInt(count[1]);
    }

    /** GET through the gateway in proxy form, as the browser asks; returns the body. */
    static byte[] get(int port, String host, String path) throws IOException {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            socket.setSoTimeout((int) TRIAL_TIMEOUT.toMillis());
            socket.getOutputStream().write(("GET http://" + host + path + " HTTP/1.1\r\nHost: " + host
                    + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            InputStream in = socket.getInputStream();
            StringBuilder head = new StringBuilder();
            while (!head.toString().endsWith("\r\n\r\n")) {
                int c = in.read();
                if (c < 0) {
                    throw new IOException("no response");
                }
                head.append((char) c);
            }
            if (!head.toString().startsWith("HTTP/1.1 200")) {
                throw new IOException(head.toString());
            }
            return in.readAllBytes();
        }
    }

    static void log(String format, Object... args) {
        System.err.printf("latency: " + format + "%n", args);
    }

    /** A child process spoken to in lines, stopped by closing its stdin, then killed if it lingers. */
    static final class Proc implements AutoCloseable {
        private final Process process;
        private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        private final OutputStream in;

        Proc(List<String> command, List<Proc> registry) throws IOException {
            process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
            registry.add(this);
            in = process.getOutputStream();
            Thread reader = new Thread(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                    for (String l; (l = r.readLine()) != null; ) {
                        lines.add(l);
                    }
                } catch (IOException e) {
                    // the process ended
                }
                lines.add("\u0000eof");
            }, "latency-proc-reader");
            reader.setDaemon(true);
            reader.start();
        }

        String line(Duration timeout) throws IOException, InterruptedException {
            String l = lines.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (l == null) {
                throw new IOException("no answer within " + timeout + " from " + process.info().commandLine().orElse("?"));
            }
            if (l.equals("\u0000eof")) {
                throw new IOException("ended: " + process.info().commandLine().orElse("?"));
            }
            return l;
        }

        String command(String command) throws IOException, InterruptedException {
            in.write((command + "\n").getBytes(StandardCharsets.US_ASCII));
            in.flush();
            return line(Duration.ofSeconds(10));
        }

        @Override
        public void close() {
            try {
                in.close();
            } catch (IOException e) {
                // already gone
            }
            try {
                if (!process.waitFor(10, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                process.destroyForcibly();
            }
        }
    }
}
