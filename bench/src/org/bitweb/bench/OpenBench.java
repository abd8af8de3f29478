package org.bitweb.bench;

import org.bitweb.address.SiteAddress;
import org.bitweb.engine.Engine;
import org.bitweb.engine.EngineOptions;
import org.bitweb.site.Publisher;
import org.bitweb.gateway.SiteSource;
import org.bitweb.store.StateDir;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Opening a site from the swarm, measured as a user meets it: a running engine that has never
 * seen the site, one seeder reachable. Time to the first page of a 10 KB index from a cold 1 GB
 * site beside a cold 1 MB site, and whole-file throughput of a 200 MB file, all in one run.
 */
public final class OpenBench {
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    public static void main(String[] args) throws Exception {
        int bigMb = Integer.getInteger("bench.bigMb", 1024);
        int wholeMb = Integer.getInteger("bench.wholeMb", 200);
        int trials = Integer.getInteger("bench.trials", 5);
        Path temp = Files.createTempDirectory("bitweb-openbench");
        try {
            byte[] index = new byte[10 * 1024];
            java.util.Arrays.fill(index, (byte) 'x');
            System.arraycopy("<h1>bench</h1>".getBytes(StandardCharsets.US_ASCII), 0, index, 0, 14);
            Path small = site(temp.resolve("small"), index, 1);
            Path large = site(temp.resolve("large"), index, bigMb);
            Path whole = Files.createDirectories(temp.resolve("whole"));
            write(whole.resolve("movie.bin"), wholeMb, 42);

            try (Engine seeder = Engine.start(new StateDir(temp.resolve("seeder")), new EngineOptions(0, 0, LOOPBACK))) {
                long t0 = System.nanoTime();
                SiteAddress smallSite = address(seeder.publish(small, Publisher.Progress.NONE).address());
                SiteAddress largeSite = address(seeder.publish(large, Publisher.Progress.NONE).address());
                double publishLarge = (System.nanoTime() - t0) / 1e9;
                SiteAddress wholeSite = address(seeder.publish(whole, Publisher.Progress.NONE).address());
                List<InetSocketAddress> peer = List.of(new InetSocketAddress(LOOPBACK, seeder.peerPort()));

                // a warm-up visit of each (not counted): the seeder's sessions are up and the JIT is warm,
                // as for a seeder that has been running for a while
                firstPage(temp.resolve("warm-small"), smallSite, peer, index.length);
                firstPage(temp.resolve("warm-large"), largeSite, peer, index.length);
                List<Long> smallTimes = new ArrayList<>();
                List<Long> largeTimes = new ArrayList<>();
                for (int i = 0; i < trials; i++) {
                    // alternate, so both sizes see the same machine load
                    smallTimes.add(firstPage(temp.resolve("v-small-" + i), smallSite, peer, index.length));
                    largeTimes.add(firstPage(temp.resolve("v-large-" + i), largeSite, peer, index.length));
                }
                double throughput = wholeFile(temp.resolve("v-whole"), wholeSite, peer, wholeMb);

                Table open = new Table("site (cold, engine running, one seeder on loopback)", "first page p50 (ms)",
                        "min (ms)", "max (ms)");
                open.row("10 KB index + 1 MB", Table.percentile(smallTimes, 50), Table.percentile(smallTimes, 0),
                        Table.percentile(smallTimes, 100));
                open.row("10 KB index + " + bigMb + " MB", Table.percentile(largeTimes, 50), Table.percentile(largeTimes, 0),
                        Table.percentile(largeTimes, 100));
                open.row("ratio large/small (p50)", Table.percentile(largeTimes, 50) / Table.percentile(smallTimes, 50), "", "");
                open.print("Time to the first page, " + trials + " trials each (target: < 1000 ms; large within 20% of small)");

                Table bulk = new Table("transfer", "MB/s");
                bulk.row(wholeMb + " MB file through the gateway of a cold engine", throughput);
                bulk.row("publishing (copy + hash) the 1 MB and " + bigMb + " MB sites", (bigMb + 1) * 1.048576 / publishLarge);
                bulk.print("Whole-file throughput, BitWeb engine to BitWeb engine");
            }
        } finally {
            try (var walk = Files.walk(temp)) {
                walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static SiteAddress address(String label) {
        return SiteAddress.parseLabel(label);
    }

    private static Path site(Path folder, byte[] index, int otherMb) throws Exception {
        Files.createDirectories(folder.resolve("media"));
        Files.write(folder.resolve("index.html"), index);
        write(folder.resolve("media/data.bin"), otherMb, otherMb);
        return folder;
    }

    private static void write(Path file, int mb, long seed) throws Exception {
        Random random = new Random(seed);
        byte[] chunk = new byte[1024 * 1024];
        try (OutputStream out = Files.newOutputStream(file)) {
            for (int i = 0; i < mb; i++) {
                random.nextBytes(chunk);
                out.write(chunk);
            }
        }
    }

    /** A fresh engine (started before the clock runs) asks for the site and reads its first page. */
    private static long firstPage(Path home, SiteAddress site, List<InetSocketAddress> peer, int expected) throws Exception {
        try (Engine visitor = Engine.start(new StateDir(home), new EngineOptions(0, 0, LOOPBACK))) {
            long start = System.nanoTime();
            SiteSource.Lookup lookup = visitor.fetch(site, peer, Duration.ofSeconds(30));
            if (!(lookup instanceof SiteSource.Lookup.Ready)) {
                throw new IllegalStateException("not ready: " + lookup);
            }
            long ready = System.nanoTime();
            long got = get(visitor.gatewayPort(), site.host(), "/");
            long elapsed = System.nanoTime() - start;
            System.err.printf("trial: file list %d ms, first page %d ms%n", (ready - start) / 1_000_000, (elapsed) / 1_000_000);
            if (got != expected) {
                throw new IllegalStateException("first page had " + got + " bytes, not " + expected);
            }
            return elapsed;
        }
    }

    private static double wholeFile(Path home, SiteAddress site, List<InetSocketAddress> peer, int mb) throws Exception {
        try (Engine visitor = Engine.start(new StateDir(home), new EngineOptions(0, 0, LOOPBACK))) {
            long start = System.nanoTime();
            visitor.fetch(site, peer, Duration.ofSeconds(30));
            long got = get(visitor.gatewayPort(), site.host(), "/movie.bin");
            double seconds = (System.nanoTime() - start) / 1e9;
            if (got != mb * 1024L * 1024) {
                throw new IllegalStateException("whole file had " + got + " bytes");
            }
            return got / 1e6 / seconds;
        }
    }

    /** GET through the gateway in proxy form; returns the body's length. */
    private static long get(int port, String host, String path) throws Exception {
        try (Socket socket = new Socket(LOOPBACK, port)) {
            socket.getOutputStream().write(("GET http://" + host + path + " HTTP/1.1\r\nHost: " + host
                    + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            InputStream in = socket.getInputStream();
            StringBuilder head = new StringBuilder();
            while (!head.toString().endsWith("\r\n\r\n")) {
                int c = in.read();
                if (c < 0) {
                    throw new IllegalStateException("no response");
                }
                head.append((char) c);
            }
            if (!head.toString().startsWith("HTTP/1.1 200")) {
                throw new IllegalStateException(head.toString());
            }
            return in.transferTo(OutputStream.nullOutputStream());
        }
    }
}
