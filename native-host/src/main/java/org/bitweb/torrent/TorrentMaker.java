package org.bitweb.torrent;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongConsumer;

/**
 * Makes a v1 torrent of a folder, copying the folder into the store in the same pass, so the site
 * that is seeded is exactly the bytes that were hashed (later edits of the folder cannot corrupt
 * it). Files are sorted by their path's UTF-8 bytes and nothing time- or machine-dependent enters
 * the info dictionary, so the same folder always gives the same infohash. Hidden files (names
 * starting with '.') and symbolic links are left out: they are almost never meant to be published.
 * Each file starts at a piece boundary, after a BEP 47 pad file where needed.
 */
public final class TorrentMaker {
    private static final int BUFFER = 256 * 1024;

    /**
     * Result: the torrent bytes and what they describe.
     *
     * @param linkedBytes bytes of files that were hard-linked to an identical earlier copy instead of copied
     */
    public record Made(byte[] torrent, TorrentInfo info, long linkedBytes) {
    }

    /**
     * An earlier copy of a file of the same site (an older version), or null. The copy must be
     * read-only in practice (a published site's file): it is linked, so the new version shares its
     * inode. It is compared byte for byte with the source before it is linked.
     */
    @FunctionalInterface
    public interface EarlierCopies {
        /** @return the earlier copy of the file at this '/'-joined path with exactly this length, or null */
        Path find(String path, long length);

        EarlierCopies NONE = (path, length) -> null;
    }

    private TorrentMaker() {
    }

    /**
     * What a folder holds for publishing: the files that go into the torrent, in torrent order,
     * and what is left out (each as a path relative to the folder).
     *
     * @param hidden  names starting with '.'; a hidden folder counts once, not its contents
     * @param links   symbolic links, to files or folders
     * @param special anything neither a file, a folder nor a link: sockets, pipes, devices
     */
    public record Listing(List<Path> files, List<Path> hidden, List<Path> links, List<Path> special) {
        public Listing {
            files = List.copyOf(files);
            hidden = List.copyOf(hidden);
            links = List.copyOf(links);
            special = List.copyOf(special);
        }
    }

    /** The publishable files of a folder, as relative paths in torrent order. */
    public static List<Path> listFiles(Path folder) throws IOException {
        return list(folder).files();
    }

