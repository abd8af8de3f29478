package org.bitweb.store;

import com.fasterxml.jackson.core.type.TypeReference;
import org.bitweb.json.Json;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The list of sites this user keeps ({@code sites.json}), written atomically on every change.
 * One writer at a time: the engine while it runs, else the CLI under the engine lock.
 */
public final class SiteStore {
    private final StateDir dir;
    private final Map<String, SiteRecord> sites = new LinkedHashMap<>();

    private SiteStore(StateDir dir) {
        this.dir = dir;
    }

    public static SiteStore open(StateDir dir) throws IOException {
        SiteStore store = new SiteStore(dir);
        store.load();
        return store;
    }

    private void load() throws IOException {
        byte[] content;
        try {
            content = Files.readAllBytes(dir.sitesFile());
        } catch (NoSuchFileException e) {
            return;
        }
        List<SiteRecord> list;
        try {
            list = Json.MAPPER.readValue(content, new TypeReference<List<SiteRecord>>() { });
        } catch (IOException e) {
            throw new IOException("the site list " + dir.sitesFile() + " is unreadable (" + e.getMessage()
                    + "); move it away to start with an empty list", e);
        }
        for (SiteRecord site : list) {
            sites.put(site.infohash(), site);
        }
    }

    public synchronized List<SiteRecord> list() {
        List<SiteRecord> list = new ArrayList<>(sites.values());
        list.sort(Comparator.comparingLong(SiteRecord::added).thenComparing(SiteRecord::infohash));
        return list;
    }

    public synchronized Optional<SiteRecord> get(String infohash) {
        return Optional.ofNullable(sites.get(infohash));
    }

    public synchronized void put(SiteRecord site) throws IOException {
        SiteRecord previous = sites.put(site.infohash(), site);
        try {
            save();
        } catch (IOException e) {
            if (previous == null) {
                sites.remove(site.infohash());
            } else {
                sites.put(site.infohash(), previous);
            }
            throw e;
        }
    }

    public synchronized boolean remove(String infohash) throws IOException {
        SiteRecord previous = sites.remove(infohash);
        if (previous == null) {
            return false;
        }
        try {
            save();
        } catch (IOException e) {
            sites.put(infohash, previous);
            throw e;
        }
        return true;
    }

    private void save() throws IOException {
        AtomicFiles.write(dir.sitesFile(), Json.pretty(list()).getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
}
