package org.bitweb.site;

import bt.data.StorageUnit;
import org.bitweb.store.SiteRecord;
import org.bitweb.store.SiteStore;
import org.bitweb.store.StateDir;
import org.bitweb.torrent.TorrentInfo;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A folder published in place is seeded from where it is; once its owner edits a file, neither
 * the gateway nor bt hands out that file's bytes until they match the published hashes again.
 */
class InPlaceTest {
    @TempDir
    Path tmp;
    StateDir dir;
    SiteStore store;
    Path folder;
    byte[] big;

    @BeforeEach
    void aFolder() throws IOException {
        dir = new StateDir(tmp.resolve("home")).create();
        store = SiteStore.open(dir);
        folder = Files.createDirectories(tmp.resolve("blog"));
        Files.writeString(folder.resolve("index.html"), "<h1>in place</h1>");
        big = new byte[1_000_000];
        new Random(3).nextBytes(big);
        Files.write(folder.resolve("big.bin"), big);
    }

    PublishedFiles open(SiteRecord site) throws IOException {
        Path siteDir = dir.site(site.infohash());
        TorrentInfo info = TorrentInfo.parseTorrent(Files.readAllBytes(siteDir.resolve(SiteFiles.TORRENT)));
        return PublishedFiles.inPlace(info, siteDir);
    }

    static byte[] read(LocalSiteView view, String path) throws IOException {
        var entry = view.file(path).orElseThrow();
        try (InputStream in = view.open(entry, 0, entry.length())) {
            return in.readAllBytes();
        }
    }

    static int indexOf(PublishedFiles files, String path) {
        List<TorrentInfo.TorrentFile> all = files.info().files();
        for (int i = 0; i < all.size(); i++) {
            if (all.get(i).joined().equals(path)) {
                return i;
            }
        }
        throw new AssertionError(path);
    }

    @Test
    void theStoreKeepsOnlyTheTorrentAndWhatTheFilesLookedLike() throws IOException {
        SiteRecord site = Publisher.publishInPlace(dir, store, folder, Publisher.Progress.NONE);
        assertTrue(site.inPlace() && site.published() && site.seeding());
        assertEquals(folder.toString(), site.source());
        try (Stream<Path> list = Files.list(dir.site(site.infohash()))) {
            assertEquals(List.of(PublishedFiles.IN_PLACE, SiteFiles.TORRENT), list.map(p -> p.getFileName().toString()).sorted().toList());
        }
        assertEquals(site, SiteStore.open(dir).get(site.infohash()).orElseThrow(), "the record survives a restart");
        try (PublishedFiles files = open(site)) {
            assertArrayEquals(big, read(new LocalSiteView(files), "big.bin"));
        }
    }

    @Test
    void anEditedFileIsRefusedToTheGatewayAndToBtUntilItHoldsThePublishedBytesAgain() throws IOException {
        SiteRecord site = Publisher.publishInPlace(dir, store, folder, Publisher.Progress.NONE);
        try (PublishedFiles files = open(site)) {
            LocalSiteView view = new LocalSiteView(files);
            StorageUnit unit = files.unit(indexOf(files, "big.bin"));
            assertArrayEquals(big, read(view, "big.bin"));

            byte[] edited = big.clone();
            edited[500_000] ^= 1; // same size: only the bytes changed
            Files.write(folder.resolve("big.bin"), edited);
            Files.setLastModifiedTime(folder.resolve("big.bin"), FileTime.fromMillis(System.currentTimeMillis() + 5_000));

            IOException refused = assertThrows(IOException.class, () -> read(view, "big.bin"));
            assertTrue(refused.getMessage().contains("publish the folder again"), refused.getMessage());
            assertThrows(UncheckedIOException.class, () -> unit.readBlockFully(ByteBuffer.allocate(16_384), 0),
                    "bt uploads none of it either, not even the blocks that did not change");
            assertArrayEquals("<h1>in place</h1>".getBytes(), read(view, "index.html"), "other files are still served");

            Files.write(folder.resolve("big.bin"), big); // put back: a new time, the published bytes
            Files.setLastModifiedTime(folder.resolve("big.bin"), FileTime.fromMillis(System.currentTimeMillis() + 10_000));
            assertArrayEquals(big, read(view, "big.bin"));
            ByteBuffer block = ByteBuffer.allocate(16_384);
            unit.readBlockFully(block, 16_384);
            assertArrayEquals(Arrays.copyOfRange(big, 16_384, 32_768), block.array());
        }
    }

    @Test
    void aFileReplacedByOneOfAnotherSizeIsRefused() throws IOException {
        SiteRecord site = Publisher.publishInPlace(dir, store, folder, Publisher.Progress.NONE);
        Files.writeString(folder.resolve("index.html"), "<h1>edited after publishing</h1>");
        try (PublishedFiles files = open(site)) {
            assertThrows(IOException.class, () -> read(new LocalSiteView(files), "index.html"));
        }
    }

    @Test
    void publishingTheFolderAsACopyLaterServesTheCopy() throws IOException {
        SiteRecord inPlace = Publisher.publishInPlace(dir, store, folder, Publisher.Progress.NONE);
        SiteRecord copy = Publisher.publish(dir, store, folder, Publisher.Progress.NONE);
        assertEquals(inPlace.infohash(), copy.infohash());
        assertTrue(!copy.inPlace());
        Files.writeString(folder.resolve("index.html"), "<h1>edited after publishing</h1>");
        Path siteDir = dir.site(copy.infohash());
        TorrentInfo info = TorrentInfo.parseTorrent(Files.readAllBytes(siteDir.resolve(SiteFiles.TORRENT)));
        try (PublishedFiles files = PublishedFiles.copy(info, siteDir.resolve(SiteFiles.DATA))) {
            assertArrayEquals("<h1>in place</h1>".getBytes(), read(new LocalSiteView(files), "index.html"));
        }
    }
}
