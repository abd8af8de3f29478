package org.bitweb.bench;

import com.fasterxml.jackson.databind.JsonNode;
import lbms.plugins.mldht.DHTConfiguration;
import lbms.plugins.mldht.kad.DHT;
import lbms.plugins.mldht.kad.Key;
import lbms.plugins.mldht.kad.RPCServer;
import lbms.plugins.mldht.kad.tasks.GetLookupTask;
import org.bitweb.address.Hex;
import org.bitweb.dht.BootstrapNode;
import org.bitweb.dht.DhtNode;
import org.bitweb.dht.MutableItem;
import org.bitweb.dht.Testnet;
import org.bitweb.interop.ExternalNode;
import org.bitweb.interop.MixedTestnet;
import org.bitweb.keys.Ed25519;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * BEP 44 on the mixed DHT testnet (mldht, libtorrent and bittorrent-dht nodes, docs/DHT.md), side
 * by side in one run, the same keys for everyone: per trial a fresh key, BitWeb puts {ih} (seq 1),
 * then BitWeb, libtorrent, bittorrent-dht and stock mldht ({@code GetLookupTask}, what BitWeb used
 * before) each resolve it for the first time; then libtorrent puts an item of its own. Where a put
 * landed is counted by asking each of the 8 nodes closest to the target. Runs inside the testnet
 * namespace (bench/run.sh dht starts it through src/test/netns/bin/java).
 *
 * <p>Then, on the same net, updates as readers see them (BitWeb engines with their default
 * timing): a publisher and two readers that read the site through their gateways. Per trial the
 * publisher publishes a new version (its connected readers hear of it over BEP 10), and then a
 * key holder elsewhere puts a newer one that no peer of the readers knows (they can learn it only
 * from the DHT, by the rechecks of a site a tab shows). Times run from the end of the publish or
 * put to the reader's engine holding the new seq, and to its next page showing it.
 *
 * <pre>bench/run.sh dht [--trials 30] [--update-trials 30] [--mldht 16] [--libtorrent 4] [--bittorrent-dht 4]</pre>
 */
public final class DhtBench {
    private static final Duration OP = Duration.ofSeconds(20);
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final java.util.concurrent.atomic.AtomicReference<InetAddress> STOCK = new java.util.concurrent.atomic.AtomicReference<>();

    /** One implementation's resolves: times, what they found, and messages sent per resolve. */
    private static final class Resolves {
        final String who;
        final List<Long> nanos = new ArrayList<>();
        final List<Long> messages = new ArrayList<>();
        int found;
        int timedOut;

        Resolves(String who) {
            this.who = who;
        }
    }

    /** One implementation's puts: how many of the 8 closest nodes hold the item afterwards. */
    private static final class Puts {
        final String who;
        final List<Long> nanos = new ArrayList<>();
        final List<Integer> closestHolding = new ArrayList<>();
        /** Of the 8 closest nodes that did not hold the item afterwards, how many of each implementation. */
        final java.util.TreeMap<String, Integer> missedBy = new java.util.TreeMap<>();

        Puts(String who) {
            this.who = who;
        }
    }

    public static void main(String[] args) throws Exception {
        int trials = intArg(args, "--trials", 30);
        int mldhtNodes = intArg(args, "--mldht", 16);
        int ltNodes = Math.max(2, intArg(args, "--libtorrent", 4));
        int jsNodes = Math.max(1, intArg(args, "--bittorrent-dht", 4));
        if (!Testnet.available()) {
            throw new IllegalStateException("not inside the testnet namespace: run it through bench/run.sh dht ("
                    + System.getenv("BITWEB_TESTNET_UNAVAILABLE") + ")");
        }
        List<InetAddress> addresses = new ArrayList<>();
        try (MixedTestnet net = MixedTestnet.start(mldhtNodes, ltNodes, jsNodes)) {
            List<BootstrapNode> via = net.allNodes().stream().limit(4)
                    .map(a -> new BootstrapNode(a.getAddress().getHostAddress(), a.getPort())).toList();
            InetAddress aliceAddress = Testnet.allocateAddress();
            InetAddress bobAddress = Testnet.allocateAddress();
            InetAddress stockAddress = Testnet.allocateAddress();
            STOCK.set(stockAddress);
            addresses.addAll(List.of(aliceAddress, bobAddress, stockAddress));
            try (DhtNode alice = DhtNode.start(Testnet.config(aliceAddress, via, null));
                 DhtNode bob = DhtNode.start(Testnet.config(bobAddress, via, null));
                 StockMldht stock = StockMldht.start(stockAddress, net.allNodes())) {
                for (DhtNode node : List.of(alice, bob)) {
                    Testnet.await(node + " to join", MixedTestnet.STARTUP, () -> node.stats().routingTable() >= DhtNode.HEALTHY_TABLE);
                }
                Testnet.await("stock mldht to join", MixedTestnet.STARTUP, () -> stock.tableSize() >= DhtNode.HEALTHY_TABLE);
                // they are DHT nodes too: among the closest of a target, they count
                net.countAlso(alice.localAddress());
                net.countAlso(bob.localAddress());
                net.countAlso(new InetSocketAddress(stockAddress, Testnet.DHT_PORT));
                if (trials > 0) {
                    run(net, alice, bob, stock, trials);
                }
            }
            int updateTrials = intArg(args, "--update-trials", trials);
            if (updateTrials > 0) {
                Path root = java.nio.file.Files.createTempDirectory("bitweb-dhtbench");
                try {
                    updates(net, root, updateTrials, addresses);
                } finally {
                    deleteTree(root);
                }
            }
        } finally {
            addresses.forEach(Testnet::releaseAddress);
        }
    }

