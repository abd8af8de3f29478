package org.bitweb.torrent;

import bt.metainfo.MetadataService;
import bt.metainfo.Torrent;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Making a torrent of a folder. The infohash is checked against two sources that do not share
 * code with the maker: SHA-1 of the info bytes located by hand, and bt's own metainfo parser
 * (the one the engine seeds with), which also lists the files.
 */
class TorrentMakerTest {
    @TempDir
    Path tmp;
    Path site;
    byte[] bigFile;

    @BeforeEach
    void makeSite() throws IOException {
        site = Files.createDirectories(tmp.resolve("src/site"));
        Files.writeString(site.resolve("index.html"), "<h1>hello</h1>");
        Files.createDirectories(site.resolve("css"));
        Files.writeString(site.resolve("css/style.css"), "body{}");
        Files.createDirectories(site.resolve("a/b/c"));
        Files.writeString(site.resolve("a/b/c/deep.txt"), "deep");
        bigFile = new byte[100_000]; // several 16 KiB pieces, the last one short
        new Random(3).nextBytes(bigFile);
        Files.write(site.resolve("big.bin"), bigFile);
        Files.write(site.resolve("empty.txt"), new byte[0]);
    }

    TorrentMaker.Made make(Path folder, String copyName) throws IOException {
        return TorrentMaker.make(folder, "site", tmp.resolve(copyName), done -> { });
    }

    /** The info dictionary's bytes found by hand: "info" sorts after "created by", so it is the last value. */
    static byte[] infoBytesByHand(byte[] torrent) {
        String latin = new String(torrent, StandardCharsets.ISO_8859_1);
        assertTrue(latin.startsWith("d10:created by6:BitWeb4:info"), "expected layout: " + latin.substring(0, 40));
        assertEquals('e', latin.charAt(latin.length() - 1));
        int start = "d10:created by6:BitWeb4:info".length();
        return Arrays.copyOfRange(torrent, start, torrent.length - 1);
    }

