package org.bitweb.site;

import org.bitweb.torrent.DataLayout;
import org.bitweb.torrent.TorrentInfo;
import org.bitweb.torrent.TorrentMaker;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.BitSet;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A new version of a site takes from an older one exactly the files whose bytes did not change. */
class VersionReuseTest {
    @TempDir
    Path tmp;
    Path folder;

    @BeforeEach
    void firstVersion() throws IOException {
        folder = Files.createDirectories(tmp.resolve("site"));
        Files.writeString(folder.resolve("index.html"), "<h1>v1</h1>");
        Files.createDirectories(folder.resolve("img"));
        Files.write(folder.resolve("img/photo.jpg"), random(300_000, 1));
        Files.write(folder.resolve("video.bin"), random(700_000, 2));
        Files.writeString(folder.resolve("zz.txt"), "last");
    }

    private static byte[] random(int size, long seed) {
        byte[] data = new byte[size];
        new Random(seed).nextBytes(data);
        return data;
    }

    private TorrentMaker.Made make(String name) throws IOException {
        return TorrentMaker.make(folder, "site", tmp.resolve(name), done -> { });
    }

    private static BitSet piecesOf(TorrentInfo info, String path) {
        TorrentInfo.TorrentFile file = info.contentFiles().stream().filter(f -> f.joined().equals(path)).findFirst().orElseThrow();
        BitSet set = new BitSet();
        set.set((int) (file.offset() / info.pieceLength()),
                (int) ((file.offset() + file.length() - 1) / info.pieceLength()) + 1);
        return set;
    }

    @Test
    void unchangedFilesAreCopiedAndTheirPiecesCountAsComplete() throws IOException {
        TorrentMaker.Made v1 = make("v1");
        Files.writeString(folder.resolve("index.html"), "<h1>v2, longer than before</h1>");
        TorrentMaker.Made v2 = make("v2-published");
        Path data = tmp.resolve("v2-visitor");

        VersionReuse.Reused reused = VersionReuse.fill(v2.info(), data,
                List.of(new VersionReuse.Donor(v1.info(), tmp.resolve("v1"))));

        assertEquals(3, reused.files(), "photo, video and zz.txt did not change");
        assertEquals(300_000 + 700_000 + 4, reused.bytes());
        BitSet expected = piecesOf(v2.info(), "img/photo.jpg");
        expected.or(piecesOf(v2.info(), "video.bin"));
        expected.or(piecesOf(v2.info(), "zz.txt"));
        assertEquals(expected, reused.pieces());
        assertFalse(reused.pieces().intersects(piecesOf(v2.info(), "index.html")));
        TorrentInfo info = v2.info();
        for (TorrentInfo.TorrentFile file : info.contentFiles()) {
            Path copy = DataLayout.path(data, info, file);
            if (file.joined().equals("index.html")) {
                assertFalse(Files.exists(copy), "the changed file is left for the swarm");
            } else {
                assertArrayEquals(Files.readAllBytes(folder.resolve(file.joined())), Files.readAllBytes(copy), file.joined());
            }
        }
    }

    @Test
    void aDonorFileWithTheSameLengthButOtherBytesIsNotTaken() throws IOException {
        TorrentMaker.Made v1 = make("v1");
        byte[] photo = Files.readAllBytes(folder.resolve("img/photo.jpg"));
        photo[299_999] ^= 1; // one bit in the last (padded) piece
        Files.write(folder.resolve("img/photo.jpg"), photo);
        TorrentMaker.Made v2 = make("v2-published");

        VersionReuse.Reused reused = VersionReuse.fill(v2.info(), tmp.resolve("v2-visitor"),
                List.of(new VersionReuse.Donor(v1.info(), tmp.resolve("v1"))));

        assertFalse(reused.pieces().intersects(piecesOf(v2.info(), "img/photo.jpg")));
        assertFalse(Files.exists(DataLayout.path(tmp.resolve("v2-visitor"), v2.info(),
                v2.info().contentFiles().stream().filter(f -> f.joined().equals("img/photo.jpg")).findFirst().orElseThrow())));
        assertTrue(reused.pieces().intersects(piecesOf(v2.info(), "video.bin")));
    }

