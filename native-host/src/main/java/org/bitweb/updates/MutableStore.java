package org.bitweb.updates;

import com.fasterxml.jackson.annotation.JsonInclude;
import org.bitweb.address.Hex;
import org.bitweb.address.SiteAddress;
import org.bitweb.dht.MutableItem;
import org.bitweb.json.Json;
import org.bitweb.store.AtomicFiles;
import org.bitweb.store.StateDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * The updatable sites this machine knows, one file each: {@code <state>/mutable/<label>.json}
 * (the site's host label, {@code <salt label>.<key label>} under a salt), written atomically. A
 * file holds the signed item itself, so it is checked again on load ({@link ItemCheck}); one that
 * fails is ignored with a warning, and the site is resolved afresh.
 */
public final class MutableStore {
    private static final Logger log = LoggerFactory.getLogger(MutableStore.class);
    static final String FORMAT = "bitweb-mutable";

    private final Path dir;
    private final Map<SiteAddress, KeySiteRecord> records = new ConcurrentHashMap<>();
    private final Map<SiteAddress, Object> locks = new ConcurrentHashMap<>();

    private MutableStore(Path dir) {
        this.dir = dir;
    }

    public static Path folder(StateDir state) {
        return state.root().resolve("mutable");
    }

    public static MutableStore open(StateDir state) throws IOException {
        MutableStore store = new MutableStore(folder(state));
        store.load();
        return store;
    }

    /** The file as written: strings and numbers only, so it can be read and diffed by people. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record FileForm(String format, int version, String publicKey, String salt, long seq, String value, String signature,
                    String infohash, String key, boolean seeding, long updated, boolean pendingCheck, List<String> previous) {
    }

    private void load() throws IOException {
        if (!Files.isDirectory(dir)) {
            return;
        }
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                String name = file.getFileName().toString();
                if (!name.endsWith(".json") || name.startsWith(".")) {
                    continue;
                }
                try {
                    KeySiteRecord record = read(Files.readAllBytes(file));
                    records.put(record.site(), record);
                } catch (IOException | RuntimeException | RejectedItem e) {
                    log.warn("ignoring {}: {}", file, e.getMessage());
                }
            }
        }
    }

    static KeySiteRecord read(byte[] json) throws IOException, RejectedItem {
        FileForm form = Json.MAPPER.readValue(json, FileForm.class);
        if (!FORMAT.equals(form.format()) || form.version() != 1) {
            throw new IOException("not a " + FORMAT + " version 1 file");
        }
        byte[] salt = Hex.decode(form.salt() == null ? "" : form.salt());
        SiteAddress site = SiteAddress.publicKey(Hex.decode(form.publicKey()), salt);
        ItemCheck.Verified verified = ItemCheck.verify(site, Hex.decode(form.publicKey()), salt, form.seq(),
                Hex.decode(form.value()), Hex.decode(form.signature()), Optional.empty());
        return new KeySiteRecord(verified.item(), verified.infohash(), form.key(), form.seeding(), form.updated(),
                form.pendingCheck(), form.previous() == null ? List.of() : form.previous());
    }

    static byte[] write(KeySiteRecord r) {
        MutableItem item = r.item();
        return Json.pretty(new FileForm(FORMAT, 1, Hex.encode(item.publicKey()), Hex.encode(item.salt()), item.seq(),
                Hex.encode(item.value()), Hex.encode(item.signature()), r.infohash(), r.keyName(), r.seeding(), r.updated(),
                r.pendingCheck(), r.previous())).getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    public Optional<KeySiteRecord> get(SiteAddress site) {
        return Optional.ofNullable(records.get(site));
    }

    public List<KeySiteRecord> list() {
        List<KeySiteRecord> list = new ArrayList<>(records.values());
        list.sort(java.util.Comparator.comparing(r -> r.site().label()));
        return list;
    }

    public synchronized void put(KeySiteRecord record) throws IOException {
        AtomicFiles.write(file(record.site()), write(record));
        records.put(record.site(), record);
    }

    public synchronized boolean remove(SiteAddress site) throws IOException {
        boolean existed = records.remove(site) != null;
        try {
            Files.delete(file(site));
        } catch (NoSuchFileException e) {
            return existed;
        }
        return true;
    }

    /**
     * The lock to hold while a site's record is read, decided on and written back, so that an item
     * from the DHT or a peer, a publish and a retirement never undo each other's change.
     */
    Object lock(SiteAddress site) {
        return locks.computeIfAbsent(site, s -> new Object());
    }

    Path file(SiteAddress site) {
        return dir.resolve(site.label() + ".json");
    }
}
