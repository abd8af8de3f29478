package org.bitweb.bench;

import org.bitweb.address.SiteAddress;
import org.bitweb.comments.CommentNetwork;
import org.bitweb.comments.CommentRecord;
import org.bitweb.comments.Draft;
import org.bitweb.comments.Listing;
import org.bitweb.comments.Page;
import org.bitweb.comments.Signer;
import org.bitweb.dht.DhtNode;
import org.bitweb.dht.MutableItem;
import org.bitweb.engine.Engine;
import org.bitweb.keys.SiteKey;
import org.bitweb.site.Publisher;
import org.bitweb.testing.Http;
import org.bitweb.testing.TestnetEngines;
import org.bitweb.torrent.Bencode;
import org.bitweb.updates.Publishing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

/**
 * Comments between engines on the DHT testnet (16 stock DHT nodes in a network namespace, one
 * machine): how long a comment takes from commenter B to reader C when both are connected to
 * the publisher A, how long a cold reader D takes to get a page's comments through the site's
 * DHT topic, and the same 50 records fetched as BEP 44 items instead, side by side.
 *
 * <p>Runs with {@code -Dbitweb.comments.workBits=16} (bench/comments.sh network): the proof of
 * work is measured by CommentsBench; here it would only add seconds per record before the clock
 * starts.
 */
public final class CommentsNetworkBench {
    private static final Duration FETCH = Duration.ofSeconds(60);

    public static void main(String[] args) throws Exception {
        int trials = Integer.getInteger("bench.trials", 3);
        int records = Integer.getInteger("bench.records", 50);
        Path temp = Files.createTempDirectory("bitweb-commentsnet");
        List<Long> reachC = new ArrayList<>();
        List<Long> reachA = new ArrayList<>();
        List<Long> cold = new ArrayList<>();
        List<Long> bep44Put = new ArrayList<>();
        List<Long> bep44Get = new ArrayList<>();
        try {
            for (int trial = 0; trial < trials; trial++) {
                Path root = temp.resolve("trial-" + trial);
                try (TestnetEngines testnet = TestnetEngines.start(root)) {
                    trial(testnet, root, records, reachA, reachC, cold, bep44Put, bep44Get);
                }
            }
        } finally {
            deleteTree(temp);
        }
        Table table = new Table("what", "median", "max", "of", "target");
        table.row("B's comment reaches the publisher A", ms(reachA, 50), ms(reachA, 100), reachA.size(), "");
        table.row("B's comment reaches reader C (connected to A)", ms(reachC, 50), ms(reachC, 100), reachC.size(), "< 2 s");
        table.row("cold reader D: " + records + " comments through the DHT topic", ms(cold, 50), ms(cold, 100), cold.size(), "< 10 s");
        table.row("the same " + records + " records put as BEP 44 items, one by one", ms(bep44Put, 50), ms(bep44Put, 100), bep44Put.size(), "");
        table.row("... got by a fresh node, one by one (found: " + bep44Found + ")", ms(bep44Get, 50), ms(bep44Get, 100), bep44Get.size(), "");
        table.row("... got all at once (found: " + bep44ParallelFound + ")", ms(bep44Parallel, 50), ms(bep44Parallel, 100), bep44Parallel.size(), "");
        table.print("Comments on the DHT testnet (16 nodes, network namespace, one machine); times from the post's "
                + "return (proof of work excluded) or from the cold reader's first ask");
    }

