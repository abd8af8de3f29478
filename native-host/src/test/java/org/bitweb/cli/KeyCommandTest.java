package org.bitweb.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code bitweb key ...} as a user types it. */
class KeyCommandTest {
    @TempDir
    Path temp;
    InProcess last;

    private int key(Path home, String stdin, String... words) {
        List<String> args = new ArrayList<>(List.of("--home", home.toString(), "key"));
        args.addAll(List.of(words));
        last = InProcess.run(stdin, Map.of(), args.toArray(String[]::new));
        return last.exit();
    }

    private String out() {
        return last.out();
    }

    private String err() {
        return last.err();
    }

    @Test
    void newListExportImport() throws Exception {
        Path a = temp.resolve("a");
        Path b = temp.resolve("b");
        assertEquals(0, key(a, "", "list"));
        assertTrue(out().contains("no keys yet"), out());
        assertEquals(0, key(a, "", "new", "blog"));
        String url = out().lines().findFirst().orElseThrow().replaceAll(".*: ", "");
        assertTrue(url.matches("http://[a-z2-7]{52}\\.bitweb/"), url);
        assertEquals(1, key(a, "", "new", "blog"));
        assertTrue(err().contains("exists already"), err());

        assertEquals(0, key(a, "", "list"));
        assertTrue(out().contains("blog") && out().contains(url), out());

        Path backup = temp.resolve("blog.bitweb-key");
        assertEquals(0, key(a, "", "export", "blog", "-o", backup.toString()));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(backup)));
        assertTrue(err().contains("keep it offline"), err());
        assertEquals(1, key(a, "", "export", "blog", "--output", backup.toString()), "an export never overwrites a file");

        assertEquals(0, key(b, "", "import", "blog", backup.toString()));
        assertTrue(out().contains(url), out());
        assertEquals(0, key(a, "", "export", "blog"));
        String printed = out();
        assertEquals(0, key(temp.resolve("c"), printed, "import", "from-stdin", "-"));
        assertTrue(out().contains(url), out());

        assertEquals(0, key(a, "", "list", "--json"));
        assertTrue(out().contains("\"name\":\"blog\"") && out().contains(url), out());
    }

    @Test
    void mistakesAreUsageErrorsOrClearFailures() throws Exception {
        Path home = temp.resolve("a");
        assertEquals(2, key(home, ""));
        assertTrue(err().contains("new, list, export or import"), err());
        assertEquals(2, key(home, "", "frob"));
        assertTrue(err().contains("unknown command 'frob'"), err());
        assertEquals(2, key(home, "", "new"));
        assertTrue(err().contains("NAME"), err());
        assertEquals(2, key(home, "", "new", "../evil"));
        assertTrue(err().contains("a key name is"), err());
        assertEquals(2, key(home, "", "import", "x"));
        assertEquals(2, key(home, "", "list", "extra"));
        assertEquals(1, key(home, "", "export", "missing"));
        assertTrue(err().contains("no key named 'missing'"), err());
        assertEquals(1, key(home, "", "import", "x", temp.resolve("nope").toString()));
        assertTrue(err().contains("no such file"), err());
        Path junk = Files.writeString(temp.resolve("junk.txt"), "not a key");
        assertEquals(1, key(home, "", "import", "x", junk.toString()));
        assertTrue(err().contains("not a BitWeb site key"), err());
        for (String line : List.of(err())) {
            assertEquals(1, line.lines().count(), "one line, no stack trace: " + line);
        }
    }
}
