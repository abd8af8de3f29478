package org.bitweb.bench;

import org.bitweb.site.Publisher;
import org.bitweb.store.SiteRecord;
import org.bitweb.store.SiteStore;
import org.bitweb.store.StateDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Disk used by the versions of a site: a site of {@code bench.files} files of 1 MB (300 MB) is
 * published, then {@code bench.versions - 1} more times with one 1 MB file changed each time.
 * "Disk used" counts each file once however many names (hard links) it has, as du does; "as
 * copies" is what the same versions take when each is a full copy (the store before versions
 * shared files).
 *
 * <p>bench/run.sh storage [-Dbench.files=300 -Dbench.versions=10 in BENCH_JAVA_OPTS]
 */
public final class StorageBench {
    private static final int MB = 1024 * 1024;

    public static void main(String[] args) throws Exception {
        int files = Integer.getInteger("bench.files", 300);
        int versions = Integer.getInteger("bench.versions", 10);
        Path root = Files.createTempDirectory("bitweb-bench-storage-");
        try {
            Path folder = Files.createDirectories(root.resolve("site"));
            Random random = new Random(1);
            byte[] data = new byte[MB];
            for (int i = 0; i < files; i++) {
                random.nextBytes(data);
                Files.write(folder.resolve(String.format("file-%03d.bin", i)), data);
            }
            Files.writeString(folder.resolve("index.html"), "<h1>a 300 MB site</h1>");
            StateDir dir = new StateDir(root.resolve("home")).create();
            SiteStore store = SiteStore.open(dir);
            Table table = new Table("version", "publish s", "disk used MB", "as copies MB");
            for (int v = 1; v <= versions; v++) {
                if (v > 1) {
                    random.nextBytes(data);
                    Files.write(folder.resolve(String.format("file-%03d.bin", (v * 37) % files)), data);
                }
                long start = System.nanoTime();
                SiteRecord site = Publisher.publish(dir, store, folder, Publisher.Progress.NONE);
                double seconds = (System.nanoTime() - start) / 1e9;
                long[] used = used(dir.sites());
                table.row(v + " (" + site.infohash().substring(0, 8) + ")", seconds, mb(used[0]), mb(used[1]));
            }
            table.print(versions + " versions of a " + files + " MB site, one 1 MB file changed in each (goal: under 320 MB)");
        } finally {
            Publisher.deleteTree(root);
        }
    }

    private static String mb(long bytes) {
        return String.format(java.util.Locale.ROOT, "%.1f", bytes / (double) MB);
    }

    /** {bytes of distinct files, bytes counting every name} under {@code root}. */
    static long[] used(Path root) throws IOException {
        Set<Object> seen = new HashSet<>();
        long distinct = 0;
        long apparent = 0;
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : (Iterable<Path>) walk::iterator) {
                BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class);
                if (a.isRegularFile()) {
                    apparent += a.size();
                    if (seen.add(a.fileKey())) {
                        distinct += a.size();
                    }
                }
            }
        }
        return new long[]{distinct, apparent};
    }
}