    private static void run(MixedTestnet net, DhtNode alice, DhtNode bob, StockMldht stock, int trials) throws Exception {
        // "the 8 closest" of a put are the 8 closest nodes other than the publisher itself
        ExternalNode ltPublisher = net.libtorrent.get(0);
        ExternalNode ltReader = net.libtorrent.get(1);
        ExternalNode jsReader = net.bittorrentDht.get(0);
        Resolves bitweb = new Resolves("BitWeb (own traversal)");
        Resolves libtorrent = new Resolves("libtorrent 2.0");
        Resolves bittorrentDht = new Resolves("bittorrent-dht 11");
        Resolves mldht = new Resolves("stock mldht GetLookupTask (before)");
        Puts bitwebPuts = new Puts("BitWeb");
        Puts libtorrentPuts = new Puts("libtorrent 2.0");
        System.err.printf(Locale.ROOT, "%d trials on %d nodes%n", trials, net.allNodes().size() + 3);
        for (int trial = 0; trial < trials; trial++) {
            byte[] seed = Ed25519.newSeed();
            byte[] publicKey = Ed25519.publicKey(seed);
            byte[] ih = new byte[20];
            RANDOM.nextBytes(ih);
            byte[] value = ("d2:ih20:" + new String(ih, StandardCharsets.ISO_8859_1) + "e").getBytes(StandardCharsets.ISO_8859_1);
            MutableItem item = new MutableItem(publicKey, new byte[0], 1, value,
                    Ed25519.sign(seed, MutableItem.signedBuffer(new byte[0], 1, value)));

            long t0 = System.nanoTime();
            alice.putMutable(item, OP).get(OP.toSeconds() + 5, TimeUnit.SECONDS);
            bitwebPuts.nanos.add(System.nanoTime() - t0);
            count(net, bitwebPuts, item.target(), 1, alice.localAddress());

            t0 = System.nanoTime();
            DhtNode.ItemResult result = bob.getMutableTraced(publicKey, new byte[0], OP).get(OP.toSeconds() + 5, TimeUnit.SECONDS);
            record(bitweb, System.nanoTime() - t0, result.item().isPresent(), result.requests());

            long before = ltMessages(ltReader);
            t0 = System.nanoTime();
            JsonNode got = ltReader.call(ExternalNode.request("get").put("key", Hex.encode(publicKey)).put("salt", "")
                    .put("timeout", OP.toSeconds()), OP.plusSeconds(5));
            long ltNanos = System.nanoTime() - t0;
            record(libtorrent, ltNanos, got.path("found").asBoolean() && got.path("seq").asLong() == 1, ltMessages(ltReader) - before);

            t0 = System.nanoTime();
            got = jsReader.call(ExternalNode.request("get").put("key", Hex.encode(publicKey)).put("salt", ""), OP.plusSeconds(5));
            record(bittorrentDht, System.nanoTime() - t0, got.path("found").asBoolean() && got.path("seq").asLong() == 1, -1);

            t0 = System.nanoTime();
            StockMldht.Result stockResult = stock.get(item.target()).get(OP.toSeconds() + 5, TimeUnit.SECONDS);
            record(mldht, System.nanoTime() - t0, stockResult.found(), stockResult.requests());

            // libtorrent publishes an item of its own (a string: all its Python binding can put)
            byte[] ltSeed = Ed25519.newSeed();
            byte[] ltKey = Ed25519.publicKey(ltSeed);
            byte[] expanded = MessageDigest.getInstance("SHA-512").digest(ltSeed);
            expanded[0] &= (byte) 248;
            expanded[31] &= 127;
            expanded[31] |= 64;
            t0 = System.nanoTime();
            JsonNode put = ltPublisher.call(ExternalNode.request("put").put("secret", Hex.encode(expanded)).put("public", Hex.encode(ltKey))
                    .put("salt", "").put("text", "trial " + trial).put("timeout", OP.toSeconds()), OP.plusSeconds(5));
            libtorrentPuts.nanos.add(System.nanoTime() - t0);
            count(net, libtorrentPuts, MutableItem.target(ltKey, new byte[0]), put.path("seq").asLong(1), ltPublisher.address());
            System.err.printf(Locale.ROOT, "trial %d: BitWeb put on %d/8 closest, resolve %.0f ms; libtorrent resolve %.0f ms, put on %d/8%n",
                    trial + 1, bitwebPuts.closestHolding.get(trial), bitweb.nanos.get(trial) / 1e6, ltNanos / 1e6,
                    libtorrentPuts.closestHolding.get(trial));
        }

        Table resolves = new Table("resolver", "trials", "found", "timed out", "p50 ms", "p95 ms", "max ms", "lookup msgs/resolve (mean)");
        for (Resolves r : List.of(bitweb, libtorrent, bittorrentDht, mldht)) {
            resolves.row(r.who, r.nanos.size(), r.found, r.timedOut, Table.percentile(r.nanos, 50), Table.percentile(r.nanos, 95),
                    Table.percentile(r.nanos, 100),
                    r.messages.isEmpty() ? "-" : String.format(Locale.ROOT, "%.1f", r.messages.stream().mapToLong(Long::longValue).average().orElse(0)));
        }
        resolves.print("First resolve of a key site's item (BEP 44 get of an item BitWeb put a moment before), " + bitweb.nanos.size()
                + " trials, mixed testnet of " + (net.allNodes().size() + 3) + " nodes");

        Table puts = new Table("publisher", "puts", "on >= 6 of 8 closest", "share of the 8 closest holding it", "min of 8", "put p50 ms", "put p95 ms", "closest nodes without it, by implementation");
        for (Puts p : List.of(bitwebPuts, libtorrentPuts)) {
            long atLeastSix = p.closestHolding.stream().filter(n -> n >= 6).count();
            double share = p.closestHolding.stream().mapToInt(Integer::intValue).average().orElse(0) / 8.0;
            puts.row(p.who, p.closestHolding.size(), atLeastSix, String.format(Locale.ROOT, "%.1f %%", share * 100),
                    p.closestHolding.stream().mapToInt(Integer::intValue).min().orElse(0),
                    Table.percentile(p.nanos, 50), Table.percentile(p.nanos, 95), p.missedBy.isEmpty() ? "-" : p.missedBy.toString());
        }
        puts.print("Puts: where the item is afterwards (each of the 8 nodes closest to the target, other than the publisher, asked directly)");
    }

