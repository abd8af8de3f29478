package org.bitweb.bench;

import org.bitweb.address.SiteAddress;
import org.bitweb.comments.CommentRecord;
import org.bitweb.comments.CommentStore;
import org.bitweb.comments.Comments;
import org.bitweb.comments.Draft;
import org.bitweb.comments.Listing;
import org.bitweb.comments.Page;
import org.bitweb.comments.Signer;
import org.bitweb.keys.SiteKey;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Random;
import java.util.stream.Stream;

/**
 * Comments on one machine, no network ({@code -Dbench.parts=work,verify,holding,page} picks): the cost of the proof of work at the real difficulty
 * (posting) and of checking a record (receiving), and what holding many records costs in disk
 * and heap, and how long the first page of a page with 10,000 comments takes to build.
 *
 * <p>Run with {@code -Dbitweb.comments.workBits=8} (bench/comments.sh does) so that the 100,000
 * records of the storage part can be made in seconds; the posting part asks for
 * {@link #REAL_BITS} explicitly. Records hold their nonce either way (a few bytes more at 23
 * bits: counted in the table's note).
 */
public final class CommentsBench {
    /** The difficulty of version 1 (Limits.WORK_BITS without the test property). */
    static final int REAL_BITS = 23;

    public static void main(String[] args) throws Exception {
        int posts = Integer.getInteger("bench.posts", 20);
        int records = Integer.getInteger("bench.records", 100_000);
        int authors = Integer.getInteger("bench.authors", 10_000);
        Path temp = Files.createTempDirectory("bitweb-commentsbench");
        String parts = System.getProperty("bench.parts", "work,verify,holding,page");
        try {
            if (parts.contains("work")) {
                work(posts);
            }
            if (parts.contains("verify")) {
                verify();
            }
            if (parts.contains("holding")) {
                holding(temp.resolve("200-sites"), records, 200, authors);
                holding(temp.resolve("10000-sites"), records, 10_000, authors);
            }
            if (parts.contains("page")) {
                firstPage(temp.resolve("one-page"), 10_000);
            }
        } finally {
            deleteTree(temp);
        }
    }

    // ---------------------------------------------------------------- posting and checking

    private static void work(int posts) {
        Signer author = Signer.of(SiteKey.generate("bench"));
        Page page = new Page(SiteAddress.infohash(new byte[20]), "/posts/2026/a-post-about-things.html");
        Random random = new Random(1);
        List<Long> times = new ArrayList<>();
        long hashes = 0;
        for (int i = 0; i < posts; i++) {
            String body = body(random, 250);
            long t0 = System.nanoTime();
            CommentRecord record = Draft.comment(page, body, System.currentTimeMillis() / 1000 + i)
                    .seal(author, REAL_BITS, () -> false);
            times.add(System.nanoTime() - t0);
            hashes += record.work() + 1;
        }
        double seconds = times.stream().mapToLong(Long::longValue).sum() / 1e9;
        Table table = new Table("what", "value");
        table.row("difficulty", REAL_BITS + " leading zero bits (2^" + REAL_BITS + " = "
                + String.format(Locale.ROOT, "%,d", 1L << REAL_BITS) + " hashes expected)");
        table.row("hash rate, one core", String.format(Locale.ROOT, "%,.0f hashes/s", hashes / seconds));
        table.row("posts sealed", posts);
        table.row("seal time mean", String.format(Locale.ROOT, "%.2f s", seconds / posts));
        table.row("seal time median", String.format(Locale.ROOT, "%.2f s", Table.percentile(times, 50) / 1000));
        table.row("seal time p90", String.format(Locale.ROOT, "%.2f s", Table.percentile(times, 90) / 1000));
        table.row("seal time max", String.format(Locale.ROOT, "%.2f s", Table.percentile(times, 100) / 1000));
        table.row("expected at this rate", String.format(Locale.ROOT, "%.2f s (2^%d / rate)", (1L << REAL_BITS) / (hashes / seconds), REAL_BITS));
        table.print("Posting: proof of work at the real difficulty (one thread, " + posts + " comments of ~250 bytes)");
    }

    private static void verify() {
        Signer author = Signer.of(SiteKey.generate("bench"));
        Page page = new Page(SiteAddress.infohash(new byte[20]), "/");
        Random random = new Random(2);
        List<CommentRecord> records = new ArrayList<>();
        for (int i = 0; i < 2000; i++) {
            records.add(Draft.comment(page, body(random, 250), 1_770_000_000L + i).seal(author));
        }
        List<byte[]> encoded = records.stream().map(CommentRecord::encode).toList();
        List<Long> decode = new ArrayList<>();
        List<Long> work = new ArrayList<>();
        List<Long> seal = new ArrayList<>();
        for (int round = 0; round < 3; round++) { // the first rounds warm the JIT up
            decode.clear();
            work.clear();
            seal.clear();
            for (byte[] bytes : encoded) {
                long t0 = System.nanoTime();
                CommentRecord record = CommentRecord.decode(bytes);
                long t1 = System.nanoTime();
                record.id();
                long t2 = System.nanoTime();
                record.verifySeal();
                long t3 = System.nanoTime();
                decode.add(t1 - t0);
                work.add(t2 - t1);
                seal.add(t3 - t2);
            }
        }
        Table table = new Table("step", "median µs", "p99 µs");
        table.row("decode and check the form", us(Table.percentile(decode, 50)), us(Table.percentile(decode, 99)));
        table.row("proof of work (one SHA-256)", us(Table.percentile(work, 50)), us(Table.percentile(work, 99)));
        table.row("work + ed25519 signature", us(Table.percentile(seal, 50)), us(Table.percentile(seal, 99)));
        table.print("Receiving: checking one record (2,000 records of ~250 bytes, after warm-up)");
    }

