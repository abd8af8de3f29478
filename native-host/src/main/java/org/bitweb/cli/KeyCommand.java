package org.bitweb.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.bitweb.address.Hex;
import org.bitweb.json.Json;
import org.bitweb.keys.KeyException;
import org.bitweb.keys.KeyRing;
import org.bitweb.keys.SiteKey;
import org.bitweb.store.AtomicFiles;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.nio.charset.MalformedInputException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code bitweb key new|list|export|import}: the site keys in the state folder. Works on the files
 * directly, with or without a running engine (the engine reads a key when it publishes with it).
 */
@Command(name = "key",
        header = "Your site keys: make one, list them, back one up, bring one to another computer.",
        description = {
            "A key signs an updatable site (bitweb publish DIR --key NAME). Keys are kept in the state "
                    + "folder's keys/, readable by you only. Whoever holds a key can publish as its site: "
                    + "back it up, and guard the backup."},
        subcommands = {KeyCommand.New.class, KeyCommand.ListKeys.class, KeyCommand.Export.class, KeyCommand.Import.class})
final class KeyCommand extends Subcommand {
    /** {@code bitweb key} alone names its subcommands. */
    @Override
    public Integer call() {
        throw usage("which one? new, list, export or import");
    }

    static ObjectNode describe(SiteKey key) {
        return Json.object().put("name", key.name()).put("address", key.address().label())
                .put("url", key.address().url())
                .put("publicKey", Hex.encode(key.publicKey()));
    }

    @Command(name = "new",
            header = "Make a site key (kept owner-only in the state folder).",
            footerHeading = "%nExamples:%n",
            footer = {"  bitweb key new blog", "  bitweb publish ~/blog --key blog"})
    static final class New extends Subcommand {
        @Parameters(paramLabel = "NAME", converter = Converters.KeyName.class,
                description = "a name for the key: letters, digits, '.', '_' and '-'")
        String name;

        @Mixin
        JsonOption json;

        @Override
        public Integer call() throws IOException {
            SiteKey key = KeyRing.of(open()).create(name);
            if (json.on) {
                out().println(Json.text(describe(key)));
            } else {
                out().println("new key '" + name + "': " + key.address().url());
                out().println("publish with it: bitweb publish DIR --key " + name);
                out().println("back it up:      bitweb key export " + name + " -o " + name
                        + ".bitweb-key  (keep that file secret)");
            }
            return Outcome.OK.status;
        }
    }

    @Command(name = "list", header = "List the site keys and their addresses.",
            footerHeading = "%nExamples:%n", footer = {"  bitweb key list", "  bitweb key list --json"})
    static final class ListKeys extends Subcommand {
        @Mixin
        JsonOption json;

        @Override
        public Integer call() throws IOException {
            List<SiteKey> keys = KeyRing.of(open()).all();
            if (json.on) {
                ArrayNode array = Json.MAPPER.createArrayNode();
                keys.forEach(k -> array.add(describe(k)));
                out().println(Json.text(array));
                return Outcome.OK.status;
            }
            if (keys.isEmpty()) {
                out().println("no keys yet: 'bitweb key new NAME' makes one (or 'bitweb publish DIR --key NAME')");
            }
            for (SiteKey key : keys) {
                out().printf("%-20s %s%n", key.name(), key.address().url());
            }
            return Outcome.OK.status;
        }
    }

    @Command(name = "export",
            header = "Print a key as text to back it up: anyone holding it can publish as the site.",
            description = {"Written to a new file (readable by you only) with -o; an existing file is never overwritten."},
            footerHeading = "%nExamples:%n",
            footer = {"  bitweb key export blog -o blog.bitweb-key", "  bitweb key export blog | gpg -c > blog.bitweb-key.gpg"})
    static final class Export extends Subcommand {
        @Parameters(paramLabel = "NAME", converter = Converters.KeyName.class, description = "the key to export")
        String name;

        @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "a new file to write (default, or '-': stdout)")
        Path output;

        @Override
        public Integer call() throws IOException {
            String text = KeyRing.of(open()).export(name);
            if (output == null || output.toString().equals("-")) {
                out().print(text);
                return Outcome.OK.status;
            }
            Path file = output.toAbsolutePath().normalize();
            try {
                AtomicFiles.writePrivateNew(file, text.getBytes(StandardCharsets.UTF_8));
            } catch (FileAlreadyExistsException e) {
                throw new KeyException(file + " exists already; export to a new file");
            }
            err().println("wrote the key '" + name + "' to " + file + " (readable by you only). Anyone with this file can "
                    + "publish as the site: keep it offline or in a password manager.");
            return Outcome.OK.status;
        }
    }

    @Command(name = "import",
            header = "Take a key exported elsewhere, to publish from this machine too.",
            description = {"Publishing from two machines with one key: the version with the higher sequence number "
                    + "wins (docs/UPDATES.md)."},
            footerHeading = "%nExamples:%n",
            footer = {"  bitweb key import blog blog.bitweb-key", "  gpg -d blog.bitweb-key.gpg | bitweb key import blog -"})
    static final class Import extends Subcommand {
        /** Larger than any key file: a bigger one is something else. */
        private static final long MAX_KEY_FILE = 64 * 1024;

        @Parameters(index = "0", paramLabel = "NAME", converter = Converters.KeyName.class, description = "the name to keep it under")
        String name;

        @Parameters(index = "1", paramLabel = "FILE", description = "the exported key; '-' reads standard input")
        Path source;

        @Mixin
        JsonOption json;

        @Override
        public Integer call() throws IOException {
            KeyRing ring = KeyRing.of(open());
            String text;
            String from = source.toString();
            if (from.equals("-")) {
                text = new String(io().in().readAllBytes(), StandardCharsets.UTF_8);
                from = "standard input";
            } else {
                text = read(source);
            }
            SiteKey key = ring.importKey(name, text, from);
            if (json.on) {
                out().println(Json.text(describe(key)));
            } else {
                out().println("imported key '" + name + "': " + key.address().url());
                out().println("Publishing from two machines with one key: the version with the higher sequence number "
                        + "wins; see docs/UPDATES.md.");
            }
            return Outcome.OK.status;
        }

        private static String read(Path file) throws IOException {
            try {
                if (Files.size(file) > MAX_KEY_FILE) {
                    throw new KeyException(file + " is not a BitWeb site key (too large)");
                }
                return Files.readString(file, StandardCharsets.UTF_8);
            } catch (NoSuchFileException e) {
                throw new KeyException("no such file: " + file);
            } catch (MalformedInputException e) {
                throw new KeyException(file + " is not a BitWeb site key (not text)");
            }
        }
    }
}