    /** Asks each of the 8 closest nodes whether it holds {@code seq}; notes who did not. */
    private static void count(MixedTestnet net, Puts p, byte[] target, long seq, InetSocketAddress publisher) {
        int holding = 0;
        for (var e : net.storedSeqs(net.closest(target, 8, publisher), target).entrySet()) {
            if (e.getValue() >= seq) {
                holding++;
            } else {
                String who = e.getKey().getAddress().equals(STOCK.get()) ? "stock mldht" : net.implementation(e.getKey());
                p.missedBy.merge(who, 1, Integer::sum);
            }
        }
        p.closestHolding.add(holding);
        if (holding < 8) {
            System.err.println(p.who + " put missed some of the 8 closest: " + net.describe(target, 8, publisher));
        }
    }

    // ------------------------------------------------------------------ updates

    private static org.bitweb.engine.Engine engine(MixedTestnet net, Path root, String name, List<InetAddress> addresses) throws Exception {
        InetAddress address = Testnet.allocateAddress();
        addresses.add(address);
        List<BootstrapNode> via = net.allNodes().stream().limit(4)
                .map(a -> new BootstrapNode(a.getAddress().getHostAddress(), a.getPort())).toList();
        return org.bitweb.engine.Engine.start(new org.bitweb.store.StateDir(root.resolve(name)),
                new org.bitweb.engine.EngineOptions(0, 0, address)
                        .withDht(new org.bitweb.dht.DhtConfig(address, Testnet.DHT_PORT, via, null))
                        .withLanDiscovery(false));
    }

