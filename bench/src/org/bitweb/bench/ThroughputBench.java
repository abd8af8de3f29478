package org.bitweb.bench;

import bt.runtime.Config;
import org.bitweb.interop.BitwebSeeder;
import org.bitweb.interop.BtDownload;
import org.bitweb.interop.BtSeed;
import org.bitweb.interop.LibtorrentDownload;
import org.bitweb.interop.LibtorrentPeer;
import org.bitweb.interop.SiteFixture;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Whole-site throughput on loopback, side by side in one run on the same data: a BitWeb engine
 * seeding a published site to libtorrent and to plain bt 1.10 clients with several settings, a bt
 * seeder with tuned settings, and libtorrent to libtorrent as the reference. Prints one table.
 *
 * <pre>bench/run.sh [--size-mb 200] [--runs 1] [--only "BitWeb engine -> bt"] [--timeout-s 300] [--keep]</pre>
 *
 * Everything lives in one folder under /tmp that is deleted at the end (unless --keep). All
 * clients are on 127.0.0.1 with DHT, local discovery, UPnP/NAT-PMP and uTP off.
 */
public final class ThroughputBench {
    private static Duration timeout = Duration.ofMinutes(5);

    private final Path work;
    private final int runs;
    private final String only;
    private final List<Row> rows = new ArrayList<>();

    record Row(String seeder, String client, double seconds, double firstPiece, long bytes, String note) {
        double rate() {
            return bytes / 1e6 / seconds;
        }
    }

    private ThroughputBench(Path work, int runs, String only) {
        this.work = work;
        this.runs = runs;
        this.only = only;
    }

    /** --only: run the scenarios whose "seeder -> downloader" contains this text. */
    private boolean selected(String seeder, String client) {
        return only == null || (seeder + " -> " + client).contains(only);
    }