    static String sha1Hex(byte[] data) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(data));
    }

    @Test
    void theInfohashIsSha1OfTheRawInfoBytesAndBtAgrees() throws Exception {
        TorrentMaker.Made made = make(site, "copy");
        assertEquals(sha1Hex(infoBytesByHand(made.torrent())), made.info().infohash());

        Torrent bt = new MetadataService().fromByteArray(made.torrent());
        assertEquals(made.info().infohash(), HexFormat.of().formatHex(bt.getTorrentId().getBytes()));
        assertEquals("site", bt.getName());
        assertEquals(made.info().pieceLength(), bt.getChunkSize());
        // every file starts a 64 KiB piece: BEP 47 pad files fill up the piece before it
        assertEquals(4 + 65_532 + 100_000 + 31_072 + 6 + 65_530 + 0 + 14, bt.getSize());
        List<String> btFiles = new ArrayList<>();
        for (bt.metainfo.TorrentFile f : bt.getFiles()) {
            btFiles.add(String.join("/", f.getPathElements()) + ":" + f.getSize());
        }
        assertEquals(List.of("a/b/c/deep.txt:4", ".pad/65532:65532", "big.bin:100000", ".pad/31072:31072",
                "css/style.css:6", ".pad/65530:65530", "empty.txt:0", "index.html:14"), btFiles);
    }

    @Test
    void padFilesAreMarkedAsSuchAndLeftOutOfTheSitesFiles() throws Exception {
        TorrentInfo info = make(site, "copy").info();
        List<TorrentInfo.TorrentFile> pads = info.files().stream().filter(TorrentInfo.TorrentFile::pad).toList();
        assertEquals(3, pads.size());
        for (TorrentInfo.TorrentFile pad : pads) {
            assertEquals(List.of(".pad", Long.toString(pad.length())), pad.path());
            assertEquals(0, (pad.offset() + pad.length()) % info.pieceLength(), "a pad ends on a piece boundary");
        }
        assertEquals(List.of("a/b/c/deep.txt", "big.bin", "css/style.css", "empty.txt", "index.html"),
                info.contentFiles().stream().map(TorrentInfo.TorrentFile::joined).toList());
        assertEquals(4 + 100_000 + 6 + 14, info.contentSize());
        for (TorrentInfo.TorrentFile file : info.contentFiles()) {
            assertEquals(0, file.offset() % info.pieceLength(), file.joined() + " starts a piece");
        }
        // the attribute is in the bytes other clients read
        assertTrue(new String(make(site, "again").torrent(), StandardCharsets.ISO_8859_1)
                .contains("d4:attr1:p6:lengthi65532e4:pathl4:.pad5:65532ee"));
    }

    @Test
    void thePieceHashesAreThoseOfTheFilesConcatenatedInTorrentOrder() throws Exception {
        TorrentMaker.Made made = make(site, "copy");
        ByteArrayOutputStream stream = new ByteArrayOutputStream();
        for (TorrentInfo.TorrentFile f : made.info().files()) {
            stream.writeBytes(f.pad() ? new byte[(int) f.length()] : Files.readAllBytes(site.resolve(f.joined())));
        }
        byte[] all = stream.toByteArray();
        int pieceLength = made.info().pieceLength();
        assertEquals(64 * 1024, pieceLength);
        int pieces = (all.length + pieceLength - 1) / pieceLength;
        assertEquals(pieces, made.info().pieceCount());
        for (int i = 0; i < pieces; i++) {
            byte[] piece = Arrays.copyOfRange(all, i * pieceLength, Math.min(all.length, (i + 1) * pieceLength));
            assertArrayEquals(MessageDigest.getInstance("SHA-1").digest(piece), made.info().pieceHash(i), "piece " + i);
        }
    }

    @Test
    void theSameFolderGivesTheSameInfohashTwice() throws IOException {
        assertEquals(make(site, "one").info().infohash(), make(site, "two").info().infohash());
        assertArrayEquals(make(site, "three").torrent(), make(site, "four").torrent());
    }

    @Test
    void aCopyElsewhereWithOtherTimestampsGivesTheSameInfohash() throws IOException {
        Path elsewhere = tmp.resolve("elsewhere/deeper/site");
        copyTree(site, elsewhere);
        try (Stream<Path> walk = Files.walk(elsewhere)) {
            for (Path p : (Iterable<Path>) walk::iterator) {
                Files.setLastModifiedTime(p, FileTime.fromMillis(86_400_000L)); // 1970-01-02
            }
        }
        assertNotEquals(Files.getLastModifiedTime(site.resolve("index.html")),
                Files.getLastModifiedTime(elsewhere.resolve("index.html")));
        assertEquals(make(site, "one").info().infohash(), make(elsewhere, "two").info().infohash());
    }

    @Test
    void oneChangedByteGivesAnotherInfohash() throws IOException {
        String before = make(site, "one").info().infohash();
        bigFile[50_000] ^= 1;
        Files.write(site.resolve("big.bin"), bigFile);
        assertNotEquals(before, make(site, "two").info().infohash());
    }

    @Test
    void aRenamedFileGivesAnotherInfohash() throws IOException {
        String before = make(site, "one").info().infohash();
        Files.move(site.resolve("css/style.css"), site.resolve("css/style2.css"));
        assertNotEquals(before, make(site, "two").info().infohash());
    }

    @Test
    void hiddenFilesAndSymbolicLinksAreLeftOut() throws IOException {
        String before = make(site, "one").info().infohash();
        Files.writeString(site.resolve(".env"), "SECRET=1");
        Files.createDirectories(site.resolve(".git"));
        Files.writeString(site.resolve(".git/config"), "[core]");
        Files.writeString(site.resolve("css/.hidden.css"), "x");
        Path outside = Files.writeString(tmp.resolve("outside.txt"), "not part of the site");
        Files.createSymbolicLink(site.resolve("link.txt"), outside);
        Files.createSymbolicLink(site.resolve("linked-dir"), tmp.resolve("src"));
        Files.createSymbolicLink(site.resolve("dangling"), tmp.resolve("nowhere"));

        TorrentMaker.Made made = make(site, "two");
        assertEquals(before, made.info().infohash(), "nothing hidden or linked entered the torrent");
        assertEquals(List.of("a/b/c/deep.txt", "big.bin", "css/style.css", "empty.txt", "index.html"),
                made.info().contentFiles().stream().map(TorrentInfo.TorrentFile::joined).toList());
        try (Stream<Path> copied = Files.walk(tmp.resolve("two"))) {
            assertTrue(copied.noneMatch(p -> p.getFileName().toString().startsWith(".")
                    || p.getFileName().toString().contains("link") || Files.isSymbolicLink(p)));
        }
    }

    @Test
    void theListingNamesWhatIsLeftOutAndWhy() throws IOException {
        Files.writeString(site.resolve(".env"), "SECRET=1");
        Files.createDirectories(site.resolve(".git/objects"));
        Files.writeString(site.resolve(".git/objects/ab"), "x");
        Files.writeString(site.resolve("css/.hidden.css"), "x");
        Files.createSymbolicLink(site.resolve("link.txt"), site.resolve("index.html"));
        Files.createSymbolicLink(site.resolve("linked-dir"), site.resolve("css"));
        Files.createSymbolicLink(site.resolve("dangling"), tmp.resolve("nowhere"));
        try (var socket = java.nio.channels.ServerSocketChannel.open(java.net.StandardProtocolFamily.UNIX)) {
            socket.bind(java.net.UnixDomainSocketAddress.of(site.resolve("a/control.sock")));

            TorrentMaker.Listing listing = TorrentMaker.list(site);
            assertEquals(List.of("a/b/c/deep.txt", "big.bin", "css/style.css", "empty.txt", "index.html"),
                    listing.files().stream().map(Path::toString).toList());
            assertEquals(java.util.Set.of(".env", ".git", "css/.hidden.css"), strings(listing.hidden()),
                    "a hidden folder is named once, not walked into");
            assertEquals(java.util.Set.of("link.txt", "linked-dir", "dangling"), strings(listing.links()));
            assertEquals(java.util.Set.of("a/control.sock"), strings(listing.special()));
            assertEquals(listing.files(), TorrentMaker.listFiles(site));
        }
    }

    private static java.util.Set<String> strings(List<Path> paths) {
        return paths.stream().map(Path::toString).collect(java.util.stream.Collectors.toSet());
    }

    @Test
    void filesAreSortedByPathComparedNameByNameAsBytes() throws IOException {
        Path folder = Files.createDirectories(tmp.resolve("order/site"));
        for (String name : List.of("z", "é", "a-b", "a.txt", "B", "a/c", "a/B", "ab")) {
            Path p = folder.resolve(name);
            Files.createDirectories(p.getParent());
            Files.writeString(p, name);
        }
        // Names compared one path element at a time as UTF-8 bytes: "a" (a folder) sorts before
        // "a-b" because it is a prefix; 'B' (0x42) before 'a' (0x61); 'é' (0xc3) after 'z'.
        assertEquals(List.of("B", "a/B", "a/c", "a-b", "a.txt", "ab", "z", "é"),
                make(folder, "copy").info().contentFiles().stream().map(TorrentInfo.TorrentFile::joined).toList());
    }

    @Test
    void theCopyInTheStoreHoldsExactlyTheHashedBytes() throws IOException {
        TorrentMaker.Made made = make(site, "copy");
        for (TorrentInfo.TorrentFile f : made.info().contentFiles()) {
            assertArrayEquals(Files.readAllBytes(site.resolve(f.joined())),
                    Files.readAllBytes(tmp.resolve("copy/site").resolve(f.joined())), f.joined());
        }
    }

    @Test
    void progressCountsUpToTheTotal() throws IOException {
        List<Long> seen = new ArrayList<>();
        TorrentMaker.Made made = TorrentMaker.make(site, "site", tmp.resolve("copy"), seen::add);
        for (int i = 1; i < seen.size(); i++) {
            assertTrue(seen.get(i) > seen.get(i - 1), "progress only grows: " + seen);
        }
        assertEquals(made.info().contentSize(), (long) seen.get(seen.size() - 1));
    }

    @Test
    void aFolderWithNothingToPublishIsAnErrorThatSaysWhy() throws IOException {
        Path empty = Files.createDirectories(tmp.resolve("empty"));
        Files.writeString(empty.resolve(".only-hidden"), "x");
        IOException e = assertThrows(IOException.class, () -> make(empty, "copy"));
        assertTrue(e.getMessage().contains("nothing to publish") && e.getMessage().contains(empty.toString()), e.getMessage());
        assertThrows(IOException.class, () -> make(site.resolve("index.html"), "copy2"));
    }

    @Test
    void namesThatAreOneFileOnMacOsAndWindowsAreRefusedBeforeAnythingIsHashed() throws IOException {
        Files.writeString(site.resolve("Index.html"), "<h1>the other one</h1>");
        List<Long> hashed = new ArrayList<>();
        IOException e = assertThrows(IOException.class, () -> TorrentMaker.make(site, "site", tmp.resolve("copy"), hashed::add));
        assertTrue(e.getMessage().contains("Index.html") && e.getMessage().contains("index.html")
                && e.getMessage().contains("rename one"), e.getMessage());
        assertEquals(List.of(), hashed, "refused before hashing");
        assertFalse(Files.exists(tmp.resolve("copy/site")), "and before copying");
    }

    @Test
    void aNameWithAFormatCharacterIsRefusedNamingItAndWhatToDo() throws IOException {
        Files.writeString(site.resolve("gpj.\u202eexe.html"), "<h1>looks like a jpg</h1>");
        IOException e = assertThrows(IOException.class, () -> make(site, "copy"));
        assertTrue(e.getMessage().contains("U+202E") && e.getMessage().contains("rename it"), e.getMessage());
    }

    @Test
    void pieceLengthIsTheSmallestPowerOfTwoGivingAtMost640PiecesBetween64KiBAnd4MiB() {
        int k64 = 64 * 1024; // the smallest piece
        int m4 = 4 * 1024 * 1024;
        assertEquals(640, TorrentMaker.MOST_PIECES);
        assertEquals(k64, TorrentMaker.pieceLengthFor(0));
        assertEquals(k64, TorrentMaker.pieceLengthFor(1));
        assertEquals(k64, TorrentMaker.pieceLengthFor(640L * k64));         // exactly 640 pieces of the smallest size
        assertEquals(2 * k64, TorrentMaker.pieceLengthFor(640L * k64 + 1)); // one byte more would be a 641st piece
        assertEquals(2 * 1024 * 1024, TorrentMaker.pieceLengthFor(1024L * 1024 * 1024 + 10_240)); // a 1 GB site: 513 pieces
        assertEquals(m4, TorrentMaker.pieceLengthFor(640L * m4));
        assertEquals(m4, TorrentMaker.pieceLengthFor(640L * m4 + 1));       // past 2.5 GiB the pieces stop growing
        assertEquals(m4, TorrentMaker.pieceLengthFor(Long.MAX_VALUE));
        assertEquals(k64, TorrentMaker.pieceLengthFor(2000L * k64, 2000));  // the old rule, for measuring
        Random random = new Random(5);
        for (int i = 0; i < 1000; i++) {
            long total = random.nextLong() >>> random.nextInt(63);
            int piece = TorrentMaker.pieceLengthFor(total);
            assertEquals(1, Integer.bitCount(piece), "power of two for " + total);
            assertTrue(piece >= k64 && piece <= m4, piece + " for " + total);
            long pieces = total / piece + (total % piece == 0 ? 0 : 1);
            if (piece < m4) {
                assertTrue(pieces <= 640, pieces + " pieces for " + total);
            }
            if (piece > k64) {
                long smaller = total / (piece / 2) + (total % (piece / 2) == 0 ? 0 : 1);
                assertTrue(smaller > 640, "the next smaller size would give " + smaller + " pieces for " + total);
            }
        }
    }

    @Test
    void theFileListOfASiteOfAFewBigFilesIsOneMetadataBlockThatFitsAFirstTcpWindow() throws IOException {
        // a visitor asks for the file list (BEP 9, 16 KiB blocks) on a new connection, whose first
        // window is 10 segments: more than that costs every first visit a round trip
        Path films = Files.createDirectories(tmp.resolve("films"));
        Files.writeString(films.resolve("index.html"), "<h1>films</h1>");
        try (var big = new java.io.RandomAccessFile(films.resolve("film.bin").toFile(), "rw")) {
            // sparse; the worst case: with index.html the site is 640 pieces' worth, the most for 64
            // KiB pieces, and the page's own piece after the film's partial last one makes 641
            big.setLength(640L * 64 * 1024 - "<h1>films</h1>".length());
        }
        TorrentMaker.Made made = TorrentMaker.make(films, "site", null, done -> { });
        byte[] info = Bencode.rawValue(made.torrent(), "info");
        assertEquals(64 * 1024, made.info().pieceLength());
        assertEquals(641, made.info().pieces().length / 20);
        assertTrue(info.length <= 16 * 1024, "one metadata block: " + info.length + " bytes");
        assertTrue(info.length + 64 <= 10 * 1448, "inside 10 segments with its message header: " + info.length);
    }

    static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> walk = Files.walk(from)) {
            for (Path p : (Iterable<Path>) walk::iterator) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        }
    }
}
