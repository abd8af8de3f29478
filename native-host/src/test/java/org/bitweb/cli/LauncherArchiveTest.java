package org.bitweb.cli;

import org.bitweb.engine.EngineJvm;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A JVM keeps the class-data archive its launcher gave it only while it belongs to this Java and
 * this jar: the start that writes it notes for whom, and a later start deletes one noted for
 * another, or one its writer never finished, so that the launcher's next start writes it again.
 * (The launchers' side, with the real JVM writing and mapping the archives:
 * installer/test/host-launcher.test.js.)
 */
class LauncherArchiveTest {
    @TempDir
    Path app;
    private Path jar;
    private Path archive;
    private Path id;

    @BeforeEach
    void installedJar() throws IOException {
        jar = Files.writeString(app.resolve("bitweb.jar"), "a jar\n");
        archive = app.resolve(LauncherArchive.HOST);
        id = app.resolve(LauncherArchive.HOST + LauncherArchive.ID);
    }

    private static byte[] finishedArchive() {
        byte[] bytes = new byte[8192];
        bytes[0] = (byte) 0xa8; // a header, which the JVM writes last
        bytes[4096] = 1;
        return bytes;
    }

    @Test
    void theStartThatWritesTheArchiveNotesWhichJavaAndJarItIsFor() throws IOException {
        assertEquals(LauncherArchive.Outcome.NOTED, LauncherArchive.keepCurrent(archive, jar));

        assertEquals(EngineJvm.archiveIdentity(jar.toString()), Files.readString(id).trim());
        // readable by every user, as the archive is: a system install's users map root's archive
        assertEquals("rw-r--r--", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(id)));
        assertFalse(Files.exists(archive), "the JVM writes the archive itself, as it exits");
        try (var files = Files.list(app)) {
            assertEquals(2, files.count(), "no temporary file left beside the jar");
        }
    }

    @Test
    void anArchiveNotedForThisJavaAndJarIsKept() throws IOException {
        LauncherArchive.keepCurrent(archive, jar);
        Files.write(archive, finishedArchive());

        assertEquals(LauncherArchive.Outcome.KEPT, LauncherArchive.keepCurrent(archive, jar));
        assertArrayEquals(finishedArchive(), Files.readAllBytes(archive));
    }

    @Test
    void anArchiveMadeForTheJarBeforeItWasReplacedIsDeleted() throws IOException {
        LauncherArchive.keepCurrent(archive, jar);
        Files.write(archive, finishedArchive());
        Files.writeString(jar, "a newer jar\n");
        Files.setLastModifiedTime(jar, FileTime.fromMillis(Files.getLastModifiedTime(jar).toMillis() + 10_000));

        assertEquals(LauncherArchive.Outcome.DELETED, LauncherArchive.keepCurrent(archive, jar));
        assertFalse(Files.exists(archive));
        assertFalse(Files.exists(id));
        // and the start after that writes a new one, noted for the new jar
        assertEquals(LauncherArchive.Outcome.NOTED, LauncherArchive.keepCurrent(archive, jar));
        assertEquals(EngineJvm.archiveIdentity(jar.toString()), Files.readString(id).trim());
    }

    @Test
    void anArchiveNotedForAnotherJavaOrWithNoNoteIsDeleted() throws IOException {
        Files.write(archive, finishedArchive());
        Files.writeString(id, "0123456789abcdef\n", StandardCharsets.US_ASCII);
        assertEquals(LauncherArchive.Outcome.DELETED, LauncherArchive.keepCurrent(archive, jar));
        assertFalse(Files.exists(archive));

        Files.write(archive, finishedArchive());
        assertEquals(LauncherArchive.Outcome.DELETED, LauncherArchive.keepCurrent(archive, jar));
        assertFalse(Files.exists(archive));
    }

    @Test
    void anArchiveItsWriterNeverFinishedIsDeleted() throws IOException {
        LauncherArchive.keepCurrent(archive, jar);
        byte[] unfinished = finishedArchive();
        unfinished[0] = 0; // killed before the header was written
        Files.write(archive, unfinished);
        assertEquals(LauncherArchive.Outcome.DELETED, LauncherArchive.keepCurrent(archive, jar));
        assertFalse(Files.exists(archive));

        Files.write(archive, new byte[0]); // killed before anything was written
        Files.writeString(id, EngineJvm.archiveIdentity(jar.toString()) + "\n");
        assertEquals(LauncherArchive.Outcome.DELETED, LauncherArchive.keepCurrent(archive, jar));
    }

    @Test
    void aBuildsFolderOfClassesHasNoArchive() throws IOException {
        Path classes = Files.createDirectory(app.resolve("classes"));
        assertEquals(LauncherArchive.Outcome.NOTHING, LauncherArchive.keepCurrent(archive, classes));
        assertFalse(Files.exists(archive));
        assertFalse(Files.exists(id));
    }

    @Test
    void aJvmChecksItsLauncherArchiveOnceHoweverManyPartsAskAndWaitsForThatCheck() {
        // the command's state folder, then the bridge or serve ask; one thread does it
        Thread first = LauncherArchive.checkInBackground();
        assertEquals(first, LauncherArchive.checkInBackground());
        LauncherArchive.awaitCheck();
        assertFalse(first.isAlive(), "awaited");
    }
}
