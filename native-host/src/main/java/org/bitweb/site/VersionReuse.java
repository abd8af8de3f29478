package org.bitweb.site;

import org.bitweb.store.AtomicFiles;
import org.bitweb.torrent.DataLayout;
import org.bitweb.torrent.FileIndex;
import org.bitweb.torrent.TorrentInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;

/**
 * Fills a new version of an updatable site from the older versions on this machine, so a visitor
 * downloads only the files that changed.
 *
 * <p>A file is taken from an older version when that version has a file at the same path with the
 * same length whose bytes hash to the new version's pieces. That check needs the file to own its
 * pieces: it must start on a piece boundary and be followed by padding or the end of the torrent,
 * which is how BitWeb lays files out (BEP 47 pad files, {@code TorrentMaker}). Nothing is trusted
 * that was not hashed against the new version's own piece table.
 *
 * <p>A file is hard-linked rather than copied when the older version will never write it again:
 * all its pieces are recorded verified there, and the new version gets them complete too, so bt
 * writes the shared file through neither path.
 */
public final class VersionReuse {
    private static final Logger log = LoggerFactory.getLogger(VersionReuse.class);

    /**
     * An older version on disk: its torrent, bt's storage root, and the pieces its record says are
     * verified (bt trusts those and never writes them again; empty if it has no valid record).
     */
    public record Donor(TorrentInfo info, Path data, FileIndex files, BitSet settled) {
        public Donor(TorrentInfo info, Path data) {
            // looked up by path for every file of the new version
            this(info, data, FileIndex.of(info), FastResume.recorded(data.getParent(), info).orElseGet(BitSet::new));
        }

        /** Whether bt holds every piece of this file of the donor as verified, so it never writes it again. */
        boolean settled(TorrentInfo.TorrentFile file) {
            int first = (int) (file.offset() / info.pieceLength());
            int last = (int) ((file.offset() + file.length() - 1) / info.pieceLength());
            return settled.nextClearBit(first) > last;
        }
    }

    /** What was taken: pieces now complete, the bytes reused, and how many of those were linked rather than copied. */
    public record Reused(BitSet pieces, long bytes, int files, long linkedBytes) {
        public Reused(BitSet pieces, long bytes, int files) {
            this(pieces, bytes, files, 0);
        }
    }

    private VersionReuse() {
    }

    /**
     * Copies into {@code data} each file of {@code info} that a donor holds unchanged.
     *
     * @return the pieces of {@code info} complete on disk afterwards
     */
    public static Reused fill(TorrentInfo info, Path data, List<Donor> donors) {
        BitSet pieces = new BitSet(info.pieceCount());
        long bytes = 0;
        long linked = 0;
        int files = 0;
        List<TorrentInfo.TorrentFile> all = info.files();
        for (int i = 0; i < all.size(); i++) {
            TorrentInfo.TorrentFile file = all.get(i);
            if (file.pad() || file.length() == 0 || !ownsItsPieces(info, i)) {
                continue;
            }
            Path target = DataLayout.path(data, info, file);
            if (Files.exists(target)) {
                continue; // bt's own download or an earlier fill: never overwrite
            }
            for (Donor donor : donors) {
                TorrentInfo.TorrentFile theirs = donor.files().file(file.joined());
                Path source = sameFile(donor, file);
                if (source != null && matches(info, file, source)) {
                    try {
                        // Linked only when the donor's bt will never write the file again (all its
                        // pieces recorded verified): a shared file must not be written through one
                        // version while the other serves it. Otherwise it is copied.
                        // bt opens a visited site's files for writing: a read-only published
                        // copy would not open through the link, so it is copied
                        if (donor.settled(theirs) && Files.isWritable(source) && link(source, target)) {
                            linked += file.length();
                        } else {
                            copy(source, target);
                        }
                    } catch (IOException e) {
                        log.debug("could not reuse {} from an older version: {}", file.joined(), e.toString());
                        break;
                    }
                    int first = (int) (file.offset() / info.pieceLength());
                    int last = (int) ((file.offset() + file.length() - 1) / info.pieceLength());
                    pieces.set(first, last + 1);
                    bytes += file.length();
                    files++;
                    break;
                }
            }
        }
        return new Reused(pieces, bytes, files, linked);
    }

    /** Whether file {@code index} starts a piece and only padding (or the end) shares its last piece. */
    static boolean ownsItsPieces(TorrentInfo info, int index) {
        TorrentInfo.TorrentFile file = info.files().get(index);
        long pieceLength = info.pieceLength();
        if (file.offset() % pieceLength != 0) {
            return false;
        }
        long end = file.offset() + file.length();
        long pieceEnd = Math.min(((end + pieceLength - 1) / pieceLength) * pieceLength, info.totalSize());
        for (int j = index + 1; j < info.files().size() && info.files().get(j).offset() < pieceEnd; j++) {
            TorrentInfo.TorrentFile next = info.files().get(j);
            if (!next.pad() && next.length() > 0) {
                return false;
            }
        }
        return true;
    }

    private static Path sameFile(Donor donor, TorrentInfo.TorrentFile file) {
        TorrentInfo.TorrentFile candidate = donor.files().file(file.joined());
        if (candidate == null || candidate.length() != file.length()) {
            return null;
        }
        Path path = DataLayout.path(donor.data(), donor.info(), candidate);
        try {
            return Files.isRegularFile(path) && Files.size(path) == file.length() ? path : null;
        } catch (IOException e) {
            return null;
        }
    }

    /** Hashes {@code source} as the new version lays it out (its last piece zero-padded) and compares. */
    static boolean matches(TorrentInfo info, TorrentInfo.TorrentFile file, Path source) {
        int pieceLength = info.pieceLength();
        int first = (int) (file.offset() / pieceLength);
        MessageDigest sha1 = sha1();
        byte[] buffer = new byte[pieceLength];
        try (InputStream in = Files.newInputStream(source)) {
            long left = file.length();
            for (int piece = first; left > 0; piece++) {
                int n = in.readNBytes(buffer, 0, (int) Math.min(pieceLength, left));
                if (n <= 0) {
                    return false;
                }
                left -= n;
                long pieceStart = (long) piece * pieceLength;
                int pieceSize = (int) Math.min(pieceLength, info.totalSize() - pieceStart);
                sha1.update(buffer, 0, n);
                if (pieceSize > n) {
                    sha1.update(new byte[pieceSize - n]); // the pad file after it
                }
                if (!Arrays.equals(sha1.digest(), info.pieceHash(piece))) {
                    return false;
                }
            }
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** @return false if the file system cannot link the two (then the caller copies) */
    private static boolean link(Path source, Path target) throws IOException {
        Files.createDirectories(target.getParent());
        Path temp = target.resolveSibling(target.getFileName() + ".reuse-" + Long.toHexString(System.nanoTime()));
        try {
            Files.createLink(temp, source);
        } catch (IOException | UnsupportedOperationException e) {
            log.debug("cannot link {}, copying it: {}", target.getFileName(), e.toString());
            return false;
        }
        try {
            AtomicFiles.move(temp, target);
            return true;
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    private static void copy(Path source, Path target) throws IOException {
        Files.createDirectories(target.getParent());
        Path temp = target.resolveSibling(target.getFileName() + ".reuse-" + Long.toHexString(System.nanoTime()));
        try {
            Files.copy(source, temp, StandardCopyOption.REPLACE_EXISTING);
            AtomicFiles.move(temp, target);
        } finally {
            Files.deleteIfExists(temp);
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
