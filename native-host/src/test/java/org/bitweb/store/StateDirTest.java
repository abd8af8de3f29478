package org.bitweb.store;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Where the state lives: --home, else BITWEB_HOME, else XDG_DATA_HOME/bitweb, else HOME/.local/share/bitweb. */
class StateDirTest {
    static final Map<String, String> ALL = Map.of(
            "BITWEB_HOME", "/env/bitweb",
            "XDG_DATA_HOME", "/xdg/data",
            "HOME", "/home/someone");

    static Map<String, String> without(String... names) {
        Map<String, String> env = new HashMap<>(ALL);
        for (String n : names) {
            env.remove(n);
        }
        return env;
    }

    @Test
    void theHomeOptionWinsOverEveryVariable() {
        assertEquals(Path.of("/opt/state"), StateDir.resolve("/opt/state", ALL).root());
    }

    @Test
    void aRelativeHomeOptionIsMadeAbsolute() {
        StateDir dir = StateDir.resolve("rel/state", ALL);
        assertTrue(dir.root().isAbsolute());
        assertEquals(Path.of("rel/state").toAbsolutePath().normalize(), dir.root());
    }

    @Test
    void bitwebHomeComesNext() {
        assertEquals(Path.of("/env/bitweb"), StateDir.resolve(null, ALL).root());
        assertEquals(Path.of("/env/bitweb"), StateDir.resolve("  ", ALL).root(), "a blank option is no option");
    }

    @Test
    void thenXdgDataHome() {
        assertEquals(Path.of("/xdg/data/bitweb"), StateDir.resolve(null, without("BITWEB_HOME")).root());
    }

    @Test
    void aRelativeXdgDataHomeIsIgnoredAsTheSpecSays() {
        Map<String, String> env = without("BITWEB_HOME");
        env.put("XDG_DATA_HOME", "relative/data");
        assertEquals(Path.of("/home/someone/.local/share/bitweb"), StateDir.resolve(null, env).root());
    }

    @Test
    void thenHome() {
        assertEquals(Path.of("/home/someone/.local/share/bitweb"),
                StateDir.resolve(null, without("BITWEB_HOME", "XDG_DATA_HOME")).root());
        Map<String, String> blank = without("BITWEB_HOME");
        blank.put("XDG_DATA_HOME", "");
        assertEquals(Path.of("/home/someone/.local/share/bitweb"), StateDir.resolve(null, blank).root());
    }

    @Test
    void withoutAnyVariableTheJavaUserHomeIsUsed() {
        assertEquals(Path.of(System.getProperty("user.home"), ".local/share/bitweb"),
                StateDir.resolve(null, Map.of()).root());
    }

    @Test
    void createMakesAnOwnerOnlyFolderWithItsSubfolders(@TempDir Path tmp) throws IOException {
        StateDir dir = new StateDir(tmp.resolve("state")).create();
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.root())));
        assertTrue(Files.isDirectory(dir.sites()));
        assertTrue(Files.isDirectory(dir.logs()));
        assertEquals(dir.root().resolve("sites.json"), dir.sitesFile());
        assertEquals(dir.root().resolve("engine.sock"), dir.socket());
    }

    @Test
    void anExistingFolderWithLoosePermissionsBecomesOwnerOnly(@TempDir Path tmp) throws IOException {
        Path root = Files.createDirectories(tmp.resolve("made-by-hand"));
        Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwxr-xr-x"));
        new StateDir(root).create();
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(root)));
    }
}
