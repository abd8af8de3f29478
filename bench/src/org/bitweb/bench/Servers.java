package org.bitweb.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The two servers the gateway benchmarks compare, each a process of its own started fresh:
 * Debian's nginx (the anchor) and the BitWeb engine ({@link GatewayServe}). Both serve the same
 * files; each knows the URL and Host a client must use.
 */
final class Servers {

    private Servers() {
    }

    /** A running server process. */
    interface Server extends AutoCloseable {
        String name();

        int port();

        /** The request-target for a file, and the Host header to send with it. */
        String target(String file);

        String host();

        Process process();

        /** Milliseconds from spawning the process to its first served file. */
        double startMillis();

        /** The JVM or worker processes' resident memory, in MB (the sum over the process tree). */
        default double rssMb() {
            return sumStatus("VmRSS:") / 1024.0;
        }

        /** Threads over the process tree. */
        default int threads() {
            return (int) sumStatus("Threads:");
        }

        /** CPU time (user + system) over the process tree so far, in seconds. */
        default double cpuSeconds() {
            double total = 0;
            List<ProcessHandle> tree = new ArrayList<>();
            tree.add(process().toHandle());
            process().toHandle().descendants().forEach(tree::add);
            for (ProcessHandle p : tree) {
                try {
                    String stat = Files.readString(Path.of("/proc", Long.toString(p.pid()), "stat"));
                    // fields after the command's closing parenthesis: utime and stime are the 12th and 13th
                    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    total += (Long.parseLong(f[11]) + Long.parseLong(f[12])) / 100.0; // USER_HZ is 100 on Linux
                } catch (IOException e) {
                    // the process ended meanwhile
                }
            }
            return total;
        }

        private long sumStatus(String field) {
            long total = 0;
            List<ProcessHandle> tree = new ArrayList<>();
            tree.add(process().toHandle());
            process().toHandle().descendants().forEach(tree::add);
            for (ProcessHandle p : tree) {
                try {
                    for (String line : Files.readAllLines(Path.of("/proc", Long.toString(p.pid()), "status"))) {
                        if (line.startsWith(field)) {
                            total += Long.parseLong(line.substring(field.length()).trim().split("\\s+")[0]);
                        }
                    }
                } catch (IOException e) {
                    // the process ended meanwhile: it holds nothing
                }
            }
            return total;
        }

        @Override
        void close();
    }

