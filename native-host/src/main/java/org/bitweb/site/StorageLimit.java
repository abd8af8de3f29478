package org.bitweb.site;

import org.bitweb.store.SiteRecord;
import org.bitweb.store.SiteStore;
import org.bitweb.store.StateDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Predicate;

/**
 * Keeps the sites a visitor downloaded within the storage limit the user set, least recently
 * visited first out. Published and seeded sites are never evicted, nor a site read in the last
 * minute (it is on screen).
 */
public final class StorageLimit {
    private static final Logger log = LoggerFactory.getLogger(StorageLimit.class);

    /** Removes a site and its files; returns the bytes freed. */
    @FunctionalInterface
    public interface Remover {
        long remove(String infohash) throws IOException;
    }

    private final StateDir dir;
    private final SiteStore store;
    private final Predicate<String> onScreen;
    private final Remover remover;
    private volatile long limit;

    /**
     * @param onScreen whether a site was read lately and must stay
     */
    public StorageLimit(StateDir dir, SiteStore store, Predicate<String> onScreen, Remover remover) {
        this.dir = dir;
        this.store = store;
        this.onScreen = onScreen;
        this.remover = remover;
    }

    /** Most bytes visited sites may take on disk; 0 for no limit. */
    public void set(long bytes) {
        limit = bytes;
    }

    /**
     * Removes the least recently visited sites until visitor data fits the limit.
     *
     * @return the sites removed
     */
    public synchronized List<String> enforce() {
        long max = limit;
        List<String> evicted = new ArrayList<>();
        if (max <= 0) {
            return evicted;
        }
        List<SiteRecord> candidates = new ArrayList<>();
        long total = 0;
        for (SiteRecord record : store.list()) {
            if (!record.evictable()) {
                continue;
            }
            try {
                total += Publisher.sizeOf(dir.site(record.infohash()));
                candidates.add(record);
            } catch (IOException e) {
                log.debug("cannot size {}: {}", record.infohash(), e.toString());
            }
        }
        candidates.sort(Comparator.comparingLong(SiteRecord::visited));
        for (SiteRecord record : candidates) {
            if (total <= max) {
                break;
            }
            if (onScreen.test(record.infohash())) {
                continue;
            }
            try {
                total -= remover.remove(record.infohash());
                evicted.add(record.infohash());
            } catch (IOException e) {
                log.warn("cannot evict a site: {}", e.toString());
            }
        }
        if (!evicted.isEmpty()) {
            log.info("storage limit: removed {} least recently visited site(s)", evicted.size());
        }
        return evicted;
    }
}
