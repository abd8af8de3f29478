package org.bitweb.keys;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Named keys on disk: owner-only files, exports that round-trip, clear refusals. */
class KeyRingTest {
    @TempDir
    Path temp;

    private KeyRing ring() {
        return new KeyRing(temp.resolve("state/keys"));
    }

    @Test
    void aNewKeyIsStoredOwnerOnlyAndLoadsAgain() throws IOException {
        KeyRing ring = ring();
        SiteKey key = ring.create("blog");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(ring.keyFile("blog"))));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(ring.dir())));
        SiteKey loaded = ring.load("blog");
        assertEquals(key, loaded);
        assertArrayEquals(key.sign(new byte[] {1, 2, 3}), loaded.sign(new byte[] {1, 2, 3}));
        assertEquals(1, ring.all().size());
        try (var files = Files.list(ring.dir())) {
            assertEquals(1, files.count(), "no temporary file is left behind");
        }
    }

    @Test
    void aTakenNameIsRefusedAndTheOldKeyKept() throws IOException {
        KeyRing ring = ring();
        SiteKey first = ring.create("blog");
        KeyException e = assertThrows(KeyException.class, () -> ring.create("blog"));
        assertTrue(e.getMessage().contains("exists already"), e.getMessage());
        assertEquals(first, ring.load("blog"));
    }

    @Test
    void badNamesAreRefused() {
        for (String name : new String[] {"", "../x", "a/b", ".hidden", "a..b", "x".repeat(65), "sp ace"}) {
            assertThrows(IllegalArgumentException.class, () -> ring().create(name), name);
        }
    }

    @Test
    void anExportImportsOnAnotherMachineAsTheSameKey() throws IOException {
        SiteKey key = ring().create("blog");
        String export = ring().export("blog");
        assertTrue(export.startsWith(KeyArmor.BEGIN), export);
        assertTrue(export.contains(key.address().url()), export);
        KeyRing other = new KeyRing(temp.resolve("other/keys"));
        SiteKey imported = other.importKey("my-blog", "some mail text before\n" + export + "\nand after", "mail");
        assertArrayEquals(key.publicKey(), imported.publicKey());
        assertEquals("my-blog", imported.name());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(other.keyFile("my-blog"))));
        KeyException twice = assertThrows(KeyException.class, () -> other.importKey("again", export, "mail"));
        assertTrue(twice.getMessage().contains("already here as 'my-blog'"), twice.getMessage());
    }

    @Test
    void damagedOrForeignFilesAreRefusedWithTheReason() throws IOException {
        String export = ring().export(ring().create("blog").name());
        KeyRing other = new KeyRing(temp.resolve("other/keys"));
        assertTrue(assertThrows(KeyException.class, () -> other.importKey("x", "hello", "f.txt"))
                .getMessage().contains("not a BitWeb site key"));
        String body = export.lines().filter(l -> !l.contains(":") && !l.startsWith("-----") && !l.isBlank()).findFirst().orElseThrow();
        char c = body.charAt(5);
        String typo = export.replace(body, body.substring(0, 5) + (c == 'A' ? 'B' : 'A') + body.substring(6));
        assertTrue(assertThrows(KeyException.class, () -> other.importKey("x", typo, "f.txt"))
                .getMessage().contains("does not match"));
        String shortKey = export.replace(body, body.substring(0, 20));
        assertTrue(assertThrows(KeyException.class, () -> other.importKey("x", shortKey, "f.txt"))
                .getMessage().contains("damaged"));
        String notBase64 = export.replace(body, "!!!!" + body.substring(4));
        assertTrue(assertThrows(KeyException.class, () -> other.importKey("x", notBase64, "f.txt"))
                .getMessage().contains("base64"));
        assertFalse(other.exists("x"));
        assertTrue(assertThrows(KeyException.class, () -> other.load("missing")).getMessage().contains("bitweb key new missing"));
    }

    @Test
    void seqIsRememberedPerSaltAndNeverLowered() throws IOException {
        KeyRing ring = ring();
        ring.create("blog");
        byte[] salt = "photos".getBytes(StandardCharsets.US_ASCII);
        assertEquals(0, ring.lastSeq("blog", new byte[0]));
        ring.recordSeq("blog", new byte[0], 3);
        ring.recordSeq("blog", salt, 9);
        ring.recordSeq("blog", new byte[0], 2);
        assertEquals(3, ring.lastSeq("blog", new byte[0]));
        assertEquals(9, ring.lastSeq("blog", salt));
        Files.writeString(ring.dir().resolve("blog.seq.json"), "{broken");
        assertTrue(assertThrows(KeyException.class, () -> ring.lastSeq("blog", salt)).getMessage().contains("unreadable"));
    }
}
