package org.bitweb.comments;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.bitweb.json.Json;
import org.bitweb.store.AtomicFiles;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;

/**
 * The reader's own mute list: authors and records this reader does not want to see, on any site.
 * Local only: it is never sent, and it changes nothing for anyone else (the site owner's
 * {@link ModerationList} is what hides records for everyone). {@code <state>/comments/mutes.json},
 * written atomically.
 */
public final class MuteList {
    private final Path file;
    private final Set<Bytes32> authors = new TreeSet<>();
    private final Set<Bytes32> records = new TreeSet<>();

    private MuteList(Path file) {
        this.file = file;
    }

    public static MuteList open(Path file) throws IOException {
        MuteList list = new MuteList(file);
        try {
            JsonNode node = Json.MAPPER.readTree(Files.readAllBytes(file));
            node.path("authors").forEach(key -> list.authors.add(Bytes32.hex(key.asText())));
            node.path("records").forEach(id -> list.records.add(Bytes32.hex(id.asText())));
        } catch (NoSuchFileException e) {
            // nobody muted yet
        } catch (com.fasterxml.jackson.core.JsonProcessingException | IllegalArgumentException e) {
            throw new IOException(file + " is unreadable (" + e.getMessage() + "); move it away to unmute everyone");
        }
        return list;
    }

    public synchronized boolean mutes(Bytes32 id, Bytes32 author) {
        return records.contains(id) || authors.contains(author);
    }

    public synchronized boolean isEmpty() {
        return authors.isEmpty() && records.isEmpty();
    }

    public synchronized boolean mutesAuthor(Bytes32 author) {
        return authors.contains(author);
    }

    public synchronized void author(Bytes32 author, boolean muted) throws IOException {
        if (muted ? authors.add(author) : authors.remove(author)) {
            save();
        }
    }

    public synchronized void record(Bytes32 id, boolean muted) throws IOException {
        if (muted ? records.add(id) : records.remove(id)) {
            save();
        }
    }

    private void save() throws IOException {
        ObjectNode node = Json.object().put("format", "bitweb-mutes").put("version", 1);
        ArrayNode a = node.putArray("authors");
        authors.forEach(k -> a.add(k.hex()));
        ArrayNode r = node.putArray("records");
        records.forEach(k -> r.add(k.hex()));
        AtomicFiles.write(file, Json.pretty(node).getBytes(StandardCharsets.UTF_8));
    }
}
