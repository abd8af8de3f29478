package org.bitweb.store;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Writes that a crash cannot tear: the old content or the new, never half, and no litter. */
class AtomicFilesTest {
    @TempDir
    Path dir;

    List<String> names() throws IOException {
        try (Stream<Path> list = Files.list(dir)) {
            return list.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void writeCreatesAndThenReplacesTheWholeContent() throws IOException {
        Path target = dir.resolve("sites.json");
        AtomicFiles.write(target, "a much longer first version".getBytes());
        AtomicFiles.write(target, "short".getBytes());
        assertArrayEquals("short".getBytes(), Files.readAllBytes(target), "no tail of the old content");
    }

    @Test
    void writeLeavesNoTemporaryFilesBehind() throws IOException {
        Path target = dir.resolve("sites.json");
        for (int i = 0; i < 20; i++) {
            AtomicFiles.write(target, ("v" + i).getBytes());
        }
        AtomicFiles.writePrivate(dir.resolve("key"), new byte[32]);
        assertEquals(List.of("key", "sites.json"), names());
    }

    @Test
    void writeCreatesMissingParentFolders() throws IOException {
        Path target = dir.resolve("a/b/c.json");
        AtomicFiles.write(target, "{}".getBytes());
        assertArrayEquals("{}".getBytes(), Files.readAllBytes(target));
    }

    @Test
    void writePrivateIsReadableByItsOwnerOnlyEvenWhenItReplacesAnOpenFile() throws IOException {
        Path key = dir.resolve("signing.key");
        Files.writeString(key, "old");
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-r--r--"));
        AtomicFiles.writePrivate(key, new byte[] {1, 2, 3});
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(key)));
        assertArrayEquals(new byte[] {1, 2, 3}, Files.readAllBytes(key));

        Path fresh = dir.resolve("fresh.key");
        AtomicFiles.writePrivate(fresh, new byte[] {4});
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(fresh)));
    }

    @Test
    void aFailedWriteLeavesTheOldContentAndNoTemporaryFile() throws IOException {
        Path target = dir.resolve("sites.json");
        AtomicFiles.write(target, "old".getBytes());
        Path folderInTheWay = Files.createDirectories(dir.resolve("taken"));
        Files.writeString(folderInTheWay.resolve("child"), "x"); // a non-empty folder cannot be replaced by a file
        org.junit.jupiter.api.Assertions.assertThrows(IOException.class,
                () -> AtomicFiles.write(folderInTheWay, "new".getBytes()));
        assertArrayEquals("old".getBytes(), Files.readAllBytes(target));
        assertEquals(List.of("sites.json", "taken"), names());
    }
}