    private static void trial(TestnetEngines testnet, Path root, int count, List<Long> reachA, List<Long> reachC, List<Long> cold,
                              List<Long> bep44Put, List<Long> bep44Get) throws Exception {
        Path folder = Files.createDirectories(root.resolve("site"));
        Files.writeString(folder.resolve("index.html"), "<h1>A blog</h1>");
        Engine a = testnet.engine("a");
        Publishing.Published published = a.keySites().publish(folder, "blog", new byte[0], Publisher.Progress.NONE);
        SiteAddress site = SiteAddress.parseHostPart(published.site().address());
        Page page = Page.root(site);
        Engine b = testnet.engine("b");
        Engine c = testnet.engine("c");
        getReady(b, site);
        getReady(c, site);
        until(() -> b.comments().exchange().peersOf(site) > 0 && c.comments().exchange().peersOf(site) > 0, FETCH);

        // B -> A -> C, the connections of the page
        CommentRecord posted = b.comments().comments().post(page, "Hello from B.", null, () -> false).orElseThrow();
        long t0 = System.nanoTime();
        until(() -> a.comments().comments().store().count(site) >= 1, Duration.ofSeconds(30));
        reachA.add(System.nanoTime() - t0);
        until(() -> contains(c.comments(), page, posted), Duration.ofSeconds(30));
        reachC.add(System.nanoTime() - t0);

        // more records on the page, from several authors, straight into A's store
        Random random = new Random(count);
        List<CommentRecord> more = new ArrayList<>();
        for (int i = 1; i < count; i++) {
            Signer author = Signer.of(SiteKey.generate("r" + i));
            more.add(Draft.comment(page, "Comment " + i + " " + "x".repeat(200 + random.nextInt(200)),
                    System.currentTimeMillis() / 1000 - i).seal(author));
        }
        a.comments().comments().receive(more);

        // a cold reader: never visited the site, no peer connected
        Engine d = testnet.engine("d");
        long t1 = System.nanoTime();
        CommentNetwork.Refresh refresh = d.comments().refresh(page, Duration.ofSeconds(30));
        int got = d.comments().comments().list(page, 0, Listing.MAX_PAGE_SIZE).total();
        if (got < count) {
            throw new IllegalStateException("the cold reader got " + got + " of " + count + " comments: " + refresh);
        }
        cold.add(System.nanoTime() - t1);

        // the same records as BEP 44 items: one signer's mutable items under a salt each (no
        // immutable-item support in DhtNode; the lookup and transfer costs are the same)
        DhtNode holder = a.dht().orElseThrow();
        SiteKey key = SiteKey.generate("items");
        List<MutableItem> items = new ArrayList<>();
        List<CommentRecord> all = new ArrayList<>(more);
        all.add(posted);
        for (int i = 0; i < all.size(); i++) {
            byte[] record = all.get(i).encode();
            byte[] value = Bencode.encode(record.length <= 990 ? record : new byte[990]);
            items.add(key.signItem(("c" + i).getBytes(StandardCharsets.US_ASCII), 1, value));
        }
        // one after another: 50 at once run into mldht's per-node request throttle (see the note)
        long t2 = System.nanoTime();
        int took = 0;
        for (MutableItem item : items) {
            took += holder.putMutable(item, Duration.ofSeconds(30)).join() > 0 ? 1 : 0;
        }
        bep44Put.add(System.nanoTime() - t2);
        Engine e = testnet.engine("e");
        DhtNode reader = e.dht().orElseThrow();
        until(() -> reader.stats().routingTable() >= DhtNode.HEALTHY_TABLE, Duration.ofSeconds(30));
        long t3 = System.nanoTime();
        long found = 0;
        for (MutableItem item : items) {
            found += reader.getMutable(item.publicKey(), item.salt(), Duration.ofSeconds(30)).join().isPresent() ? 1 : 0;
        }
        bep44Get.add(System.nanoTime() - t3);
        long t4 = System.nanoTime();
        List<CompletableFuture<Optional<MutableItem>>> gets = new ArrayList<>();
        for (MutableItem item : items) {
            gets.add(reader.getMutable(item.publicKey(), item.salt(), Duration.ofSeconds(30)));
        }
        long parallel = gets.stream().map(CompletableFuture::join).filter(Optional::isPresent).count();
        bep44Parallel.add(System.nanoTime() - t4);
        bep44Found.add(found);
        bep44ParallelFound.add(parallel);
        System.err.printf("BEP 44: %d of %d items put, %d found one by one, %d found in parallel%n", took, items.size(), found, parallel);
    }

    private static final List<Long> bep44Parallel = new ArrayList<>();
    private static final List<Long> bep44Found = new ArrayList<>();
    private static final List<Long> bep44ParallelFound = new ArrayList<>();

    private static boolean contains(CommentNetwork network, Page page, CommentRecord record) {
        try {
            return network.comments().list(page, 0, Listing.MAX_PAGE_SIZE).items().stream().anyMatch(i -> i.id().equals(record.id()));
        } catch (IOException ex) {
            return false;
        }
    }

    private static void getReady(Engine engine, SiteAddress site) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + FETCH.toNanos();
        while (Http.proxyGet(engine.gatewayPort(), site.host(), "/").status() != 200) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the site did not open within " + FETCH);
            }
            Thread.sleep(100);
        }
    }

    private static void until(BooleanSupplier condition, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("timed out after " + timeout);
            }
            Thread.sleep(5);
        }
    }

    private static String ms(List<Long> nanos, double p) {
        return String.format(Locale.ROOT, "%.0f ms", Table.percentile(nanos, p));
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path file : (Iterable<Path>) files.sorted(Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(file);
            }
        }
    }
}