    private static Path version(Path root, String text) throws Exception {
        Path folder = java.nio.file.Files.createDirectories(root);
        java.nio.file.Files.writeString(folder.resolve("index.html"), text);
        java.nio.file.Files.write(folder.resolve("logo.bin"), new byte[50_000]);
        return folder;
    }

    /** GETs the page through the gateway until it contains {@code text} (bounded); false if it never did. */
    private static boolean pageShows(org.bitweb.engine.Engine reader, org.bitweb.address.SiteAddress site, String text, Duration timeout)
            throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            org.bitweb.testing.Http.Reply reply = org.bitweb.testing.Http.proxyGet(reader.gatewayPort(), site.host(), "/");
            if (reply.status() == 200 && reply.text().contains(text)) {
                return true;
            }
            Thread.sleep(50);
        }
        return false;
    }

    /** When the reader's engine holds {@code seq} (nanoTime), or -1 after {@code timeout}. */
    private static long awaitSeq(org.bitweb.engine.Engine reader, org.bitweb.address.SiteAddress site, long seq, Duration timeout)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (reader.keySites().record(site).map(r -> r.seq() >= seq).orElse(false)) {
                return System.nanoTime();
            }
            Thread.sleep(20);
        }
        return -1;
    }

    private static void updates(MixedTestnet net, Path root, int trials, List<InetAddress> addresses) throws Exception {
        Duration limit = Duration.ofSeconds(60);
        List<Long> connectedLearned = new ArrayList<>();
        List<Long> connectedShown = new ArrayList<>();
        List<Long> dhtLearned = new ArrayList<>();
        List<Long> dhtShown = new ArrayList<>();
        int missed = 0;
        try (org.bitweb.engine.Engine publisher = engine(net, root, "publisher", addresses);
             org.bitweb.engine.Engine elsewhere = engine(net, root, "elsewhere", addresses);
             org.bitweb.engine.Engine reader = engine(net, root, "reader", addresses)) {
            var published = publisher.keySites().publish(version(root.resolve("v0"), "<h1>version 0</h1>"), "bench", new byte[0],
                    org.bitweb.site.Publisher.Progress.NONE);
            org.bitweb.address.SiteAddress site = org.bitweb.address.SiteAddress.parseHostPart(published.site().address());
            if (!pageShows(reader, site, "version 0", limit)) {
                throw new IllegalStateException("the reader never showed the first version");
            }
            var key = org.bitweb.keys.KeyRing.of(publisher.stateDir()).load("bench");
            long seq = published.seq();
            for (int trial = 1; trial <= trials; trial++) {
                // the publisher publishes: its connected reader hears of it over BEP 10
                String text = "version " + trial + "a";
                var p = publisher.keySites().publish(version(root.resolve("v" + trial + "a"), "<h1>" + text + "</h1>"), "bench",
                        new byte[0], org.bitweb.site.Publisher.Progress.NONE);
                long t0 = System.nanoTime();
                seq = p.seq();
                long learned = awaitSeq(reader, site, seq, limit);
                boolean shown = learned > 0 && pageShows(reader, site, text, limit);
                if (learned < 0 || !shown) {
                    missed++;
                } else {
                    connectedLearned.add(learned - t0);
                    connectedShown.add(System.nanoTime() - t0);
                }
                // a key holder elsewhere puts a newer version no peer of the reader knows
                text = "version " + trial + "b";
                String ih = elsewhere.publish(version(root.resolve("v" + trial + "b"), "<h1>" + text + "</h1>"),
                        org.bitweb.site.Publisher.Progress.NONE).infohash();
                seq++;
                MutableItem item = key.signItem(new byte[0], seq, org.bitweb.updates.SiteValue.encode(ih));
                elsewhere.dht().orElseThrow().putMutable(item, OP).get(OP.toSeconds() + 5, TimeUnit.SECONDS);
                t0 = System.nanoTime();
                learned = awaitSeq(reader, site, seq, limit);
                shown = learned > 0 && pageShows(reader, site, text, limit);
                if (learned < 0 || !shown) {
                    missed++;
                } else {
                    dhtLearned.add(learned - t0);
                    dhtShown.add(System.nanoTime() - t0);
                }
                System.err.printf(Locale.ROOT, "update trial %d: connected %s ms, DHT only %s ms%n", trial,
                        connectedShown.isEmpty() ? "-" : connectedShown.get(connectedShown.size() - 1) / 1_000_000,
                        dhtShown.isEmpty() ? "-" : dhtShown.get(dhtShown.size() - 1) / 1_000_000);
            }
        }
        Table table = new Table("reader", "updates", "learned p50 ms", "learned p95 ms", "page shows it p50 ms", "page shows it p95 ms", "max ms");
        table.row("connected to the publisher (BEP 10)", connectedShown.size(), Table.percentile(connectedLearned, 50),
                Table.percentile(connectedLearned, 95), Table.percentile(connectedShown, 50), Table.percentile(connectedShown, 95),
                Table.percentile(connectedShown, 100));
        table.row("told by no peer (DHT rechecks)", dhtShown.size(), Table.percentile(dhtLearned, 50), Table.percentile(dhtLearned, 95),
                Table.percentile(dhtShown, 50), Table.percentile(dhtShown, 95), Table.percentile(dhtShown, 100));
        table.print("Updates as a reader with the site open sees them (engine defaults), from the end of the publish or put; "
                + missed + " of " + (2 * trials) + " not seen within " + limit.toSeconds() + " s");
    }

    private static void deleteTree(Path root) throws java.io.IOException {
        try (var paths = java.nio.file.Files.walk(root)) {
            for (Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                java.nio.file.Files.deleteIfExists(path);
            }
        }
    }

    private static void record(Resolves r, long nanos, boolean found, long messages) {
        r.nanos.add(nanos);
        if (found) {
            r.found++;
        }
        if (nanos >= OP.toNanos()) {
            r.timedOut++;
        }
        if (messages >= 0) {
            r.messages.add(messages);
        }
    }

    private static long ltMessages(ExternalNode node) throws Exception {
        return node.call(ExternalNode.request("stats"), Duration.ofSeconds(5)).path("messagesOut").asLong();
    }

    private static int intArg(String[] args, String name, int fallback) {
        for (int i = 0; i + 1 < args.length; i++) {
            if (args[i].equals(name)) {
                return Integer.parseInt(args[i + 1]);
            }
        }
        return fallback;
    }

    /**
     * A stock mldht node driving its own {@link GetLookupTask}: the BEP 44 lookup BitWeb used before
     * its own traversal, for the "before" row.
     */
    static final class StockMldht implements AutoCloseable {
        record Result(boolean found, long requests) {
        }

        private final DHT dht = new DHT(DHT.DHTtype.IPV4_DHT);
        private final ScheduledThreadPoolExecutor scheduler = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "stock-mldht");
            t.setDaemon(true);
            return t;
        });

        static StockMldht start(InetAddress bind, List<InetSocketAddress> nodes) throws Exception {
            StockMldht stock = new StockMldht();
            Path noStorage = Path.of(System.getProperty("java.io.tmpdir"), "bitweb-bench-unused-" + UUID.randomUUID());
            stock.dht.setScheduler(stock.scheduler);
            stock.dht.start(new DHTConfiguration() {
                @Override
                public boolean isPersistingID() {
                    return false;
                }

                @Override
                public Path getStoragePath() {
                    return noStorage;
                }

                @Override
                public int getListeningPort() {
                    return Testnet.DHT_PORT;
                }

                @Override
                public boolean noRouterBootstrap() {
                    return true;
                }

                @Override
                public boolean allowMultiHoming() {
                    return false;
                }

                @Override
                public Predicate<InetAddress> filterBindAddress() {
                    return bind::equals;
                }
            });
            Testnet.await("stock mldht to bind", Duration.ofSeconds(10), () -> stock.server() != null);
            nodes.forEach(n -> stock.scheduler.execute(() -> stock.server().ping(n)));
            return stock;
        }

        private RPCServer server() {
            return dht.getServerManager().getRandomActiveServer(true);
        }

        int tableSize() {
            return dht.getNode() == null ? 0 : (int) dht.getNode().table().stream().mapToLong(e -> e.getBucket().getNumEntries()).sum();
        }

        /** A get as mldht runs it; the result is whether it found a value before it ended (or the timeout). */
        CompletableFuture<Result> get(byte[] target) {
            CompletableFuture<Result> result = new CompletableFuture<>();
            scheduler.execute(() -> {
                GetLookupTask task = new GetLookupTask(new Key(target), server(), dht.getNode());
                boolean[] found = {false};
                task.setValueConsumer(v -> found[0] = true);
                task.addListener(t -> result.complete(new Result(found[0], t.getSentReqs())));
                scheduler.schedule(() -> {
                    if (!result.isDone()) {
                        result.complete(new Result(found[0], task.getSentReqs()));
                        task.kill();
                    }
                }, OP.toMillis(), TimeUnit.MILLISECONDS);
                dht.getTaskManager().addTask(task);
                dht.getTaskManager().dequeue(task.getRPC());
            });
            return result;
        }

        @Override
        public void close() {
            dht.stop();
            scheduler.shutdownNow();
        }
    }
}
