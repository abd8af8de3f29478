package org.bitweb.cli;

import org.bitweb.store.StateDir;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code bitweb key ...} as a user types it. */
class KeyCommandTest {
    @TempDir
    Path temp;
    final ByteArrayOutputStream out = new ByteArrayOutputStream();
    final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int key(Path home, String stdin, String output, String... words) throws Exception {
        out.reset();
        err.reset();
        return new KeyCommand(new StateDir(home), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8),
                new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8))).run(List.of(words), output, false);
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void newListExportImport() throws Exception {
        Path a = temp.resolve("a");
        Path b = temp.resolve("b");
        assertEquals(0, key(a, "", null, "list"));
        assertTrue(out().contains("no keys yet"), out());
        assertEquals(0, key(a, "", null, "new", "blog"));
        String url = out().lines().findFirst().orElseThrow().replaceAll(".*: ", "");
        assertTrue(url.matches("http://[a-z2-7]{52}\\.bitweb/"), url);
        assertEquals(1, key(a, "", null, "new", "blog"));
        assertTrue(err().contains("exists already"), err());

        assertEquals(0, key(a, "", null, "list"));
        assertTrue(out().contains("blog") && out().contains(url), out());

        Path backup = temp.resolve("blog.bitweb-key");
        assertEquals(0, key(a, "", backup.toString(), "export", "blog"));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(backup)));
        assertTrue(err().contains("keep it offline"), err());
        assertEquals(1, key(a, "", backup.toString(), "export", "blog"), "an export never overwrites a file");

        assertEquals(0, key(b, "", null, "import", "blog", backup.toString()));
        assertTrue(out().contains(url), out());
        assertEquals(0, key(a, "", null, "export", "blog"));
        String printed = out();
        assertEquals(0, key(temp.resolve("c"), printed, null, "import", "from-stdin", "-"));
        assertTrue(out().contains(url), out());
    }

    @Test
    void mistakesAreUsageErrorsOrClearFailures() throws Exception {
        Path home = temp.resolve("a");
        assertThrows(Args.UsageException.class, () -> key(home, "", null));
        assertThrows(Args.UsageException.class, () -> key(home, "", null, "frob"));
        assertThrows(Args.UsageException.class, () -> key(home, "", null, "new"));
        assertThrows(Args.UsageException.class, () -> key(home, "", null, "new", "../evil"));
        assertThrows(Args.UsageException.class, () -> key(home, "", null, "import", "x"));
        assertEquals(1, key(home, "", null, "export", "missing"));
        assertTrue(err().contains("no key named 'missing'"), err());
        assertEquals(1, key(home, "", null, "import", "x", temp.resolve("nope").toString()));
        assertTrue(err().contains("no such file"), err());
        Path junk = Files.writeString(temp.resolve("junk.txt"), "not a key");
        assertEquals(1, key(home, "", null, "import", "x", junk.toString()));
        assertTrue(err().contains("not a BitWeb site key"), err());
    }
}
