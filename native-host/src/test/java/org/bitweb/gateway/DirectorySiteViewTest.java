package org.bitweb.gateway;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class DirectorySiteViewTest {

    @TempDir
    Path dir;

    private DirectorySiteView site() throws IOException {
        Path root = Files.createDirectories(dir.resolve("site/sub"));
        Files.writeString(dir.resolve("site/a.txt"), "0123456789");
        Files.writeString(dir.resolve("secret.txt"), "secret");
        return new DirectorySiteView(dir.resolve("site"), "v7");
    }

    @Test
    void listsFilesWithTheirLengthAndFolders() throws IOException {
        DirectorySiteView site = site();
        assertEquals(Optional.of(new SiteView.FileEntry("a.txt", 10)), site.file("a.txt"));
        assertTrue(site.isDirectory("sub"));
        assertTrue(site.isDirectory(""));
        assertFalse(site.isDirectory("a.txt"));
        assertEquals(Optional.empty(), site.file("sub"));
        assertEquals("v7", site.version());
    }

    @Test
    void opensExactlyTheRequestedSlice() throws IOException {
        DirectorySiteView site = site();
        try (InputStream in = site.open(site.file("a.txt").orElseThrow(), 3, 4)) {
            assertArrayEquals("3456".getBytes(), in.readAllBytes());
        }
    }

    @Test
    void seesNothingOutsideItsFolder() throws IOException {
        DirectorySiteView site = site();
        assertEquals(Optional.empty(), site.file("../secret.txt"));
        assertEquals(Optional.empty(), site.file(dir.resolve("secret.txt").toString()));
        assertFalse(site.isDirectory(".."));
        assertThrows(IOException.class, () -> site.open(new SiteView.FileEntry("../secret.txt", 6), 0, 6));
    }

    @Test
    void doesNotFollowLinksOutOfItsFolder() throws IOException {
        DirectorySiteView site = site();
        try {
            Files.createSymbolicLink(dir.resolve("site/link.txt"), dir.resolve("secret.txt"));
        } catch (UnsupportedOperationException | IOException e) {
            assumeTrue(false, "no symbolic links here: " + e);
        }
        assertEquals(Optional.empty(), site.file("link.txt"));
    }
}
