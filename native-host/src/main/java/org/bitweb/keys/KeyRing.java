package org.bitweb.keys;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.bitweb.address.Hex;
import org.bitweb.json.Json;
import org.bitweb.store.AtomicFiles;
import org.bitweb.store.StateDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The user's named site keys, in {@code <state>/keys/} (owner-only, 0700):
 * {@code <name>.key} holds the key ({@link KeyArmor}, 0600), {@code <name>.seq.json} the highest
 * sequence number this machine has signed under it, per salt, so the next version is signed with
 * a larger one even when the DHT has forgotten the last.
 */
public final class KeyRing {
    static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");
    static final String KEY_SUFFIX = ".key";
    static final String SEQ_SUFFIX = ".seq.json";

    private final Path dir;

    public KeyRing(Path dir) {
        this.dir = dir.toAbsolutePath().normalize();
    }

    public static KeyRing of(StateDir state) {
        return new KeyRing(state.root().resolve("keys"));
    }

    public Path dir() {
        return dir;
    }

    /** A name is 1..64 letters, digits, '.', '_' and '-', starting with a letter or digit. */
    public static String checkName(String name) {
        if (name == null || !NAME.matcher(name).matches() || name.contains("..")) {
            throw new IllegalArgumentException("a key name is 1..64 letters, digits, '.', '_' and '-', starting with a "
                    + "letter or digit, not '" + name + "'");
        }
        return name;
    }

    public Path keyFile(String name) {
        return dir.resolve(checkName(name) + KEY_SUFFIX);
    }

    Path seqFile(String name) {
        return dir.resolve(checkName(name) + SEQ_SUFFIX);
    }

    public boolean exists(String name) {
        return Files.exists(keyFile(name));
    }

    /** Makes a new key; refuses a name that is taken. */
    public SiteKey create(String name) throws IOException {
        SiteKey key = SiteKey.generate(name);
        writeNew(key);
        return key;
    }

    /** Stores a key read from an export under {@code name}; refuses a name that is taken. */
    public SiteKey importKey(String name, String armored, String source) throws IOException {
        checkName(name);
        SiteKey key = KeyArmor.read(name, armored, source);
        for (SiteKey other : all()) {
            if (java.util.Arrays.equals(other.publicKey(), key.publicKey())) {
                throw new KeyException("this key is already here as '" + other.name() + "' (" + other.address().url() + ")");
            }
        }
        writeNew(key);
        return key;
    }

    public SiteKey load(String name) throws IOException {
        Path file = keyFile(name);
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new KeyException("there is no key named '" + name + "' ('bitweb key list' shows the keys, "
                    + "'bitweb key new " + name + "' makes one)");
        }
        return KeyArmor.read(name, text, file.toString());
    }

    /** The armored text of a key, for a backup. */
    public String export(String name) throws IOException {
        return KeyArmor.armor(load(name));
    }

    /** Every readable key, by name; a damaged key file is skipped here and reported by {@link #load}. */
    public List<SiteKey> all() throws IOException {
        List<SiteKey> keys = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return keys;
        }
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : (Iterable<Path>) files.sorted()::iterator) {
                String fileName = file.getFileName().toString();
                if (!fileName.endsWith(KEY_SUFFIX) || fileName.startsWith(".")) {
                    continue;
                }
                String name = fileName.substring(0, fileName.length() - KEY_SUFFIX.length());
                try {
                    keys.add(load(name));
                } catch (IOException | IllegalArgumentException e) {
                    org.slf4j.LoggerFactory.getLogger(KeyRing.class).warn("skipping key file {}: {}", file, e.getMessage());
                }
            }
        }
        return keys;
    }

    /** The key whose public key this is, if this machine holds it. */
    public java.util.Optional<SiteKey> find(byte[] publicKey) throws IOException {
        for (SiteKey key : all()) {
            if (java.util.Arrays.equals(key.publicKey(), publicKey)) {
                return java.util.Optional.of(key);
            }
        }
        return java.util.Optional.empty();
    }

    /** The highest seq this machine signed under {@code name} and {@code salt}; 0 if none. */
    public synchronized long lastSeq(String name, byte[] salt) throws IOException {
        return readSeqs(name).path(Hex.encode(salt == null ? new byte[0] : salt)).asLong(0);
    }

    /** Notes that {@code seq} was signed; never lowers what is noted. Written before the item leaves this machine. */
    public synchronized void recordSeq(String name, byte[] salt, long seq) throws IOException {
        ObjectNode seqs = readSeqs(name).deepCopy();
        String saltHex = Hex.encode(salt == null ? new byte[0] : salt);
        if (seqs.path(saltHex).asLong(0) >= seq) {
            return;
        }
        seqs.put(saltHex, seq);
        ObjectNode file = Json.object().put("format", "bitweb-key-seq").put("version", 1);
        file.set("seq", seqs);
        ensureDir();
        AtomicFiles.write(seqFile(name), Json.pretty(file).getBytes(StandardCharsets.UTF_8));
    }

    private ObjectNode readSeqs(String name) throws IOException {
        Path file = seqFile(name);
        try {
            JsonNode node = Json.MAPPER.readTree(Files.readAllBytes(file));
            JsonNode seqs = node.path("seq");
            if (!"bitweb-key-seq".equals(node.path("format").asText()) || !seqs.isObject()) {
                throw new KeyException(file + " is not a BitWeb sequence file; move it away (the next publish then "
                        + "asks the DHT for the last sequence number)");
            }
            return (ObjectNode) seqs;
        } catch (NoSuchFileException e) {
            return Json.object();
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new KeyException(file + " is unreadable (" + e.getOriginalMessage() + "); move it away (the next "
                    + "publish then asks the DHT for the last sequence number)");
        }
    }

    private void ensureDir() throws IOException {
        if (!Files.isDirectory(dir)) {
            Files.createDirectories(dir);
        }
        if (posix(dir)) {
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        }
    }

    /** Writes a key file that must not exist yet; two processes racing for one name cannot both win. */
    private void writeNew(SiteKey key) throws IOException {
        ensureDir();
        Path target = keyFile(key.name());
        try {
            AtomicFiles.writePrivateNew(target, KeyArmor.armor(key).getBytes(StandardCharsets.UTF_8));
        } catch (FileAlreadyExistsException e) {
            throw new KeyException("a key named '" + key.name() + "' exists already (" + target + "); pick another name");
        }
    }

    private static boolean posix(Path path) {
        return path.getFileSystem().supportedFileAttributeViews().contains("posix");
    }
}
