package org.bitweb.cli;

import org.bitweb.keys.KeyException;
import org.bitweb.keys.KeyRing;
import org.bitweb.keys.SiteKey;
import org.bitweb.json.Json;
import org.bitweb.store.AtomicFiles;
import org.bitweb.store.StateDir;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code bitweb key new|list|export|import}: the site keys in the state folder. Works on the files
 * directly, with or without a running engine (the engine reads a key when it publishes with it).
 */
final class KeyCommand {
    static final String USAGE = "key new NAME | key list | key export NAME [-o FILE] | key import NAME FILE|-";

    private final KeyRing ring;
    private final PrintStream out;
    private final PrintStream err;
    private final InputStream in;

    KeyCommand(StateDir dir, PrintStream out, PrintStream err, InputStream in) {
        this.ring = KeyRing.of(dir);
        this.out = out;
        this.err = err;
        this.in = in;
    }

    int run(List<String> words, String output, boolean json) throws IOException {
        if (words.isEmpty()) {
            throw new Args.UsageException("key needs a subcommand: bitweb " + USAGE);
        }
        String sub = words.get(0);
        List<String> rest = words.subList(1, words.size());
        try {
            return switch (sub) {
                case "new" -> create(one(rest, "key new NAME"), json);
                case "list" -> list(rest, json);
                case "export" -> export(one(rest, "key export NAME [-o FILE]"), output);
                case "import" -> importKey(rest, json);
                default -> throw new Args.UsageException("unknown key subcommand '" + sub + "': bitweb " + USAGE);
            };
        } catch (KeyException e) {
            err.println("bitweb: " + e.getMessage());
            return 1;
        }
    }

    private static String one(List<String> rest, String usage) {
        if (rest.size() != 1) {
            throw new Args.UsageException("usage: bitweb " + usage);
        }
        return name(rest.get(0));
    }

    private static String name(String name) {
        try {
            return KeyRing.checkName(name);
        } catch (IllegalArgumentException e) {
            throw new Args.UsageException(e.getMessage());
        }
    }

    private int create(String name, boolean json) throws IOException {
        SiteKey key = ring.create(name);
        if (json) {
            out.println(Json.text(describe(key)));
        } else {
            out.println("new key '" + name + "': " + key.address().url());
            out.println("publish with it: bitweb publish DIR --key " + name);
            out.println("back it up:      bitweb key export " + name + " -o " + name + ".bitweb-key  (keep that file secret)");
        }
        return 0;
    }

    private int list(List<String> rest, boolean json) throws IOException {
        if (!rest.isEmpty()) {
            throw new Args.UsageException("usage: bitweb key list");
        }
        List<SiteKey> keys = ring.all();
        if (json) {
            var array = Json.MAPPER.createArrayNode();
            keys.forEach(k -> array.add(describe(k)));
            out.println(Json.text(array));
            return 0;
        }
        if (keys.isEmpty()) {
            out.println("no keys yet: 'bitweb key new NAME' makes one (or 'bitweb publish DIR --key NAME')");
        }
        for (SiteKey key : keys) {
            out.printf("%-20s %s%n", key.name(), key.address().url());
        }
        return 0;
    }

    private int export(String name, String output) throws IOException {
        String text = ring.export(name);
        if (output == null || output.equals("-")) {
            out.print(text);
            return 0;
        }
        Path file = Path.of(output).toAbsolutePath().normalize();
        try {
            AtomicFiles.writePrivateNew(file, text.getBytes(StandardCharsets.UTF_8));
        } catch (java.nio.file.FileAlreadyExistsException e) {
            throw new KeyException(file + " exists already; export to a new file");
        }
        err.println("wrote the key '" + name + "' to " + file + " (readable by you only). Anyone with this file can "
                + "publish as the site: keep it offline or in a password manager.");
        return 0;
    }

    private int importKey(List<String> rest, boolean json) throws IOException {
        if (rest.size() != 2) {
            throw new Args.UsageException("usage: bitweb key import NAME FILE   (FILE '-' reads standard input)");
        }
        String name = name(rest.get(0));
        String source = rest.get(1);
        String text;
        if (source.equals("-")) {
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            source = "standard input";
        } else {
            Path file = Path.of(source);
            try {
                if (Files.size(file) > 64 * 1024) {
                    throw new KeyException(file + " is not a BitWeb site key (too large)");
                }
                text = Files.readString(file, StandardCharsets.UTF_8);
            } catch (NoSuchFileException e) {
                throw new KeyException("no such file: " + file);
            } catch (java.nio.charset.MalformedInputException e) {
                throw new KeyException(file + " is not a BitWeb site key (not text)");
            }
        }
        SiteKey key = ring.importKey(name, text, source);
        if (json) {
            out.println(Json.text(describe(key)));
        } else {
            out.println("imported key '" + name + "': " + key.address().url());
            out.println("Publishing from two machines with one key: the version with the higher sequence number wins; "
                    + "see docs/UPDATES.md.");
        }
        return 0;
    }

    private static com.fasterxml.jackson.databind.node.ObjectNode describe(SiteKey key) {
        return Json.object().put("name", key.name()).put("address", key.address().label())
                .put("url", key.address().url())
                .put("publicKey", org.bitweb.address.Hex.encode(key.publicKey()));
    }
}