    public static void main(String[] args) throws Exception {
        long sizeMb = 200;
        int runs = 1;
        boolean keep = false;
        String only = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--size-mb" -> sizeMb = Long.parseLong(args[++i]);
                case "--runs" -> runs = Integer.parseInt(args[++i]);
                case "--keep" -> keep = true;
                case "--only" -> only = args[++i];
                case "--timeout-s" -> timeout = Duration.ofSeconds(Long.parseLong(args[++i]));
                default -> throw new IllegalArgumentException("unknown argument " + args[i]
                        + " (use --size-mb N, --runs N, --only TEXT, --timeout-s N, --keep)");
            }
        }
        Path work = Files.createTempDirectory(Path.of("/tmp"), "bitweb-bench-");
        try {
            new ThroughputBench(work, runs, only).run(sizeMb);
        } finally {
            if (keep) {
                System.err.println("kept " + work);
            } else {
                deleteTree(work);
            }
        }
        System.exit(0); // bt leaves non-daemon threads behind
    }

    private void run(long sizeMb) throws Exception {
        log("making a %d MB site in %s", sizeMb, work);
        Path site = SiteFixture.makeBulkSite(work.resolve("src"), "bench-site", sizeMb << 20, 42);
        Path warmSite = SiteFixture.makeBulkSite(work.resolve("src"), "warm-up", 16 << 20, 7);
        try (BitwebSeeder engine = BitwebSeeder.publish(site, work.resolve("state"))) {
            Path torrent = engine.torrent();
            Path data = engine.dataRoot();
            log("published %s (%s, %d KiB pieces)", engine.infohash(), torrent,
                    org.bitweb.torrent.TorrentInfo.parseTorrent(Files.readAllBytes(torrent)).pieceLength() / 1024);
            List<InetSocketAddress> bitweb = List.of(engine.peerAddress());
            warmUp(engine, warmSite);

            // the reference: libtorrent seeding the same torrent and data to libtorrent
            try (LibtorrentPeer lt = LibtorrentPeer.seedTorrent(torrent, data, work.resolve("logs"), Duration.ofMinutes(3))) {
                libtorrent("libtorrent", List.of(lt.address()), torrent, "reference");
                bt("libtorrent", List.of(lt.address()), torrent, "bt tuned", tunedClient());
            }

            // the BitWeb engine as it seeds today (bt defaults)
            libtorrent("BitWeb engine", bitweb, torrent, "");
            bt("BitWeb engine", bitweb, torrent, "bt default", BtDownload.defaultConfig());
            bt("BitWeb engine", bitweb, torrent, "bt interval 10 ms", with(c -> c.setMaxMessageProcessingInterval(Duration.ofMillis(10))));
            bt("BitWeb engine", bitweb, torrent, "bt interval 1 ms", with(c -> c.setMaxMessageProcessingInterval(Duration.ofMillis(1))));
            bt("BitWeb engine", bitweb, torrent, "bt 1 ms, 32 pieces", with(c -> {
                c.setMaxMessageProcessingInterval(Duration.ofMillis(1));
                c.setMaxSimultaneouslyAssignedPieces(32);
                c.setMaxOutstandingRequests(1000);
            }));
            bt("BitWeb engine", bitweb, torrent, "bt 10 ms, 32 pieces", with(c -> {
                c.setMaxMessageProcessingInterval(Duration.ofMillis(10));
                c.setMaxSimultaneouslyAssignedPieces(32);
                c.setMaxOutstandingRequests(1000);
            }));
            bt("BitWeb engine", bitweb, torrent, "bt tuned", tunedClient());

            // bt seeders with the engine's settings changed: what the engine could seed at
            try (BtSeed seed = BtSeed.start(with(c -> c.setMaxMessageProcessingInterval(Duration.ofMillis(1))), torrent, data)) {
                List<InetSocketAddress> seeder = List.of(seed.address());
                Thread.sleep(3000); // it verifies the data before it seeds
                libtorrent("bt 1 ms", seeder, torrent, "");
                bt("bt 1 ms", seeder, torrent, "bt default", BtDownload.defaultConfig());
                bt("bt 1 ms", seeder, torrent, "bt tuned", tunedClient());
            }
            try (BtSeed seed = BtSeed.start(tunedSeeder(), torrent, data)) {
                List<InetSocketAddress> seeder = List.of(seed.address());
                Thread.sleep(3000);
                libtorrent("bt 1 ms, MSE off", seeder, torrent, "");
                // a bt client with MSE on cannot connect to it at all: bt does not fall back to a plain handshake
                bt("bt 1 ms, MSE off", seeder, torrent, "bt tuned", tunedClient());
            }
        }
        print(sizeMb);
    }

    /** JIT and class loading out of the way: one small download with each bt config family. */
    private void warmUp(BitwebSeeder engine, Path warmSite) throws Exception {
        var status = engine.engine().publish(warmSite, org.bitweb.site.Publisher.Progress.NONE);
        Path torrent = engine.engine().stateDir().site(status.address()).resolve("site.torrent");
        for (Config config : List.of(BtDownload.defaultConfig(), tunedClient())) {
            Path save = work.resolve("warm");
            try {
                BtDownload.run(config, torrent, save, List.of(engine.peerAddress()), timeout);
            } finally {
                deleteTree(save);
            }
        }
        log("warmed up");
    }

    /** The download settings that make bt fast on loopback (see the table). */
    static Config tunedClient() throws IOException {
        return with(c -> {
            c.setMaxMessageProcessingInterval(Duration.ofMillis(1));
            c.setMaxSimultaneouslyAssignedPieces(32);
            c.setMaxOutstandingRequests(1000);
            c.setNumOfHashingThreads(2);
            c.setMseDisabled(true); // bt's MSE waits 1 s between reads, and is broken (see the interop tests)
        });
    }

    /** The seeding settings that make bt fast: no idle backoff, no 1 s waits in the handshake. */
    static Config tunedSeeder() throws IOException {
        return with(c -> {
            c.setMaxMessageProcessingInterval(Duration.ofMillis(1));
            c.setMseDisabled(true);
        });
    }

    private static Config with(Consumer<Config> change) throws IOException {
        Config config = BtDownload.defaultConfig();
        change.accept(config);
        return config;
    }

    private void libtorrent(String seeder, List<InetSocketAddress> peers, Path torrent, String note) throws Exception {
        if (!selected(seeder, "libtorrent")) {
            return;
        }
        Row best = null;
        for (int i = 0; i < runs; i++) {
            Path save = work.resolve("dl");
            LibtorrentDownload.Result r = LibtorrentDownload.run(torrent, save, peers,
                    LibtorrentDownload.Encryption.DISABLED, timeout, work.resolve("logs"));
            deleteTree(save);
            if (!r.ok()) {
                log("libtorrent <- %s FAILED:%n%s", seeder, r.diagnostics());
                rows.add(new Row(seeder, "libtorrent", Double.NaN, Double.NaN, 0, "FAILED"));
                return;
            }
            Row row = new Row(seeder, "libtorrent", r.seconds(), Double.NaN, sizeOf(torrent), note);
            log("libtorrent <- %s: %.1f MB/s", seeder, row.rate());
            best = best == null || row.seconds < best.seconds ? row : best;
        }
        rows.add(best);
    }

    private void bt(String seeder, List<InetSocketAddress> peers, Path torrent, String client, Config config)
            throws Exception {
        if (!selected(seeder, client)) {
            return;
        }
        Row best = null;
        for (int i = 0; i < runs; i++) {
            Path save = work.resolve("dl");
            config.setAcceptorPort(BtDownload.freePort());
            try {
                BtDownload.Result r = BtDownload.run(config, torrent, save, peers, timeout);
                Row row = new Row(seeder, client, r.seconds(), r.firstPieceSeconds(), r.bytes(), "");
                log("%s <- %s: %.1f MB/s", client, seeder, row.rate());
                best = best == null || row.seconds < best.seconds ? row : best;
            } catch (java.util.concurrent.TimeoutException e) {
                log("%s <- %s FAILED: %s", client, seeder, e.getMessage());
                rows.add(new Row(seeder, client, Double.NaN, Double.NaN, 0, "FAILED: " + e.getMessage()));
                return;
            } finally {
                deleteTree(save);
            }
        }
        rows.add(best);
    }

    private void print(long sizeMb) {
        double reference = rows.stream().filter(r -> r.note.equals("reference")).mapToDouble(Row::rate).findFirst().orElse(Double.NaN);
        System.out.printf(Locale.ROOT, "%nWhole-site download of %d MB on loopback (best of %d; time from start,"
                + " connection included; 1st piece = time to the first verified piece)%n%n", sizeMb, runs);
        System.out.printf(Locale.ROOT, "| %-16s | %-20s | %7s | %7s | %12s | %8s | %s%n",
                "seeder", "downloader", "MB/s", "time s", "1st piece s", "vs lt-lt", "note");
        System.out.printf(Locale.ROOT, "|%s|%s|%s|%s|%s|%s|%s%n", "-".repeat(18), "-".repeat(22), "-".repeat(9),
                "-".repeat(9), "-".repeat(14), "-".repeat(10), "---");
        for (Row r : rows) {
            System.out.printf(Locale.ROOT, "| %-16s | %-20s | %7.1f | %7.2f | %12s | %8s | %s%n", r.seeder, r.client,
                    r.rate(), r.seconds, Double.isNaN(r.firstPiece) ? "-" : String.format(Locale.ROOT, "%.2f", r.firstPiece),
                    String.format(Locale.ROOT, "%.2f", r.rate() / reference), r.note);
        }
        System.out.println();
        System.out.println("BitWeb engine = the engine as it is (bt 1.10 defaults: 100 ms message interval, 3 pieces"
                + " per peer, MSE on with 1 s between handshake reads); bt 1 ms = bt defaults but a 1 ms message interval;");
        System.out.println("bt tuned = maxMessageProcessingInterval 1 ms, maxSimultaneouslyAssignedPieces 32,"
                + " maxOutstandingRequests 1000, numOfHashingThreads 2, MSE off;");
        System.out.println("libtorrent 2.0.8 over TCP with plaintext handshakes (uTP, DHT, LSD off).");
    }

    private static long sizeOf(Path torrent) throws IOException {
        return org.bitweb.torrent.TorrentInfo.parseTorrent(Files.readAllBytes(torrent)).totalSize();
    }

    private static void log(String format, Object... args) {
        System.err.printf(Locale.ROOT, "bench: " + format + "%n", args);
    }

    static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : (Iterable<Path>) walk.sorted(Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(p);
            }
        }
    }
}