    /**
     * nginx with a configuration of its own in {@code dir}: one worker per core, sendfile on,
     * no access log, on a free loopback port. Serves {@code root}.
     */
    static Server nginx(Path dir, Path root) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        int workers = Runtime.getRuntime().availableProcessors();
        for (int attempt = 0; ; attempt++) {
            int port = freePort();
            Path conf = dir.resolve("nginx.conf");
            Files.writeString(conf, String.join("\n",
                    "worker_processes " + workers + ";",
                    "daemon off;",
                    "pid " + dir.resolve("nginx.pid") + ";",
                    "error_log " + dir.resolve("error.log") + " warn;",
                    "events { worker_connections 4096; }",
                    "http {",
                    "  access_log off;",
                    "  sendfile on;",
                    "  tcp_nopush on;",
                    "  keepalive_requests 1000000;",
                    "  types { text/html html; application/octet-stream bin; }",
                    "  client_body_temp_path " + dir.resolve("body") + ";",
                    "  proxy_temp_path " + dir.resolve("proxy") + ";",
                    "  fastcgi_temp_path " + dir.resolve("fastcgi") + ";",
                    "  uwsgi_temp_path " + dir.resolve("uwsgi") + ";",
                    "  scgi_temp_path " + dir.resolve("scgi") + ";",
                    "  server { listen 127.0.0.1:" + port + "; root " + root + "; }",
                    "}", ""));
            long t0 = System.nanoTime();
            Process process = new ProcessBuilder("nginx", "-c", conf.toString(), "-p", dir.toString(), "-e",
                    dir.resolve("error.log").toString())
                    .redirectErrorStream(true).redirectOutput(dir.resolve("nginx.out").toFile()).start();
            Server server = new Simple("nginx", process, port, "127.0.0.1:" + port, "");
            if (awaitServing(server, "index.html", 10_000)) {
                ((Simple) server).start = (System.nanoTime() - t0) / 1e6;
                return server;
            }
            server.close();
            if (attempt == 3) {
                throw new IOException("nginx did not start; see " + dir.resolve("error.log") + ": "
                        + Files.readString(dir.resolve("error.log")));
            }
        }
    }

    /**
     * Publishes {@code folder} in a fresh engine at {@code home} (once, before the measured runs)
     * and returns the site's address.
     */
    static String publish(Path home, Path folder, List<String> jvmOptions) throws IOException, InterruptedException {
        try (Engine engine = engine(home, jvmOptions, "-", folder)) {
            return engine.site;
        }
    }

    /** The BitWeb engine on {@code home}, whose store already holds {@code site}, in a fresh JVM. */
    static Engine engine(Path home, List<String> jvmOptions, String site) throws IOException, InterruptedException {
        return engine(home, jvmOptions, List.of(), "BitWeb", site, null);
    }

    /**
     * The same, reported as {@code name}, with JVM options {@code added} to {@code jvmOptions} and
     * run from {@code classPath} (another build's jar, to measure it alongside).
     */
    static Engine engine(Path home, List<String> jvmOptions, List<String> added, String classPath, String name,
                         String site) throws IOException, InterruptedException {
        return engine(home, jvmOptions, added, classPath, name, site, null);
    }

    private static Engine engine(Path home, List<String> jvmOptions, String site, Path publish)
            throws IOException, InterruptedException {
        return engine(home, jvmOptions, List.of(), EngineJvmDefaults.classPath(), "BitWeb", site, publish);
    }

    private static Engine engine(Path home, List<String> jvmOptions, List<String> added, String classPath,
                                 String name, String site, Path publish) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(EngineJvmDefaults.resolve(jvmOptions, home, classPath));
        command.addAll(added);
        command.addAll(List.of("-cp", classPath, GatewayServe.class.getName(), home.toString()));
        if (publish != null) {
            command.add(publish.toString());
        }
        ProcessBuilder builder = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD);
        builder.environment().put("BITWEB_DHT", "off");
        builder.environment().put("BITWEB_LAN", "off");
        long t0 = System.nanoTime();
        Process process = builder.start();
        BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        String line = out.readLine();
        if (line == null || !line.startsWith("ready ")) {
            process.destroyForcibly();
            throw new IOException("the engine did not start: " + line);
        }
        String[] words = line.split(" ");
        String address = publish != null ? words[2] : site;
        Engine engine = new Engine(name, process, Integer.parseInt(words[1]), address);
        if (!address.equals("-") && !awaitServing(engine, "index.html", 10_000)) {
            engine.close();
            throw new IOException("the engine does not serve " + address);
        }
        engine.start = (System.nanoTime() - t0) / 1e6;
        return engine;
    }

    /** Whether a GET of {@code file} answers 200 within {@code timeoutMs}. */
    static boolean awaitServing(Server server, String file, long timeoutMs) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        while (System.nanoTime() < deadline && server.process().isAlive()) {
            try {
                if (HttpProbe.get(server, file, 5_000).status() == 200) {
                    return true;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(20); // polling a process that is starting; bounded by the deadline
        }
        return false;
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** Makes {@code dir} and everything under it readable by nginx's workers (another user). */
    static void readableByAll(Path dir) throws IOException {
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) all::iterator) {
                Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(
                        Files.isDirectory(p) ? "rwxr-xr-x" : "rw-r--r--"));
            }
        }
        for (Path p = dir.getParent(); p != null && p.startsWith(System.getProperty("java.io.tmpdir")); p = p.getParent()) {
            if (!p.toString().equals(System.getProperty("java.io.tmpdir"))) {
                Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
            }
        }
    }

    private static class Simple implements Server {
        final String name;
        final Process process;
        final int port;
        final String host;
        final String prefix;
        double start;

        Simple(String name, Process process, int port, String host, String prefix) {
            this.name = name;
            this.process = process;
            this.port = port;
            this.host = host;
            this.prefix = prefix;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public int port() {
            return port;
        }

        @Override
        public String target(String file) {
            return prefix + "/" + file;
        }

        @Override
        public String host() {
            return host;
        }

        @Override
        public Process process() {
            return process;
        }

        @Override
        public double startMillis() {
            return start;
        }

        @Override
        public void close() {
            process.toHandle().descendants().forEach(ProcessHandle::destroy);
            process.destroy();
            try {
                if (!process.waitFor(10, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** The engine, spoken to in the proxy form the extension uses: absolute URI, Host of the site. */
    static final class Engine extends Simple {
        final String site;

        Engine(String name, Process process, int port, String site) {
            super(name, process, port, site + ".bitweb", "http://" + site + ".bitweb");
            this.site = site;
        }

        @Override
        public void close() {
            try {
                process.getOutputStream().close(); // GatewayServe stops when stdin closes
                if (process.waitFor(20, TimeUnit.SECONDS)) {
                    return;
                }
            } catch (IOException e) {
                // then stop it the hard way
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            super.close();
        }
    }

    /** One HTTP/1.1 GET over a plain socket, read to the end: for checks, not for load. */
    static final class HttpProbe {
        record Reply(int status, byte[] body) {
        }

        static Reply get(Server server, String file, int timeoutMs) throws IOException {
            try (Socket socket = new Socket(java.net.InetAddress.getLoopbackAddress(), server.port())) {
                socket.setSoTimeout(timeoutMs);
                socket.getOutputStream().write(("GET " + server.target(file) + " HTTP/1.1\r\nHost: " + server.host()
                        + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
                byte[] all = socket.getInputStream().readAllBytes();
                int end = indexOfHeadEnd(all);
                if (end < 0) {
                    throw new IOException("no response head");
                }
                String head = new String(all, 0, end, StandardCharsets.ISO_8859_1);
                int status = Integer.parseInt(head.split(" ")[1]);
                return new Reply(status, java.util.Arrays.copyOfRange(all, end + 4, all.length));
            }
        }

        static int indexOfHeadEnd(byte[] b) {
            for (int i = 0; i + 3 < b.length; i++) {
                if (b[i] == '\r' && b[i + 1] == '\n' && b[i + 2] == '\r' && b[i + 3] == '\n') {
                    return i;
                }
            }
            return -1;
        }
    }
}