    @Test
    void aDonorThatOnlyHasSomeFilesGivesThoseAndAFileAlreadyThereIsNeverOverwritten() throws IOException {
        TorrentMaker.Made v1 = make("v1");
        TorrentInfo info = v1.info();
        Files.delete(DataLayout.path(tmp.resolve("v1"), info,
                info.contentFiles().stream().filter(f -> f.joined().equals("video.bin")).findFirst().orElseThrow()));
        Files.writeString(folder.resolve("zz.txt"), "new!");
        TorrentMaker.Made v2 = make("v2-published");
        Path data = tmp.resolve("v2-visitor");
        Path photoCopy = DataLayout.path(data, v2.info(),
                v2.info().contentFiles().stream().filter(f -> f.joined().equals("img/photo.jpg")).findFirst().orElseThrow());
        Files.createDirectories(photoCopy.getParent());
        Files.write(photoCopy, new byte[10]); // bt's partial download

        VersionReuse.Reused reused = VersionReuse.fill(v2.info(), data,
                List.of(new VersionReuse.Donor(v1.info(), tmp.resolve("v1"))));

        assertEquals(1, reused.files(), "only index.html: the video is gone, the photo is being downloaded");
        assertEquals(10, Files.size(photoCopy));
    }

    @Test
    void aFileSharingItsLastPieceWithAnotherIsNotItsOwn() throws IOException {
        // A torrent from another client without pad files: "a" ends inside the piece "b" starts in
        TorrentMaker.Made v1 = make("v1");
        TorrentInfo padded = v1.info();
        List<TorrentInfo.TorrentFile> unpadded = List.of(
                new TorrentInfo.TorrentFile(List.of("a"), 100, 0),
                new TorrentInfo.TorrentFile(List.of("b"), 100, 100));
        TorrentInfo info = new TorrentInfo(padded.infohash(), "x", 64 * 1024, new byte[20], unpadded, true);
        assertFalse(VersionReuse.ownsItsPieces(info, 0), "b's bytes are in a's piece");
        assertFalse(VersionReuse.ownsItsPieces(info, 1), "b starts inside a's piece");
        TorrentInfo aligned = new TorrentInfo(padded.infohash(), "x", 64 * 1024, new byte[40], List.of(
                new TorrentInfo.TorrentFile(List.of("a"), 64 * 1024, 0),
                new TorrentInfo.TorrentFile(List.of("b"), 100, 64 * 1024)), true);
        assertTrue(VersionReuse.ownsItsPieces(aligned, 0), "a fills its piece exactly");
        assertTrue(VersionReuse.ownsItsPieces(aligned, 1), "the last file ends with the torrent");
        for (int i = 0; i < padded.files().size(); i++) {
            if (!padded.files().get(i).pad()) {
                assertTrue(VersionReuse.ownsItsPieces(padded, i), padded.files().get(i).joined());
            }
        }
    }

    /**
     * A donor whose record says all its pieces are verified is never written by bt again, so its
     * unchanged files are linked, not copied; a donor without one (its bt may still write) is copied.
     */
    @Test
    void filesOfADonorThatWillNeverBeWrittenAgainAreLinkedOthersCopied() throws IOException {
        Path settled = tmp.resolve("v1-settled");
        TorrentMaker.Made v1 = TorrentMaker.make(folder, "site", settled.resolve(SiteFiles.DATA), done -> { });
        FastResume.save(settled, v1.info(), FastResume.all(v1.info().pieceCount()));
        Path unsettled = tmp.resolve("v1-unsettled");
        TorrentMaker.make(folder, "site", unsettled.resolve(SiteFiles.DATA), done -> { });
        Files.writeString(folder.resolve("index.html"), "<h1>v2</h1>");
        TorrentMaker.Made v2 = make("v2-published");

        VersionReuse.Reused linked = VersionReuse.fill(v2.info(), tmp.resolve("v2-a"),
                List.of(new VersionReuse.Donor(v1.info(), settled.resolve(SiteFiles.DATA))));
        VersionReuse.Reused copied = VersionReuse.fill(v2.info(), tmp.resolve("v2-b"),
                List.of(new VersionReuse.Donor(v1.info(), unsettled.resolve(SiteFiles.DATA))));

        assertEquals(linked.bytes(), linked.linkedBytes());
        assertEquals(0, copied.linkedBytes());
        assertEquals(linked.pieces(), copied.pieces());
        TorrentInfo.TorrentFile video = v2.info().contentFiles().stream().filter(f -> f.joined().equals("video.bin")).findFirst().orElseThrow();
        Object donorInode = Files.readAttributes(DataLayout.path(settled.resolve(SiteFiles.DATA), v1.info(), video),
                java.nio.file.attribute.BasicFileAttributes.class).fileKey();
        assertEquals(donorInode, Files.readAttributes(DataLayout.path(tmp.resolve("v2-a"), v2.info(), video),
                java.nio.file.attribute.BasicFileAttributes.class).fileKey());
        assertArrayEquals(random(700_000, 2), Files.readAllBytes(DataLayout.path(tmp.resolve("v2-b"), v2.info(), video)));
    }
}
