package org.bitweb.bench;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * A visitor's own downloads must not starve other tabs (issue 12, item 8): N connections each
 * ask for a 50 MB file and stop reading after the first byte (a paused video, a slow disk, an
 * attacker), then a normal page is asked for on a new connection, five times; its latency is
 * what the table shows, beside nginx under the same slow readers, in one run.
 *
 * <pre>bench/run.sh slow [--readers 0,40,100,200] [--file-mb 50] [--timeout-s 60] [--engine-jvm "..."]</pre>
 */
public final class SlowReadersBench {

    public static void main(String[] args) throws Exception {
        int[] readers = {0, 40, 100, 200};
        int fileMb = 50;
        int timeoutS = 60;
        List<String> engineJvm = EngineJvmDefaults.get();
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--readers" -> readers = Arrays.stream(args[i + 1].split(",")).mapToInt(Integer::parseInt).toArray();
                case "--file-mb" -> fileMb = Integer.parseInt(args[i + 1]);
                case "--timeout-s" -> timeoutS = Integer.parseInt(args[i + 1]);
                case "--engine-jvm" -> engineJvm = args[i + 1].isBlank() ? List.of() : List.of(args[i + 1].trim().split("\\s+"));
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        Path temp = Files.createTempDirectory("bitweb-slowbench");
        try {
            Path site = Files.createDirectories(temp.resolve("site"));
            byte[] page = new byte[13 * 1024];
            Arrays.fill(page, (byte) 'x');
            Files.write(site.resolve("index.html"), page);
            byte[] big = new byte[fileMb * 1024 * 1024];
            new Random(7).nextBytes(big);
            Files.write(site.resolve("big.bin"), big);
            Servers.readableByAll(site);
            Path home = temp.resolve("engine");
            String address = Servers.publish(home, site, engineJvm);

            Table table = new Table("slow readers", "BitWeb p50 ms", "BitWeb max ms", "nginx p50 ms", "nginx max ms",
                    "BitWeb downloads not started", "BitWeb threads", "BitWeb RSS MB");
            List<double[]> bitweb = new ArrayList<>();
            List<double[]> nginx = new ArrayList<>();
            try (Servers.Server server = Servers.engine(home, engineJvm, address)) {
                for (int n : readers) {
                    bitweb.add(measure(server, n, page.length, timeoutS));
                }
            }
            try (Servers.Server server = Servers.nginx(temp.resolve("nginx"), site)) {
                for (int n : readers) {
                    nginx.add(measure(server, n, page.length, timeoutS));
                }
            }
            for (int i = 0; i < readers.length; i++) {
                double[] b = bitweb.get(i);
                double[] x = nginx.get(i);
                table.row(readers[i], ms(b[0], timeoutS), ms(b[1], timeoutS), ms(x[0], timeoutS), ms(x[1], timeoutS),
                        (int) b[4], (int) b[2], b[3]);
            }
            table.print("A normal 13 KB page while N connections download a " + fileMb
                    + " MB file and do not read (5 requests each, new connection; '>" + timeoutS + " s' = no whole answer within " + timeoutS + " s;"
                    + " not started = no byte of the download within 5 s)");
        } finally {
            try (var walk = Files.walk(temp)) {
                walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static String ms(double value, int timeoutS) {
        return Double.isInfinite(value) ? ">" + timeoutS + " s" : String.format("%.1f", value);
    }

    /** @return p50 ms, max ms, threads and RSS of the server while the readers hang, downloads not started */
    private static double[] measure(Servers.Server server, int readers, int pageLength, int timeoutS) throws IOException {
        List<Socket> slow = new ArrayList<>();
        try {
            for (int i = 0; i < readers; i++) {
                Socket s = new Socket();
                s.setReceiveBufferSize(4096); // before connect: the window the server sees stays small
                s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), server.port()), 10_000);
                s.getOutputStream().write(request(server, "big.bin", false));
                slow.add(s);
            }
            // at most 5 s for the downloads to start: longer, and a server's idle timeout (Jetty's
            // 30 s) would end the stuck ones before the page is asked for
            long deadline = System.nanoTime() + 5_000_000_000L;
            int notStarted = 0;
            for (Socket s : slow) {
                s.setSoTimeout((int) Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
                try {
                    s.getInputStream().read(); // the server is sending: from here on, nobody reads
                } catch (SocketTimeoutException e) {
                    notStarted++; // queued behind the others: it holds a connection all the same
                }
            }
            double threads = server.threads();
            double rss = server.rssMb();
            List<Long> times = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                times.add(normalRequest(server, pageLength, timeoutS));
            }
            times.sort(null);
            double p50 = times.get(2) == Long.MAX_VALUE ? Double.POSITIVE_INFINITY : times.get(2) / 1e6;
            double max = times.get(4) == Long.MAX_VALUE ? Double.POSITIVE_INFINITY : times.get(4) / 1e6;
            System.err.printf("%s, %d slow readers (%d not started): p50 %.1f ms, max %.1f ms, %d threads%n",
                    server.name(), readers, notStarted, p50, max, (int) threads);
            return new double[] {p50, max, threads, rss, notStarted};
        } finally {
            for (Socket s : slow) {
                s.close();
            }
        }
    }

    /** Nanoseconds to a whole page on a new connection, or Long.MAX_VALUE if none came in time. */
    private static long normalRequest(Servers.Server server, int pageLength, int timeoutS) throws IOException {
        long t0 = System.nanoTime();
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
            s.setSoTimeout(timeoutS * 1000);
            s.getOutputStream().write(request(server, "index.html", true));
            InputStream in = s.getInputStream();
            byte[] all = in.readAllBytes();
            int end = Servers.HttpProbe.indexOfHeadEnd(all);
            if (end < 0 || all.length - end - 4 != pageLength
                    || !new String(all, 0, 12, StandardCharsets.ISO_8859_1).contains(" 200")) {
                System.err.println(server.name() + ": not a whole page: " + all.length + " bytes, "
                        + new String(all, 0, Math.min(all.length, 200), StandardCharsets.ISO_8859_1));
                return Long.MAX_VALUE; // counted as no answer
            }
            return System.nanoTime() - t0;
        } catch (SocketTimeoutException e) {
            return Long.MAX_VALUE;
        } catch (IOException e) {
            System.err.println(server.name() + ": the page request failed: " + e);
            return Long.MAX_VALUE;
        }
    }

    private static byte[] request(Servers.Server server, String file, boolean close) {
        return ("GET " + server.target(file) + " HTTP/1.1\r\nHost: " + server.host() + "\r\n"
                + (close ? "Connection: close\r\n" : "") + "\r\n").getBytes(StandardCharsets.ISO_8859_1);
    }
}
