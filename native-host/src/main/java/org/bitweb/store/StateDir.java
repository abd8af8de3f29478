package org.bitweb.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;

/**
 * The per-user state folder and the names inside it. Chosen once: {@code --home}, else
 * {@code BITWEB_HOME}, else {@code $XDG_DATA_HOME/bitweb}, else {@code $HOME/.local/share/bitweb}.
 * Created owner-only (0700): it holds keys and the engine's control socket.
 */
public record StateDir(Path root) {

    public StateDir {
        root = root.toAbsolutePath().normalize();
    }

    public static StateDir resolve(String homeOption, Map<String, String> env) {
        if (homeOption != null && !homeOption.isBlank()) {
            return new StateDir(Path.of(homeOption));
        }
        String home = env.get("BITWEB_HOME");
        if (home != null && !home.isBlank()) {
            return new StateDir(Path.of(home));
        }
        String xdg = env.get("XDG_DATA_HOME");
        if (xdg != null && !xdg.isBlank() && Path.of(xdg).isAbsolute()) {
            return new StateDir(Path.of(xdg, "bitweb"));
        }
        // $HOME first: a browser or test that runs us with another HOME means that one, while
        // Java's user.home comes from the password database.
        String userHome = env.get("HOME");
        if (userHome == null || userHome.isBlank()) {
            userHome = System.getProperty("user.home");
        }
        return new StateDir(Path.of(userHome, ".local", "share", "bitweb"));
    }

    /**
     * Makes the folder if needed and makes it owner-only, also when it existed with looser
     * permissions (made by hand, by an older version, or restored from a backup).
     */
    public StateDir create() throws IOException {
        if (!Files.isDirectory(root)) {
            Files.createDirectories(root);
        }
        if (AtomicFiles.posix(root)) {
            var ownerOnly = PosixFilePermissions.fromString("rwx------");
            if (!Files.getPosixFilePermissions(root).equals(ownerOnly)) {
                Files.setPosixFilePermissions(root, ownerOnly);
            }
        }
        Files.createDirectories(sites());
        Files.createDirectories(logs());
        return this;
    }

    public Path sitesFile() {
        return root.resolve("sites.json");
    }

    public Path sites() {
        return root.resolve("sites");
    }

    public Path site(String infohashHex) {
        return sites().resolve(infohashHex);
    }

    public Path logs() {
        return root.resolve("logs");
    }

    public Path socket() {
        return root.resolve("engine.sock");
    }

    public Path lock() {
        return root.resolve("engine.lock");
    }

    public Path engineInfo() {
        return root.resolve("engine.json");
    }

    public Path settings() {
        return root.resolve("settings.json");
    }
}