    private static String us(double millis) {
        return String.format(Locale.ROOT, "%.1f", millis * 1000);
    }

    // ---------------------------------------------------------------- holding

    /**
     * {@code records} records over {@code sites} sites (20 pages each), by {@code authors}
     * authors; bodies of 20..480 bytes (250 on average), a third replies, half with a name.
     */
    private static void holding(Path dir, int records, int sites, int authors) throws IOException {
        Random random = new Random(3);
        List<Signer> signers = new ArrayList<>();
        for (int i = 0; i < authors; i++) {
            signers.add(Signer.of(SiteKey.generate("a" + i)));
        }
        List<SiteAddress> addresses = new ArrayList<>();
        for (int i = 0; i < sites; i++) {
            byte[] id = new byte[i % 2 == 0 ? 20 : 32];
            random.nextBytes(id);
            addresses.add(id.length == 20 ? SiteAddress.infohash(id) : SiteAddress.publicKey(id));
        }
        long now = System.currentTimeMillis() / 1000;
        long start = now - 365L * 86_400;
        long t0 = System.nanoTime();
        long bodyBytes = 0;
        try (CommentStore store = CommentStore.open(dir, site -> false)) {
            List<CommentRecord> batch = new ArrayList<>();
            List<List<CommentRecord>> recent = new ArrayList<>();
            for (int i = 0; i < sites; i++) {
                recent.add(new ArrayList<>());
            }
            for (int i = 0; i < records; i++) {
                int s = i % sites;
                SiteAddress site = addresses.get(s);
                // records come in time order per site, spread over a year
                long time = start + (long) i * (365L * 86_400) / records;
                Signer author = signers.get(random.nextInt(authors));
                String body = body(random, 250);
                bodyBytes += body.length();
                List<CommentRecord> seen = recent.get(s);
                Draft draft;
                if (!seen.isEmpty() && random.nextInt(3) == 0) {
                    CommentRecord parent = seen.get(random.nextInt(seen.size()));
                    draft = Draft.reply(parent.target(), parent.id(), body, time);
                } else {
                    draft = Draft.comment(new Page(site, "/page-" + random.nextInt(20) + ".html"), body, time);
                }
                if (random.nextBoolean()) {
                    draft = draft.withName("Reader " + random.nextInt(authors));
                }
                CommentRecord record = draft.seal(author);
                batch.add(record);
                if (seen.size() < 50) {
                    seen.add(record);
                } else {
                    seen.set(random.nextInt(50), record);
                }
                if (batch.size() == 1000) {
                    store.addAll(batch, now).forEach(o -> {
                        if (!o.added()) {
                            throw new IllegalStateException("refused: " + o.message());
                        }
                    });
                    batch.clear();
                }
            }
            store.addAll(batch, now);
        }
        double fillSeconds = (System.nanoTime() - t0) / 1e9;
        recentGarbage();
        long baseline = usedHeap();
        long t1 = System.nanoTime();
        CommentStore store = CommentStore.open(dir, site -> false);
        double openSeconds = (System.nanoTime() - t1) / 1e9;
        long heap = usedHeap() - baseline;
        CommentStore.Stats stats = store.stats();
        long disk = diskUse(dir);
        store.close();
        Table table = new Table("what", "value", "limit");
        table.row("records held", String.format(Locale.ROOT, "%,d over %,d sites, %,d authors", stats.records(), stats.sites(), stats.authors()), "");
        table.row("average body", String.format(Locale.ROOT, "%d bytes", bodyBytes / records), "");
        table.row("disk (log file, du)", mb(disk) + String.format(Locale.ROOT, " (%d bytes per record)", disk / records), "< 50 MB");
        table.row("heap after opening (after GC)", mb(heap) + String.format(Locale.ROOT, " (%d bytes per record)", heap / records), "< 30 MB");
        table.row("opening the store (reads the log)", String.format(Locale.ROOT, "%.2f s", openSeconds), "");
        table.row("machine load (1 min)", String.format(Locale.ROOT, "%.1f", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage()), "");
        table.row("filling it (make, check, write)", String.format(Locale.ROOT, "%.1f s", fillSeconds), "");
        table.print("Holding " + String.format(Locale.ROOT, "%,d", records) + " comments across " + sites + " sites");
    }

