package org.bitweb.site;

import org.bitweb.store.SiteRecord;
import org.bitweb.store.SiteStore;
import org.bitweb.store.StateDir;
import org.bitweb.torrent.DataLayout;
import org.bitweb.torrent.TorrentInfo;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Versions of a site published from one folder share the files that did not change. */
class SharedVersionsTest {
    @TempDir
    Path tmp;
    StateDir dir;
    SiteStore store;
    Path folder;

    @BeforeEach
    void aFolder() throws IOException {
        dir = new StateDir(tmp.resolve("home")).create();
        store = SiteStore.open(dir);
        folder = Files.createDirectories(tmp.resolve("blog"));
        Files.writeString(folder.resolve("index.html"), "<h1>v1</h1>");
        Files.write(folder.resolve("big.bin"), random(2_000_000, 1));
        Files.createDirectories(folder.resolve("img"));
        Files.write(folder.resolve("img/a.png"), random(300_000, 2));
    }

    static byte[] random(int size, long seed) {
        byte[] data = new byte[size];
        new Random(seed).nextBytes(data);
        return data;
    }

    Path copyOf(SiteRecord site, String path) throws IOException {
        TorrentInfo info = TorrentInfo.parseTorrent(Files.readAllBytes(dir.site(site.infohash()).resolve(SiteFiles.TORRENT)));
        TorrentInfo.TorrentFile file = info.contentFiles().stream().filter(f -> f.joined().equals(path)).findFirst().orElseThrow();
        return DataLayout.path(dir.site(site.infohash()).resolve(SiteFiles.DATA), info, file);
    }

    static Object inode(Path file) throws IOException {
        return Files.readAttributes(file, BasicFileAttributes.class).fileKey();
    }

    /** Bytes on disk under the store's sites, each file counted once however many names it has. */
    long diskUsed() throws IOException {
        Set<Object> seen = new HashSet<>();
        long total = 0;
        try (Stream<Path> walk = Files.walk(dir.sites())) {
            for (Path p : (Iterable<Path>) walk::iterator) {
                BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class);
                if (a.isRegularFile() && seen.add(a.fileKey())) {
                    total += a.size();
                }
            }
        }
        return total;
    }

    @Test
    void aNewVersionLinksTheFilesThatDidNotChangeAndCopiesTheOneThatDid() throws IOException {
        SiteRecord v1 = Publisher.publish(dir, store, folder, Publisher.Progress.NONE);
        long afterFirst = diskUsed();
        Files.writeString(folder.resolve("index.html"), "<h1>v2, a little longer</h1>");
        SiteRecord v2 = Publisher.publish(dir, store, folder, Publisher.Progress.NONE);

        assertNotEquals(v1.infohash(), v2.infohash());
        assertEquals(inode(copyOf(v1, "big.bin")), inode(copyOf(v2, "big.bin")));
        assertEquals(inode(copyOf(v1, "img/a.png")), inode(copyOf(v2, "img/a.png")));
        assertNotEquals(inode(copyOf(v1, "index.html")), inode(copyOf(v2, "index.html")));
        assertEquals("<h1>v2, a little longer</h1>", Files.readString(copyOf(v2, "index.html")));
        assertEquals("<h1>v1</h1>", Files.readString(copyOf(v1, "index.html")), "the old version is untouched");
        long torrentAndIndex = Files.size(dir.site(v2.infohash()).resolve(SiteFiles.TORRENT)) + 64;
        assertTrue(diskUsed() - afterFirst < torrentAndIndex, "the second version added " + (diskUsed() - afterFirst) + " bytes");
    }

    @Test
    void aFileOfTheSameLengthThatDiffersInItsLastByteIsCopiedNotLinked() throws IOException {
        SiteRecord v1 = Publisher.publish(dir, store, folder, Publisher.Progress.NONE);
        byte[] changed = random(2_000_000, 1);
        changed[changed.length - 1] ^= 1;
        Files.write(folder.resolve("big.bin"), changed);
        SiteRecord v2 = Publisher.publish(dir, store, folder, Publisher.Progress.NONE);

        assertNotEquals(inode(copyOf(v1, "big.bin")), inode(copyOf(v2, "big.bin")));
        assertArrayEquals(changed, Files.readAllBytes(copyOf(v2, "big.bin")));
        assertArrayEquals(random(2_000_000, 1), Files.readAllBytes(copyOf(v1, "big.bin")));
        assertEquals(inode(copyOf(v1, "img/a.png")), inode(copyOf(v2, "img/a.png")));
    }

    @Test
    void anOldVersionStillReadsWholeAfterTheNewOneIsRemoved() throws IOException {
        SiteRecord v1 = Publisher.publish(dir, store, folder, Publisher.Progress.NONE);
        Files.writeString(folder.resolve("index.html"), "<h1>v2</h1>");
        SiteRecord v2 = Publisher.publish(dir, store, folder, Publisher.Progress.NONE);
        Publisher.deleteTree(dir.site(v2.infohash()));

        TorrentInfo info = TorrentInfo.parseTorrent(Files.readAllBytes(dir.site(v1.infohash()).resolve(SiteFiles.TORRENT)));
        try (PublishedFiles files = PublishedFiles.copy(info, dir.site(v1.infohash()).resolve(SiteFiles.DATA))) {
            LocalSiteView view = new LocalSiteView(files);
            try (InputStream in = view.open(view.file("big.bin").orElseThrow(), 0, 2_000_000)) {
                assertArrayEquals(random(2_000_000, 1), in.readAllBytes());
            }
        }
    }

    @Test
    void publishedCopiesAreReadOnlyAndBtCannotWriteThem() throws IOException {
        SiteRecord v1 = Publisher.publish(dir, store, folder, Publisher.Progress.NONE);
        Path big = copyOf(v1, "big.bin");
        if (Files.getFileStore(big).supportsFileAttributeView("posix")) {
            Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(big);
            assertFalse(permissions.contains(PosixFilePermission.OWNER_WRITE), permissions.toString());
        }
        TorrentInfo info = TorrentInfo.parseTorrent(Files.readAllBytes(dir.site(v1.infohash()).resolve(SiteFiles.TORRENT)));
        int index = info.files().indexOf(info.contentFiles().stream().filter(f -> f.joined().equals("big.bin")).findFirst().orElseThrow());
        try (PublishedFiles files = PublishedFiles.copy(info, dir.site(v1.infohash()).resolve(SiteFiles.DATA))) {
            var unit = files.unit(index);
            assertThrows(UnsupportedOperationException.class, () -> unit.writeBlock(ByteBuffer.wrap(new byte[16]), 0));
            ByteBuffer block = ByteBuffer.allocate(16);
            unit.readBlockFully(block, 100);
            assertArrayEquals(java.util.Arrays.copyOfRange(random(2_000_000, 1), 100, 116), block.array());
        }
        assertArrayEquals(random(2_000_000, 1), Files.readAllBytes(big));
    }

    @Test
    void republishingTheSameFolderUnchangedStillAddsNothing() throws IOException {
        Publisher.publish(dir, store, folder, Publisher.Progress.NONE);
        long first = diskUsed();
        Publisher.publish(dir, store, folder, Publisher.Progress.NONE);
        assertEquals(first, diskUsed());
        assertEquals(1, store.list().size());
    }
}
