package org.bitweb.bench;

import org.bitweb.address.SiteAddress;
import org.bitweb.engine.Engine;
import org.bitweb.engine.EngineOptions;
import org.bitweb.gateway.SiteSource;
import org.bitweb.gateway.SiteView;
import org.bitweb.site.Publisher;
import org.bitweb.store.StateDir;

import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;

/**
 * Rate limits, configured against measured: a publisher and a visitor engine on loopback, the
 * visitor reading one big file through its engine while a limit is set on the publisher's
 * upload or the visitor's download. The rate is what the visitor read from its connections
 * (all bytes, protocol included) over {@code bench.seconds} (60) after a warm-up of 5 s; the
 * seeder's count of piece bytes it let out is shown beside it.
 *
 * <p>bench/run.sh rates [-Dbench.rates=100000,1000000 -Dbench.seconds=60 in BENCH_JAVA_OPTS]
 */
public final class RateBench {
    private static final int WARM_UP_SECONDS = 5;

    public static void main(String[] args) throws Exception {
        int seconds = Integer.getInteger("bench.seconds", 60);
        String[] rates = System.getProperty("bench.rates", "100000,1000000").split(",");
        Table table = new Table("limit", "configured B/s", "measured B/s", "error %", "seeder sent B/s", "seconds");
        for (String text : rates) {
            long rate = Long.parseLong(text.trim());
            for (boolean upload : new boolean[]{true, false}) {
                double[] measured = run(rate, upload, seconds);
                table.row(upload ? "upload (seeder)" : "download (visitor)", rate, Math.round(measured[0]),
                        String.format(java.util.Locale.ROOT, "%+.1f", 100 * (measured[0] - rate) / rate),
                        Math.round(measured[1]), seconds);
            }
        }
        table.print("Rate limits on loopback, engine to engine, while the visitor reads one big file "
                + "(measured at the visitor over " + seconds + " s after " + WARM_UP_SECONDS + " s)");
    }

    /** @return {bytes per second the visitor read, piece bytes per second the seeder let out} */
    static double[] run(long rate, boolean upload, int seconds) throws Exception {
        Path root = Files.createTempDirectory("bitweb-bench-rates-");
        Engine publisher = null;
        Engine visitor = null;
        try {
            Path folder = Files.createDirectories(root.resolve("site"));
            int size = (int) Math.min(Integer.MAX_VALUE - 16, rate * (seconds + WARM_UP_SECONDS + 10) * 3 / 2);
            byte[] data = new byte[size];
            new Random(5).nextBytes(data);
            Files.write(folder.resolve("big.bin"), data);
            Files.writeString(folder.resolve("index.html"), "<h1>rates</h1>");
            InetAddress loopback = InetAddress.getLoopbackAddress();
            publisher = Engine.start(new StateDir(root.resolve("a")), new EngineOptions(0, 0, loopback).withLanDiscovery(false));
            SiteAddress site = new SiteAddress(SiteAddress.Kind.INFOHASH, publisher.publish(folder, Publisher.Progress.NONE).address());
            visitor = Engine.start(new StateDir(root.resolve("b")), new EngineOptions(0, 0, loopback,
                    Duration.ofSeconds(60), Duration.ofSeconds(120)).withLanDiscovery(false));
            if (upload) {
                publisher.bandwidth().limit(rate, 0);
            } else {
                visitor.bandwidth().limit(0, rate);
            }
            SiteSource.Lookup lookup = visitor.fetch(site, List.of(new InetSocketAddress(loopback, publisher.peerPort())),
                    Duration.ofSeconds(30));
            if (!(lookup instanceof SiteSource.Lookup.Ready ready)) {
                throw new IllegalStateException("site not ready: " + lookup);
            }
            SiteView view = ready.view();
            SiteView.FileEntry entry = view.file("big.bin").orElseThrow();
            Thread reader = new Thread(() -> {
                try (InputStream in = view.open(entry, 0, entry.length())) {
                    in.transferTo(java.io.OutputStream.nullOutputStream());
                } catch (Exception e) {
                    // the engines close under it at the end
                }
            }, "bench-reader");
            reader.setDaemon(true);
            reader.start();
            Thread.sleep(WARM_UP_SECONDS * 1000L);
            long startIn = visitor.bandwidth().downloaded();
            long startOut = publisher.bandwidth().uploaded();
            long start = System.nanoTime();
            Thread.sleep(seconds * 1000L);
            double elapsed = (System.nanoTime() - start) / 1e9;
            return new double[]{(visitor.bandwidth().downloaded() - startIn) / elapsed,
                    (publisher.bandwidth().uploaded() - startOut) / elapsed};
        } finally {
            if (visitor != null) {
                visitor.close();
            }
            if (publisher != null) {
                publisher.close();
            }
            Publisher.deleteTree(root);
        }
    }
}