    // ---------------------------------------------------------------- reading a page

    private static void firstPage(Path dir, int count) throws IOException {
        Random random = new Random(4);
        SiteAddress site = SiteAddress.infohash(new byte[20]);
        Page page = new Page(site, "/popular.html");
        List<Signer> signers = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            signers.add(Signer.of(SiteKey.generate("a" + i)));
        }
        long now = System.currentTimeMillis() / 1000;
        try (Comments comments = Comments.open(dir, s -> Optional.empty())) {
            List<CommentRecord> all = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                long time = now - count + i;
                Draft draft = !all.isEmpty() && random.nextInt(2) == 0
                        ? Draft.reply(page, all.get(random.nextInt(all.size())).id(), body(random, 250), time)
                        : Draft.comment(page, body(random, 250), time);
                all.add(draft.seal(signers.get(i % signers.size())));
            }
            for (int i = 0; i < all.size(); i += 1000) {
                comments.receive(all.subList(i, Math.min(all.size(), i + 1000)));
            }
            List<Long> times = new ArrayList<>();
            List<Long> cpu = new ArrayList<>();
            var threads = ManagementFactory.getThreadMXBean();
            Listing listing = null;
            for (int i = 0; i < 30; i++) {
                long c0 = threads.getCurrentThreadCpuTime();
                long t0 = System.nanoTime();
                listing = comments.list(page, 0, Listing.DEFAULT_PAGE_SIZE);
                times.add(System.nanoTime() - t0);
                cpu.add(threads.getCurrentThreadCpuTime() - c0);
            }
            Table table = new Table("what", "value");
            table.row("comments on the page", String.format(Locale.ROOT, "%,d in %,d threads", listing.total(), listing.threads()));
            table.row("first listing (cold)", String.format(Locale.ROOT, "%.1f ms", times.get(0) / 1e6));
            table.row("listing median of 30", String.format(Locale.ROOT, "%.1f ms (CPU %.1f ms)", Table.percentile(times, 50),
                    Table.percentile(cpu, 50)));
            table.row("machine load (1 min, " + Runtime.getRuntime().availableProcessors() + " cores)",
                    String.format(Locale.ROOT, "%.1f", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage()));
            table.row("items in the first page", listing.items().size());
            table.print("The first page of a page with " + String.format(Locale.ROOT, "%,d", count)
                    + " comments, built by the engine (comments.list; the sidebar's paint is measured in e2e)");
        }
    }

    // ---------------------------------------------------------------- helpers

    private static final String[] WORDS = ("the of and to in is that it was for on are as with his they at be this from have or by one had "
            + "not but what all were when we there can an your which their said if do will each about how up out them then she many some so "
            + "these would other into has more her two like him see time could no make than first been its who now people my made over did "
            + "down only way find use may water long little very after words called just where most know get through back much before go "
            + "good new write our used me man too any day same right look think also around another came come work three word must because "
            + "does part even place well such here take why things help put years different away again off went old number great tell men "
            + "say small every found still between name should home big give air line set own under read last never us left end along while "
            + "might next sound below saw something thought both few those always looked show large often together asked house don't world "
            + "going want school important until form food keep children feet land side without boy once animals life enough took sometimes "
            + "four head above kind began almost live page got earth need far hand high year mother light parts country father let night "
            + "following picture being study second eyes soon times story boys since white days ever paper hard near sentence better best "
            + "across during today others however sure means knew it's try told young miles sun ways thing whole hear example heard several "
            + "change answer room sea against top turned learn point city play toward five using himself usually").split(" ");

    /** Text of about {@code mean} bytes (uniform from mean/12 to 2 mean - mean/12), like comments on the web. */
    static String body(Random random, int mean) {
        int length = mean / 12 + random.nextInt(2 * (mean - mean / 12));
        StringBuilder text = new StringBuilder();
        while (text.length() < length) {
            text.append(WORDS[random.nextInt(WORDS.length)]).append(random.nextInt(12) == 0 ? ". " : " ");
        }
        return text.substring(0, length).strip() + ".";
    }

    private static void recentGarbage() {
        for (int i = 0; i < 4; i++) {
            System.gc();
        }
    }

    private static long usedHeap() {
        recentGarbage();
        var heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
        return heap.getUsed();
    }

    private static String mb(long bytes) {
        return String.format(Locale.ROOT, "%.1f MB", bytes / 1e6);
    }

    /** Blocks the files take (what du shows), not their lengths. */
    private static long diskUse(Path dir) throws IOException {
        long total = 0;
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                Object blocks = Files.getAttribute(file, "unix:size");
                long size = ((Number) blocks).longValue();
                total += Files.isRegularFile(file) ? ((size + 4095) / 4096) * 4096 : 0;
            }
        }
        return total;
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path file : (Iterable<Path>) files.sorted(Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(file);
            }
        }
    }
}
