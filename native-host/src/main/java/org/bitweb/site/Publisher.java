package org.bitweb.site;

import org.bitweb.store.AtomicFiles;
import org.bitweb.store.SiteRecord;
import org.bitweb.store.SiteStore;
import org.bitweb.store.StateDir;
import org.bitweb.torrent.TorrentInfo;
import org.bitweb.torrent.TorrentMaker;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.function.LongConsumer;
import java.util.stream.Stream;

/**
 * Publishing a folder: hash it while copying it into a staging folder of the store, then move the
 * staging folder to {@code sites/<infohash>} in one rename and record the site. A crash at any
 * point leaves either no trace but a {@code .staging-*} folder (removed at the next start) or a
 * complete site: never a half-copied site in the list.
 *
 * <p>A file that an earlier publish of the same folder holds unchanged is hard-linked to that copy
 * instead of copied ({@link EarlierVersions}): a new version of a 300 MB site with one file changed
 * takes that file's bytes on disk, not 300 MB more. Published copies are never written after the
 * publish (bt reads them through {@link ReadOnly}), so versions can share them.
 */
public final class Publisher {
    static final String STAGING_PREFIX = ".staging-";

    private Publisher() {
    }

    /** @param progress receives (bytes hashed, total bytes) */
    public static SiteRecord publish(StateDir dir, SiteStore store, Path folder, Progress progress) throws IOException {
        Path source = folder.toAbsolutePath().normalize();
        if (!Files.isDirectory(source)) {
            throw new IOException("not a folder: " + source + " (publish takes the folder that holds index.html)");
        }
        long total = 0;
        for (Path file : TorrentMaker.listFiles(source)) {
            total += Files.size(source.resolve(file));
        }
        final long totalBytes = total;
        Path staging = dir.sites().resolve(STAGING_PREFIX + UUID.randomUUID());
        try {
            Files.createDirectories(staging);
            String name = siteName(source);
            LongConsumer hashed = done -> progress.update(done, totalBytes);
            TorrentMaker.Made made = TorrentMaker.make(source, name, staging.resolve(SiteFiles.DATA), hashed,
                    EarlierVersions.of(dir, store, source));
            TorrentInfo info = made.info();
            ReadOnly.mark(staging.resolve(SiteFiles.DATA));
            AtomicFiles.write(staging.resolve(SiteFiles.TORRENT), made.torrent());
            Path target = dir.site(info.infohash());
            // One commit at a time: two publishes of the same folder hash in parallel, and the
            // second must see the first's site, not delete it as a leftover while it is seeded.
            synchronized (store) {
                SiteRecord existing = store.get(info.infohash()).orElse(null);
                boolean inPlace = existing != null && existing.inPlace();
                if (Files.exists(target.resolve(SiteFiles.TORRENT)) && !inPlace) {
                    deleteTree(staging); // the same content is already here
                } else {
                    // a leftover without a torrent file is not a site; one seeded in place becomes a copy
                    deleteTree(target);
                    AtomicFiles.move(staging, target);
                    AtomicFiles.syncDirectory(dir.sites());
                }
                SiteRecord record = new SiteRecord(info.infohash(), info.name(), info.contentSize(), info.contentFiles().size(),
                        true, true, existing != null ? existing.added() : System.currentTimeMillis()).withSource(source.toString());
                store.put(record);
                return record;
            }
        } finally {
            if (Files.exists(staging)) {
                deleteTree(staging);
            }
        }
    }

