package org.bitweb.comments;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.bitweb.address.Hex;
import org.bitweb.address.SiteAddress;
import org.bitweb.json.Json;
import org.bitweb.keys.Ed25519;
import org.bitweb.keys.KeyArmor;
import org.bitweb.keys.KeyException;
import org.bitweb.store.AtomicFiles;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Who this reader is when they comment: one ed25519 key, made the first time it is needed, in
 * {@code <state>/comments/identity/reader.key} (0600, folder 0700, the armored text that
 * {@link #export()} gives), and {@code identity.json} with the display name and whether every
 * site gets a key of its own. Those per-site keys are derived from the reader key and the site
 * (SHA-512 of both, cut to a seed), so they need no storage, one export backs them all up, and
 * nobody without the reader key can tell that two of them belong together.
 */
public final class ReaderIdentity {
    static final String KIND = "READER KEY";
    private static final byte[] PER_SITE = "bitweb reader key for a site\0".getBytes(StandardCharsets.US_ASCII);

    private final Path dir;
    private byte[] seed;

    /** What the reader chose: the name shown with their comments, and a key per site. */
    public record Settings(String name, boolean perSite) {
        public Settings {
            name = name == null || name.isBlank() ? null : name.strip();
            if (name != null) {
                if (name.getBytes(StandardCharsets.UTF_8).length > Limits.MAX_NAME_BYTES) {
                    throw new RecordException(Refusal.TOO_LARGE, "a display name is at most " + Limits.MAX_NAME_BYTES + " bytes");
                }
                Text.check("the display name", name, false);
            }
        }
    }

    private ReaderIdentity(Path dir) {
        this.dir = dir;
    }

    public static ReaderIdentity open(Path dir) {
        return new ReaderIdentity(dir);
    }

    private Path keyFile() {
        return dir.resolve("reader.key");
    }

    private Path settingsFile() {
        return dir.resolve("identity.json");
    }

    /** Whether a reader key exists yet (none before the first post, export or import). */
    public synchronized boolean exists() {
        return seed != null || Files.exists(keyFile());
    }

    /** The reader key's public half, making the key if there is none. */
    public synchronized Bytes32 publicKey() throws IOException {
        return Bytes32.of(Ed25519.publicKey(seed()));
    }

    /** The key that signs for {@code site}: the reader key, or the site's own derived key when the setting says so. */
    public synchronized Signer signerFor(SiteAddress site) throws IOException {
        return signer(settings().perSite() ? siteSeed(seed(), site) : seed());
    }

    /** Every key of this reader that may have written on {@code site}: the reader key and the site's own. */
    public synchronized Set<Bytes32> keysFor(SiteAddress site) throws IOException {
        Set<Bytes32> keys = new LinkedHashSet<>();
        if (!exists()) {
            return keys;
        }
        keys.add(Bytes32.of(Ed25519.publicKey(seed())));
        keys.add(Bytes32.of(Ed25519.publicKey(siteSeed(seed(), site))));
        return keys;
    }

    public synchronized Settings settings() throws IOException {
        try {
            JsonNode node = Json.MAPPER.readTree(Files.readAllBytes(settingsFile()));
            return new Settings(node.path("name").isTextual() ? node.path("name").asText() : null,
                    node.path("perSite").asBoolean(false));
        } catch (NoSuchFileException e) {
            return new Settings(null, false);
        } catch (com.fasterxml.jackson.core.JsonProcessingException | RecordException e) {
            throw new IOException(settingsFile() + " is unreadable (" + e.getMessage() + "); move it away to start "
                    + "again with no display name");
        }
    }

    /** Changes what is given (null leaves it as it is); an empty name removes it. */
    public synchronized Settings update(String name, Boolean perSite) throws IOException {
        Settings now = settings();
        Settings next = new Settings(name != null ? name : now.name(), perSite != null ? perSite : now.perSite());
        ObjectNode file = Json.object().put("format", "bitweb-reader").put("version", 1);
        file.put("name", next.name());
        file.put("perSite", next.perSite());
        ensureDir();
        AtomicFiles.write(settingsFile(), Json.pretty(file).getBytes(StandardCharsets.UTF_8));
        return next;
    }

    /** The reader key as text, for a backup or another machine; makes the key if there is none. */
    public synchronized String export() throws IOException {
        byte[] key = seed();
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Public-Key", Hex.encode(Ed25519.publicKey(key)));
        headers.put("Warning", "anyone holding this text can comment as you, on every site");
        return KeyArmor.armorSeed(KIND, headers, key);
    }

    /**
     * Takes a reader key exported elsewhere. An existing, different key is replaced only when
     * {@code replace} is set, and then kept beside as {@code reader.key.<time>.old}.
     *
     * @return the imported key's public half
     */
    public synchronized Bytes32 importKey(String text, boolean replace, String source) throws IOException {
        KeyArmor.Armored armored = KeyArmor.readSeed(KIND, text, source);
        byte[] imported = armored.seed();
        byte[] publicKey = Ed25519.publicKey(imported);
        String expected = armored.headers().get("public-key");
        if (expected != null && !expected.equalsIgnoreCase(Hex.encode(publicKey))) {
            throw new KeyException(source + " is damaged: its key does not match its Public-Key line " + expected);
        }
        if (exists()) {
            byte[] current = seed();
            if (Arrays.equals(current, imported)) {
                return Bytes32.of(publicKey);
            }
            if (!replace) {
                throw new KeyException("this engine has a reader key already (" + Hex.encode(Ed25519.publicKey(current))
                        + "); import with replace to use the other one (the old key is kept in " + dir + ")");
            }
            Files.move(keyFile(), dir.resolve("reader.key." + System.currentTimeMillis() + ".old"));
        }
        write(imported);
        seed = imported;
        return Bytes32.of(publicKey);
    }

    private byte[] seed() throws IOException {
        if (seed != null) {
            return seed;
        }
        try {
            String text = Files.readString(keyFile(), StandardCharsets.UTF_8);
            seed = KeyArmor.readSeed(KIND, text, keyFile().toString()).seed();
        } catch (NoSuchFileException e) {
            byte[] fresh = Ed25519.newSeed();
            write(fresh);
            seed = fresh;
        }
        return seed;
    }

    private void write(byte[] key) throws IOException {
        ensureDir();
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Public-Key", Hex.encode(Ed25519.publicKey(key)));
        headers.put("Warning", "anyone holding this text can comment as you, on every site");
        AtomicFiles.writePrivateNew(keyFile(), KeyArmor.armorSeed(KIND, headers, key).getBytes(StandardCharsets.UTF_8));
    }

    private void ensureDir() throws IOException {
        Files.createDirectories(dir);
        if (dir.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        }
    }

    static byte[] siteSeed(byte[] readerSeed, SiteAddress site) {
        try {
            MessageDigest sha512 = MessageDigest.getInstance("SHA-512");
            sha512.update(PER_SITE);
            sha512.update(readerSeed);
            sha512.update((byte) site.kind().ordinal());
            sha512.update(site.bytes());
            sha512.update(site.salt());
            return Arrays.copyOf(sha512.digest(), Ed25519.SEED_BYTES);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Signer signer(byte[] key) {
        byte[] publicKey = Ed25519.publicKey(key);
        return new Signer() {
            @Override
            public byte[] publicKey() {
                return publicKey.clone();
            }

            @Override
            public byte[] sign(byte[] message) {
                return Ed25519.sign(key, message);
            }
        };
    }

    /** The public key {@link #signerFor} would use, if the key exists. */
    public synchronized Optional<Bytes32> authorFor(SiteAddress site) throws IOException {
        return exists() ? Optional.of(Bytes32.of(signerFor(site).publicKey())) : Optional.empty();
    }
}