    /** The folder's publishable files and what {@link #listFiles} leaves out of it, and why. */
    public static Listing list(Path folder) throws IOException {
        if (!Files.isDirectory(folder)) {
            throw new IOException("not a folder: " + folder);
        }
        List<Path> files = new ArrayList<>();
        List<Path> hidden = new ArrayList<>();
        List<Path> links = new ArrayList<>();
        List<Path> special = new ArrayList<>();
        // links are not followed: a link is reported, never walked into
        Files.walkFileTree(folder, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                if (!dir.equals(folder) && dir.getFileName().toString().startsWith(".")) {
                    hidden.add(folder.relativize(dir));
                    return FileVisitResult.SKIP_SUBTREE;
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                Path relative = folder.relativize(file);
                if (attrs.isSymbolicLink()) {
                    links.add(relative);
                } else if (file.getFileName().toString().startsWith(".")) {
                    hidden.add(relative);
                } else if (attrs.isRegularFile()) {
                    files.add(relative);
                } else {
                    special.add(relative);
                }
                return FileVisitResult.CONTINUE;
            }
        });
        files.sort(Comparator.comparing(TorrentMaker::sortKey, java.util.Arrays::compareUnsigned));
        return new Listing(files, hidden, links, special);
    }

    /**
     * Refuses, before anything is hashed, the names every visitor's engine would refuse (control
     * and format characters, names bt alters on disk) and paths that are one file on macOS and
     * Windows ("Index.html" beside "index.html").
     */
    static void checkNames(List<Path> files) throws IOException {
        java.util.Map<String, Path> seen = new java.util.HashMap<>();
        for (Path file : files) {
            try {
                for (Path part : file) {
                    TorrentInfo.checkName(part.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8), "file name");
                }
            } catch (IllegalArgumentException e) {
                throw new IOException("cannot publish " + file + ": " + e.getMessage() + "; rename it", e);
            }
            Path earlier = seen.putIfAbsent(TorrentInfo.clashKey(file.toString().replace('\\', '/')), file);
            if (earlier != null) {
                throw new IOException("cannot publish both " + earlier + " and " + file
                        + ": they are one file for visitors on macOS and Windows (names that differ only in case or"
                        + " Unicode form); rename one");
            }
        }
    }

    private static byte[] sortKey(Path relative) {
        List<String> parts = new ArrayList<>();
        relative.forEach(p -> parts.add(p.toString()));
        // '\0' sorts a folder's own files together, before a sibling whose name extends the folder's
        return String.join("\0", parts).getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    /**
     * The most pieces a site gets while its pieces can grow (up to 4 MiB): 640 pieces are 12.5 KiB
     * of hashes, so the file list of a site of a few big files is one BEP 9 metadata block that
     * fits a new connection's first TCP window (10 segments). At about 2000 pieces a 1 GB site's
     * file list was 20-40 KB and came one or two round trips after its turn (docs/TUNING.md,
     * "Opening a site over a real link"). {@code -Dbitweb.publish.mostPieces=2000} gives the old
     * rule back, for measuring.
     */
    static final int MOST_PIECES = 640;

    /**
     * Chooses the piece size: the smallest power of two from 64 KiB to 4 MiB that gives at most
     * {@link #MOST_PIECES} pieces. Smaller pieces would fetch a small page with less waste, but bt
     * keeps a few pieces in flight per peer, so tiny pieces starve a fast link; 64 KiB is four
     * requests, one round trip for a page. Bigger pieces cost a seek in a big file (a video)
     * the time to fetch one piece; every file starts a piece of its own (BEP 47), so a small
     * page never waits for its neighbours.
     */
    public static int pieceLengthFor(long total) {
        return pieceLengthFor(total, Integer.getInteger("bitweb.publish.mostPieces", MOST_PIECES));
    }

    static int pieceLengthFor(long total, int mostPieces) {
        long target = Math.max(64 * 1024, total / mostPieces + (total % mostPieces == 0 ? 0 : 1));
        long size = Long.highestOneBit(target);
        if (size < target) {
            size <<= 1;
        }
        return (int) Math.min(size, 4 * 1024 * 1024);
    }

    /**
     * Hashes {@code folder} and copies it under {@code copyRoot} as {@link DataLayout} places it
     * (or only hashes it, when {@code copyRoot} is null: a folder seeded in place).
     *
     * @param progress receives the number of bytes hashed so far
     */
    public static Made make(Path folder, String name, Path copyRoot, LongConsumer progress) throws IOException {
        return make(folder, name, copyRoot, progress, EarlierCopies.NONE);
    }

    /**
     * Like {@link #make(Path, String, Path, LongConsumer)}, but a file identical to its earlier copy
     * is hard-linked to that copy instead of copied: republishing a big site with one file changed
     * adds that file on disk, not the whole site again.
     */
    public static Made make(Path folder, String name, Path copyRoot, LongConsumer progress, EarlierCopies earlier)
            throws IOException {
        List<Path> files = listFiles(folder);
        if (files.isEmpty()) {
            throw new IOException("nothing to publish: " + folder + " has no files (hidden files and links are left out)");
        }
        checkNames(files);
        long total = 0;
        for (Path file : files) {
            total += Files.size(folder.resolve(file));
        }
        int pieceLength = pieceLengthFor(total);
        MessageDigest piece = sha1();
        java.io.ByteArrayOutputStream hashes = new java.io.ByteArrayOutputStream();
        long inPiece = 0;
        long done = 0;
        long linked = 0;
        byte[] buffer = new byte[BUFFER];
        List<Object> fileList = new ArrayList<>();
        Path target = copyRoot == null ? null : DataLayout.folder(copyRoot, name, files.size());
        for (int i = 0; i < files.size(); i++) {
            Path relative = files.get(i);
            if (inPiece > 0) {
                // BEP 47: zeros up to the next piece, so every file starts on a piece of its own and
                // keeps its piece hashes from one version of a site to the next (visitors reuse
                // the files that did not change), and a small page is a piece of its own
                int pad = (int) (pieceLength - inPiece);
                piece.update(new byte[pad]);
                hashes.writeBytes(piece.digest());
                inPiece = 0;
                Map<String, Object> entry = new LinkedHashMap<>();
                entry.put("attr", "p");
                entry.put("length", (long) pad);
                entry.put("path", List.of(".pad", Integer.toString(pad)));
                fileList.add(entry);
            }
            Path source = folder.resolve(relative);
            Path copy = target == null ? null : target.resolve(relative.toString());
            if (copy != null) {
                Files.createDirectories(copy.getParent());
            }
            Path earlierCopy = copy == null ? null : earlier.find(joined(relative), Files.size(source));
            long length = 0;
            // Source bytes are hashed as they are read, then either written to the copy or, while an
            // earlier copy matches them so far, only compared with it: what is hashed is always
            // what ends up in the site, copied or linked.
            try (InputStream in = Files.newInputStream(source);
                 Sink sink = earlierCopy != null ? Sink.comparing(earlierCopy, copy) : Sink.copying(copy)) {
                int n;
                while ((n = in.read(buffer)) > 0) {
                    sink.write(buffer, n, source);
                    int pos = 0;
                    while (pos < n) {
                        int take = (int) Math.min(n - pos, pieceLength - inPiece);
                        piece.update(buffer, pos, take);
                        pos += take;
                        inPiece += take;
                        if (inPiece == pieceLength) {
                            hashes.writeBytes(piece.digest());
                            inPiece = 0;
                        }
                    }
                    length += n;
                    done += n;
                    progress.accept(done);
                }
                if (sink.finish(length)) {
                    linked += length;
                }
            }
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("length", length);
            List<Object> path = new ArrayList<>();
            relative.forEach(p -> path.add(p.toString()));
            entry.put("path", path);
            fileList.add(entry);
        }
        if (inPiece > 0) {
            hashes.writeBytes(piece.digest());
        }
        Map<String, Object> info = new LinkedHashMap<>();
        info.put("files", fileList);
        info.put("name", name);
        info.put("piece length", (long) pieceLength);
        info.put("pieces", hashes.toByteArray());
        Map<String, Object> torrent = new LinkedHashMap<>();
        torrent.put("created by", "BitWeb");
        torrent.put("info", info);
        byte[] bytes = Bencode.encode(torrent);
        return new Made(bytes, TorrentInfo.parseTorrent(bytes), linked);
    }

    private static String joined(Path relative) {
        List<String> parts = new ArrayList<>();
        relative.forEach(p -> parts.add(p.toString()));
        return String.join("/", parts);
    }

    /**
     * Where a file's bytes go: a new copy, or nowhere while they match an earlier copy, which is
     * then linked. At the first byte that differs it falls back to copying (the bytes so far,
     * equal to the earlier copy's, are taken from it).
     */
    private static final class Sink implements AutoCloseable {
        private final Path copy;
        private InputStream earlier;
        private final Path earlierPath;
        private OutputStream out;
        private long compared;
        private final byte[] theirs = new byte[BUFFER];

        private Sink(Path earlierPath, Path copy) throws IOException {
            this.copy = copy;
            this.earlierPath = earlierPath;
            if (earlierPath != null) {
                this.earlier = Files.newInputStream(earlierPath);
            } else {
                this.out = copy == null ? OutputStream.nullOutputStream() : Files.newOutputStream(copy);
            }
        }

        static Sink copying(Path copy) throws IOException {
            return new Sink(null, copy);
        }

        static Sink comparing(Path earlier, Path copy) throws IOException {
            try {
                return new Sink(earlier, copy);
            } catch (IOException e) {
                return copying(copy); // gone meanwhile: copy as usual
            }
        }

        void write(byte[] buffer, int n, Path source) throws IOException {
            if (out == null) {
                int got = earlier.readNBytes(theirs, 0, n);
                if (got == n && java.util.Arrays.equals(buffer, 0, n, theirs, 0, n)) {
                    compared += n;
                    return;
                }
                startCopy();
            }
            out.write(buffer, 0, n);
        }

        /** The bytes compared so far are equal in both: they come from the earlier copy. */
        private void startCopy() throws IOException {
            earlier.close();
            earlier = null;
            out = Files.newOutputStream(copy);
            try (InputStream prefix = Files.newInputStream(earlierPath)) {
                long left = compared;
                byte[] chunk = new byte[BUFFER];
                while (left > 0) {
                    int n = prefix.read(chunk, 0, (int) Math.min(chunk.length, left));
                    if (n <= 0) {
                        throw new IOException("an earlier copy of " + copy.getFileName() + " shrank while it was read");
                    }
                    out.write(chunk, 0, n);
                    left -= n;
                }
            }
        }

        /** @return true if the file was linked to its earlier copy rather than copied */
        boolean finish(long length) throws IOException {
            if (out != null) {
                return false;
            }
            boolean longer = earlier.read() >= 0;
            if (!longer && compared == length) {
                earlier.close();
                earlier = null;
                try {
                    Files.createLink(copy, earlierPath);
                    return true;
                } catch (IOException | UnsupportedOperationException e) {
                    // another file system, or one without hard links: a copy after all
                }
            }
            startCopy();
            return false;
        }

        @Override
        public void close() throws IOException {
            if (earlier != null) {
                earlier.close();
            }
            if (out != null) {
                out.close();
            }
        }
    }

    private static MessageDigest sha1() {
        try {
            return MessageDigest.getInstance("SHA-1");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