    /**
     * Publishes a folder to be seeded straight from where it is, without a copy in the store
     * ({@code bitweb publish --in-place}): the folder is hashed, and each file's size, time and
     * identity are recorded so that {@link PublishedFiles} can tell when its owner edits it. The
     * store keeps only {@code sites/<infohash>/site.torrent} and {@code in-place.json}. A folder
     * edited while it is hashed fails the publish rather than record hashes of a moving target.
     */
    public static SiteRecord publishInPlace(StateDir dir, SiteStore store, Path folder, Progress progress) throws IOException {
        Path source = folder.toAbsolutePath().normalize();
        if (!Files.isDirectory(source)) {
            throw new IOException("not a folder: " + source + " (publish takes the folder that holds index.html)");
        }
        List<Path> files = TorrentMaker.listFiles(source);
        long total = 0;
        for (Path file : files) {
            total += Files.size(source.resolve(file));
        }
        final long totalBytes = total;
        List<PublishedFiles.Stamp> before = stamps(source, files);
        TorrentMaker.Made made = TorrentMaker.make(source, siteName(source), null, done -> progress.update(done, totalBytes));
        TorrentInfo info = made.info();
        List<PublishedFiles.Stamp> stamps = new ArrayList<>();
        for (Path p : PublishedFiles.inPlacePaths(info, source)) {
            stamps.add(PublishedFiles.Stamp.of(p));
        }
        // the torrent lists content files and pads: compare the content files' stamps with before
        List<PublishedFiles.Stamp> content = new ArrayList<>();
        for (int i = 0; i < info.files().size(); i++) {
            if (!info.files().get(i).pad()) {
                content.add(stamps.get(i));
            }
        }
        if (!content.equals(before)) {
            throw new IOException("files in " + source + " changed while they were hashed; publish again once they are saved");
        }
        Path staging = dir.sites().resolve(STAGING_PREFIX + UUID.randomUUID());
        try {
            Files.createDirectories(staging);
            AtomicFiles.write(staging.resolve(SiteFiles.TORRENT), made.torrent());
            PublishedFiles.recordInPlace(staging, source, stamps);
            Path target = dir.site(info.infohash());
            synchronized (store) {
                SiteRecord existing = store.get(info.infohash()).orElse(null);
                if (existing != null && existing.published() && !existing.inPlace()
                        && Files.exists(target.resolve(SiteFiles.TORRENT))) {
                    return existing; // the same bytes are published from a copy in the store already: that stays
                }
                deleteTree(target);
                AtomicFiles.move(staging, target);
                AtomicFiles.syncDirectory(dir.sites());
                SiteRecord record = new SiteRecord(info.infohash(), info.name(), info.contentSize(), info.contentFiles().size(),
                        true, true, existing != null ? existing.added() : System.currentTimeMillis()).inPlaceAt(source.toString());
                store.put(record);
                return record;
            }
        } finally {
            if (Files.exists(staging)) {
                deleteTree(staging);
            }
        }
    }

    private static List<PublishedFiles.Stamp> stamps(Path folder, List<Path> files) throws IOException {
        List<PublishedFiles.Stamp> stamps = new ArrayList<>();
        for (Path file : files) {
            stamps.add(PublishedFiles.Stamp.of(folder.resolve(file)));
        }
        return stamps;
    }

    /** The torrent's name: the folder's own name when it is a safe single name, else "site". */
    static String siteName(Path folder) {
        Path name = folder.getFileName();
        String text = name == null ? "" : name.toString();
        if (text.startsWith(".") || text.length() > 200) {
            return "site";
        }
        try {
            // the rule every torrent name is checked with: a name it refuses would fail the publish
            // only after the whole folder was hashed and copied
            return org.bitweb.torrent.TorrentInfo.checkName(text.getBytes(java.nio.charset.StandardCharsets.UTF_8), "name");
        } catch (IllegalArgumentException e) {
            return "site";
        }
    }

    /** Removes staging folders left by a publish that was killed. */
    public static void cleanStaging(StateDir dir) throws IOException {
        if (!Files.isDirectory(dir.sites())) {
            return;
        }
        try (Stream<Path> children = Files.list(dir.sites())) {
            for (Path child : (Iterable<Path>) children::iterator) {
                if (child.getFileName().toString().startsWith(STAGING_PREFIX)) {
                    deleteTree(child);
                }
            }
        }
    }

    /** Bytes of the regular files under a folder (0 if it does not exist). */
    public static long sizeOf(Path root) throws IOException {
        if (!Files.exists(root)) {
            return 0;
        }
        try (Stream<Path> walk = Files.walk(root)) {
            long total = 0;
            for (Path p : (Iterable<Path>) walk::iterator) {
                if (Files.isRegularFile(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                    total += Files.size(p);
                }
            }
            return total;
        }
    }

    public static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : (Iterable<Path>) walk.sorted(Comparator.reverseOrder())::iterator) {
                try {
                    Files.deleteIfExists(p);
                } catch (java.nio.file.AccessDeniedException e) {
                    // Windows does not delete a read-only file (published copies are marked so)
                    if (!p.toFile().setWritable(true)) {
                        throw e;
                    }
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    /** Progress of a long publish. */
    @FunctionalInterface
    public interface Progress {
        void update(long done, long total);

        Progress NONE = (done, total) -> { };
    }
}
